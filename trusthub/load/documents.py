"""Read one YAML file into a `Document`: cheap limits first, then a safe parse.

Every failure is a `DocumentError` with a location (file, line, column) and a stable rule id:

* `file-unreadable`: missing, not a regular file, or an OS error
* `file-too-large`: over the size limit (1 MiB by default), checked before reading
* `encoding`: not UTF-8, or starts with a byte order mark
* `control-character`: a control character YAML does not allow
* `yaml-syntax`: anything libyaml cannot parse (tabs, unclosed brackets, bad indentation)
* `duplicate-key`, `non-string-key`, `yaml-merge-key`: keys other than unique strings
* `yaml-value`: an unsupported tag (`!!binary`, `!!python/...`) or an impossible number
* `yaml-alias`: aliases that expand too far (an alias bomb) or refer to themselves
* `nesting-too-deep`: more than 64 levels of nesting
* `multiple-documents`, `empty-file`, `not-a-mapping`: one mapping per file

Locations are found lazily: `Document.locate` composes the node tree only when a problem
needs a position, so files without problems are parsed once, by libyaml.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trusthub.common.json_path import leaves
from trusthub.errors import LoadError, Location, Problem
from trusthub.load.yaml_errors import explain_yaml_error
from trusthub.load.yaml_safe import (
    check_structure,
    compose,
    load,
    needs_structure_scan,
)

MAX_FILE_BYTES: Final = 1 << 20

# Characters YAML 1.2 does not allow in a stream (c-printable), as they would come from a
# bad copy-paste. Surrogates cannot occur after strict UTF-8 decoding.
_FORBIDDEN: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# In values, escapes may still produce tab, line feed and carriage return.
_ESCAPED_CONTROL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class DocumentError(LoadError):
    """A file that cannot be turned into data. `rule` is its stable problem id."""

    def __init__(self, message: str, *, location: Location, rule: str) -> None:
        super().__init__(message, location=location)
        self.rule = rule

    def to_problem(self) -> Problem:
        assert self.location is not None
        return Problem(self.location, self.rule, self.message)


class Document:
    """One parsed YAML file. `data` is JSON-compatible; `locate` maps a JSON path back to a
    line and column, composing the node tree on first use only."""

    __slots__ = ("_root", "data", "path", "text")

    def __init__(self, path: str, text: str, data: Any) -> None:
        self.path = path
        self.text = text
        self.data = data
        self._root: Node | None = None

    def locate(self, json_path: Sequence[str | int], *, key: bool = False) -> Location:
        """Where the value at `json_path` is written. Falls back to the deepest node found
        (a missing key: its parent). A scalar points at its value; a mapping or list, and
        with `key=True` anything, points at its key."""
        node = self._compose()
        if node is None:
            return Location(self.path, 1, 1)
        mark = node.start_mark
        for index, part in enumerate(json_path):
            last = index == len(json_path) - 1
            if isinstance(node, MappingNode):
                pair = next(
                    (
                        (k, v)
                        for k, v in node.value
                        if isinstance(k, ScalarNode) and k.value == part
                    ),
                    None,
                )
                if pair is None:
                    break
                key_node, node = pair
                point_at_key = (key and last) or not _has_visible_value(node)
                mark = key_node.start_mark if point_at_key else node.start_mark
            elif (
                isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value)
            ):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return Location(self.path, mark.line + 1, mark.column + 1)

    def source_text(self, json_path: Sequence[str | int]) -> str | None:
        """The scalar at `json_path` as written in the file (`01234`, `0o17`, `!!float 180`),
        or None when there is no scalar there. Hints quote this, not the parsed value: the
        integer 1234 lost the zero the user wrote."""
        node = self._compose()
        for part in json_path:
            if isinstance(node, MappingNode):
                node = next(
                    (v for k, v in node.value if isinstance(k, ScalarNode) and k.value == part),
                    None,
                )
            elif (
                isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value)
            ):
                node = node.value[part]
            else:
                return None
        if not isinstance(node, ScalarNode):
            return None
        return self.text[node.start_mark.index : node.end_mark.index]

    def _compose(self) -> Node | None:
        if self._root is None:
            try:
                self._root = compose(self.text)
            except yaml.YAMLError:  # the text was parsed before; a race, at worst
                return None
        return self._root


def _has_visible_value(node: Node) -> bool:
    # An empty plain scalar (`website:`) has no position of its own worth showing. (libyaml
    # gives plain scalars the style "", the pure-Python parser None.)
    return isinstance(node, ScalarNode) and not (node.value == "" and not node.style)


def read_limited(path: Path, display: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file no larger than `max_bytes`, or a DocumentError."""
    where = Location(display, 1, 1)  # file-level problems point at its start
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise DocumentError(
            f"cannot read the file: {e.strerror}", location=where, rule="file-unreadable"
        ) from e
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError("not a regular file", location=where, rule="file-unreadable")
        if info.st_size > max_bytes:
            raise _too_large(info.st_size, max_bytes, where)
        # Read what fstat promised plus one byte (asking for the limit would allocate 1 MiB
        # per file), then keep reading up to the limit in case the file grew meanwhile.
        chunks = [os.read(fd, info.st_size + 1)]
        total = len(chunks[0])
        while total > info.st_size and total <= max_bytes and chunks[-1]:
            chunks.append(os.read(fd, max_bytes + 1 - total))
            total += len(chunks[-1])
    except OSError as e:
        raise DocumentError(
            f"cannot read the file: {e.strerror}", location=where, rule="file-unreadable"
        ) from e
    finally:
        os.close(fd)
    raw = b"".join(chunks) if len(chunks) > 1 else chunks[0]
    if len(raw) > max_bytes:
        raise _too_large(len(raw), max_bytes, where)
    return raw


