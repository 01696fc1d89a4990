"""A profile document written as the workspace's own files are (`profiles/*.yaml`): block
mappings in the examples' key order, lists of scalars in flow style, strings quoted only
where YAML would read them as something else, and comments where the import has something
to say about a value. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from trusthub.load import yaml_safe
from trusthub.model.reverse import document_order

Path = tuple[str | int, ...]


def _dump(value: Any, style: str | None = None) -> str:
    text = yaml.safe_dump(
        value, default_flow_style=True, width=10_000, allow_unicode=True, default_style=style
    )
    return text.removesuffix("\n").removesuffix("\n...").strip()


def scalar(value: Any) -> str:
    """`value` as YAML, quoted when the workspace's loader (YAML 1.2 core, not PyYAML's 1.1)
    would read it plain as something else: `081466849` is a number there."""
    text = _dump(value)
    if isinstance(value, str) and (
        text.startswith("'") or yaml_safe.load(f"v: {text}") != {"v": value}
    ):
        text = _dump(value, '"')  # the examples' quotes
    return text


def _comment_lines(comments: Mapping[Path, Sequence[str]], path: Path, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in comments.get(path, ())]


def _emit(value: Any, path: Path, depth: int, comments: Mapping[Path, Sequence[str]]) -> list[str]:
    """The lines of a mapping's items at `depth`."""
    indent = "  " * depth
    lines: list[str] = []
    keys = document_order(value) if depth == 0 else list(value)
    for key in keys:
        item = value[key]
        here = (*path, key)
        lines.extend(_comment_lines(comments, here, indent))
        lines.extend(_item(f"{indent}{key}:", item, here, depth, comments))
    return lines


def _item(
    head: str, item: Any, here: Path, depth: int, comments: Mapping[Path, Sequence[str]]
) -> list[str]:
    indent = "  " * depth
    if isinstance(item, Mapping):
        if not item:
            return [f"{head} {{}}"]
        return [head, *_emit(item, here, depth + 1, comments)]
    if isinstance(item, list):
        if all(not isinstance(v, Mapping | list) for v in item):
            return [f"{head} [{', '.join(scalar(v) for v in item)}]"]
        lines = [head]
        for i, entry in enumerate(item):
            lines.extend(_comment_lines(comments, (*here, i), indent + "  "))
            if isinstance(entry, Mapping) and entry:
                body = _emit(entry, (*here, i), depth + 2, comments)
                # Comments above the entry's first key go above its dash.
                lead = next(n for n, line in enumerate(body) if not line.lstrip().startswith("#"))
                lines.extend(body[:lead])
                lines.append(f"{indent}  - {body[lead].lstrip()}")
                lines.extend(body[lead + 1 :])
            else:
                lines.extend(_item(f"{indent}  -", entry, (*here, i), depth + 1, comments))
        return lines
    return [f"{head} {scalar(item)}"]


def reads_back(text: str, document: Mapping[str, Any]) -> bool:
    """Whether `text` loads as `document` with the workspace's own loader."""
    return bool(yaml_safe.load(text) == document)


def render(
    document: Mapping[str, Any],
    *,
    header: Sequence[str] = (),
    comments: Mapping[Path, Sequence[str]] | None = None,
) -> str:
    """The file's text. `comments`: document path -> lines written above that key (the
    empty path: at the top, after `header`)."""
    notes = comments or {}
    lines = [f"# {h}" for h in header]
    lines.extend(_comment_lines(notes, (), ""))
    lines.extend(_emit(document, (), 0, notes))
    return "\n".join(lines) + "\n"
