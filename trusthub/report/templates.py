"""The jinja2 environment for everything rendered from `templates/`."""

from __future__ import annotations

import functools
import re
from typing import Any, Final

import jinja2

from trusthub.common.characters import escape_invisible
from trusthub.report.status_page import describe_age

# GitHub turns `@name`, `@org/team` and `#123` into mentions (notifications) and links,
# even after a backslash. A zero-width space entity after the sign stops it (as Renovate's
# comments do) and renders as nothing.
_MENTION: Final = re.compile(r"@(?=[A-Za-z0-9_-])|#(?=[0-9])")


def _md(value: Any) -> str:
    """Escape text for Markdown so user data cannot inject markup, HTML, mentions or issue
    links."""
    text = escape_invisible(str(value)).replace("&", "&amp;")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    for ch in ("\\", "`", "*", "_", "[", "]", "|"):
        text = text.replace(ch, "\\" + ch)
    text = _MENTION.sub(lambda m: m.group() + "&#8203;", text)
    return text.replace("\n", " ")


def _code(value: Any) -> str:
    """Text for inside a code span (`...`): invisible characters escaped, and no backtick
    that would close the span early."""
    return escape_invisible(str(value)).replace("`", "'").replace("\n", " ")


def _text(value: Any) -> str:
    """Text for HTML (autoescaping does the markup): invisible and direction-changing
    characters shown as escapes, so a name cannot pretend to be another."""
    return escape_invisible(str(value))


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("trusthub", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,  # a typo in a template is an error, not ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md
    env.filters["code"] = _code
    env.filters["md_cell"] = _md  # the same escaping; the templates name it for table cells
    env.filters["text"] = _text
    env.filters["age"] = describe_age
    return env
