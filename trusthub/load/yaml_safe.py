"""A safe YAML loader with YAML 1.2 core-schema typing, strict keys and bounded structure.

* Typing follows the YAML 1.2 core schema: `yes`/`no`/`on`/`off` stay strings (Norway's
  country code `NO` is not `False`), dates stay strings, `012` is twelve, `1_000` is a string.
* Only plain data is built: strings, integers, finite floats, booleans, null, lists and
  mappings with string keys. Other tags (`!!binary`, `!!set`, `!!timestamp`, `!!python/...`)
  are refused, so the result is always JSON-compatible.
* Duplicate keys and non-string keys are errors (PyYAML silently keeps the last duplicate).
* `check_structure` bounds nesting depth and the size of the tree that aliases expand to,
  from libyaml's event stream, before anything is composed or constructed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, Final

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    NodeEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:  # libyaml; the pure-Python parser is about nine times slower
    from yaml._yaml import CParser as _Parser

    LIBYAML: Final = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    LIBYAML: Final = False  # type: ignore[misc]

MAX_DEPTH: Final = 64  # a profile nests 5 deep; JSON tools and jsonschema recurse
MAX_NODES: Final = 100_000  # nodes after alias expansion; a profile has about 100

_STR: Final = "tag:yaml.org,2002:str"
_INT: Final = "tag:yaml.org,2002:int"
_FLOAT: Final = "tag:yaml.org,2002:float"
_BOOL: Final = "tag:yaml.org,2002:bool"
_NULL: Final = "tag:yaml.org,2002:null"
_SEQ: Final = "tag:yaml.org,2002:seq"
_MAP: Final = "tag:yaml.org,2002:map"


class StructureError(yaml.MarkedYAMLError):
    """The document nests too deep, or its aliases expand too far. `rule` names which."""

    def __init__(self, rule: str, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.rule = rule


class KeyProblem(ConstructorError):
    """A duplicate, non-string or merge (`<<`) key. `rule` names which."""

    def __init__(self, rule: str, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.rule = rule


class CoreResolver(BaseResolver):
    """Implicit typing of plain scalars by the YAML 1.2 core schema (finite numbers only:
    `.inf` and `.nan` stay strings, so data stays JSON-compatible)."""

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        # libyaml calls this for every node: exact words first, regexes only for what
        # starts like a number. Same answers as the table below, a third of the time.
        if kind is ScalarNode:
            if implicit[0] and value is not None:
                tag = _WORDS.get(value)
                if tag is not None:
                    return tag
                if value[:1] in _NUMBER_START:
                    if _INT_PATTERN.match(value):
                        return _INT
                    if _FLOAT_PATTERN.match(value):
                        return _FLOAT
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    # Path resolvers are not used; libyaml calls these two for every node regardless.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_WORDS: Final = {
    **dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), _BOOL),
    **dict.fromkeys(("~", "null", "Null", "NULL", ""), _NULL),
}
_NUMBER_START: Final = frozenset("-+.0123456789")
_INT_PATTERN: Final = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT_PATTERN: Final = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")


def _build(node: Node) -> Any:
    """Plain data from a composed node. PyYAML's generic constructor (state generators,
    per-node bookkeeping for recursive objects) costs about half of `CSafeLoader`'s time;
    this is all JSON-only data needs. Aliases are built once per use; `check_structure`
    bounds what they expand to and refuses recursive ones."""
    kind = type(node)
    if kind is ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT:
            return _integer(node)
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return _boolean(node)
        if tag == _FLOAT:
            return _float(node)
    elif kind is MappingNode and node.tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else _build(key_node)
            if type(key) is not str:
                raise KeyProblem("non-string-key", _non_string_key(key), key_node.start_mark)
            if key in mapping:
                raise KeyProblem(
                    "duplicate-key", _duplicate(node, key_node, key), key_node.start_mark
                )
            if key == "<<" and not key_node.style:  # a YAML 1.1 merge key (plain: style "")
                raise KeyProblem(
                    "yaml-merge-key",
                    "merge keys (<<) are not supported; write the keys out",
                    key_node.start_mark,
                )
            mapping[key] = _build(value_node)
        return mapping
    elif kind is SequenceNode and node.tag == _SEQ:
        return [_build(child) for child in node.value]
    raise ConstructorError(
        None,
        None,
        f"unsupported tag {node.tag!r}: only strings, numbers, booleans, null, "
        "lists and mappings are allowed",
        node.start_mark,
    )


def _integer(node: Node) -> int:
    text: str = node.value
    sign, digits = (-1, text[1:]) if text[:1] == "-" else (1, text.lstrip("+"))
    try:
        if digits[:2] in ("0o", "0x"):
            return sign * int(digits, 0)
        return sign * int(digits, 10)  # base 10: "012" is twelve, not octal
    except ValueError as e:  # not a number, or longer than Python's 4300-digit limit
        why = "too many digits" if "digits" in str(e) else "not a number"
        raise ConstructorError(None, None, f"not a valid integer ({why})", node.start_mark) from e


def _float(node: Node) -> float:
    try:
        value = float(node.value)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ConstructorError(None, None, "not a finite number", node.start_mark)
    return value


def _boolean(node: Node) -> bool:
    text = str(node.value).lower()
    if text not in ("true", "false"):
        raise ConstructorError(None, None, "not a boolean (true or false)", node.start_mark)
    return text == "true"


class YamlLoader(_Parser, CoreResolver):
    """libyaml's parser and composer with the core-schema resolver."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        CoreResolver.__init__(self)