def _too_large(size: int, limit: int, where: Location) -> DocumentError:
    return DocumentError(
        f"file is {size:,} bytes, over the limit of {limit:,}; one profile per file is "
        "never this large",
        location=where,
        rule="file-too-large",
    )


def decode(raw: bytes, display: str) -> str:
    """Strict UTF-8 without BOM; the error points at the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DocumentError(
            "the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM",
            location=Location(display, 1, 1),
            rule="encoding",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        line_start = raw.rfind(b"\n", 0, e.start) + 1
        column = len(raw[line_start : e.start].decode("utf-8", "replace")) + 1
        hint = " (it looks like UTF-16)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise DocumentError(
            f"not valid UTF-8: byte 0x{raw[e.start]:02x} cannot be decoded{hint}; "
            "save the file as UTF-8",
            location=Location(display, line, column),
            rule="encoding",
        ) from None


def _text_location(text: str, index: int, display: str) -> Location:
    line_start = text.rfind("\n", 0, index) + 1
    return Location(display, text.count("\n", 0, index) + 1, index - line_start + 1)


def parse(text: str, display: str, *, allow_empty: bool = False) -> Document:
    """Parse `text` as a single YAML mapping (or nothing, with `allow_empty`)."""
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        raise DocumentError(
            f"control character U+{ord(bad.group()):04X} is not allowed in YAML; remove it "
            "(write it as an escape like \\x07 in a double-quoted string if you mean it)",
            location=_text_location(text, bad.start(), display),
            rule="control-character",
        )
    try:
        if needs_structure_scan(text):
            check_structure(text)
        data = load(text)
    except yaml.MarkedYAMLError as e:
        rule, message, where = explain_yaml_error(e, text, display)
        raise DocumentError(message, location=where, rule=rule) from None
    except yaml.YAMLError as e:  # a reader error without a mark; not expected after the checks
        raise DocumentError(
            f"invalid YAML: {e}", location=Location(display, 1, 1), rule="yaml-syntax"
        ) from None
    document = Document(display, text, data)
    if "\\" in text:  # only escapes in double-quoted strings can smuggle control characters
        _check_escaped_controls(document)
    if data is None and not allow_empty:
        what = (
            "empty file" if not text.strip() else "the file holds no data (only comments or null)"
        )
        raise DocumentError(
            f"{what}: expected one YAML mapping (key: value lines)",
            location=Location(display, 1, 1),
            rule="empty-file",
        )
    if data is not None and not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise DocumentError(
            f"the top level must be a mapping (key: value lines), found {kind}",
            location=document.locate([]),
            rule="not-a-mapping",
        )
    return document


def _check_escaped_controls(document: Document) -> None:
    for path, value in leaves(document.data):
        if isinstance(value, str) and (bad := _ESCAPED_CONTROL.search(value)):
            raise DocumentError(
                f"control character U+{ord(bad.group()):04X} (written as an escape) is not "
                "allowed in a value; remove it",
                location=document.locate(path),
                rule="control-character",
            )


def load_document(
    path: Path,
    display: str,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    allow_empty: bool = False,
) -> Document:
    """Read, check and parse one file; raise DocumentError with a location on any problem."""
    return parse(
        decode(read_limited(path, display, max_bytes=max_bytes), display),
        display,
        allow_empty=allow_empty,
    )
