"""The jinja2 environment for everything rendered from `templates/`."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from trusthub.common.characters import escape_invisible


def _md(value: Any) -> str:
    """Escape text for Markdown so user data cannot inject markup or HTML."""
    text = (
        escape_invisible(str(value)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )
    for ch in ("\\", "`", "*", "_", "[", "]", "|"):
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def _code(value: Any) -> str:
    """Text for inside a code span (`...`): invisible characters escaped, and no backtick
    that would close the span early."""
    return escape_invisible(str(value)).replace("`", "'").replace("\n", " ")


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
    return env