def _non_string_key(key: object) -> str:
    kind = "null" if key is None else type(key).__name__
    shown = "" if key is None or isinstance(key, (list, dict)) else f" {key!r}"
    return f"keys must be strings, found {kind} key{shown}; quote it"


def _duplicate(node: Node, key_node: Node, key: str) -> str:
    first = next(k for k, _ in node.value if isinstance(k, ScalarNode) and k.value == key)
    return (
        f"duplicate key {key!r} (first defined at line {first.start_mark.line + 1}); keep only one"
    )


# Cheap bounds that prove a document shallow enough without parsing it: block nesting needs
# indentation (or compact "- - " indicators) and flow nesting needs brackets.
# (A literal "\n" first lets `re` skip ahead with memchr: 3 us per profile instead of 19.)
_DEEP_INDENT: Final = re.compile(r"\n[ ?:-]{24}")
_DEEP_START: Final = re.compile(r"[ ?:-]{24}")
_MAX_BRACKETS: Final = 12


def needs_structure_scan(text: str) -> bool:
    """Whether `text` could nest deeper than MAX_DEPTH or hold aliases (see check_structure)."""
    return (
        "*" in text
        or text.count("[") + text.count("{") > _MAX_BRACKETS
        or _DEEP_INDENT.search(text) is not None
        or _DEEP_START.match(text) is not None
    )


def _events(text: str) -> Iterator[Event]:
    loader = YamlLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if event is not None:
                yield event
    finally:
        loader.dispose()


def check_structure(text: str) -> None:
    """Raise StructureError if the document nests deeper than MAX_DEPTH or its aliases
    expand to more than MAX_NODES nodes (an alias bomb), or an alias refers to a node that
    contains it. Works on libyaml's event stream, so nothing is built and nothing recurses."""
    depth = 0
    total = 0  # nodes in the fully expanded tree so far
    open_anchors: list[tuple[str | None, int]] = []  # (anchor, total when it started)
    sizes: dict[str, int] = {}  # expanded size of each finished anchored node
    for event in _events(text):
        if isinstance(event, AliasEvent):
            anchor = event.anchor or ""
            if any(a == anchor for a, _ in open_anchors):
                raise StructureError(
                    "yaml-alias",
                    f"alias *{anchor} refers to a node that contains it (a recursive alias)",
                    event.start_mark,
                )
            total += sizes.get(anchor, 1)
            if total > MAX_NODES:
                raise StructureError(
                    "yaml-alias",
                    f"aliases expand this document to more than {MAX_NODES:,} nodes "
                    "(an alias bomb?); write the values out instead",
                    event.start_mark,
                )
        elif isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise StructureError(
                    "nesting-too-deep",
                    f"nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                )
            open_anchors.append((event.anchor, total))
            total += 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
            closed, start = open_anchors.pop()
            if closed is not None:
                sizes[closed] = total - start
        elif isinstance(event, NodeEvent):  # a scalar
            total += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1


def load(text: str) -> Any:
    """The data of the single YAML document in `text` (None when there is none)."""
    node = compose(text)
    return None if node is None else _build(node)


def compose(text: str) -> Node | None:
    """The node tree of the single YAML document in `text`, with positions."""
    loader = YamlLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
