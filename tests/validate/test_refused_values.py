"""Values Trust Hub refuses, or that a person never means, are refused by validate with a
fix, never echoing personal data (issue 17). The bad-input corpus (`bad_input/`) holds
several variants of each class; these tests pin the mechanisms behind them."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import trusthub.rules
from trusthub.rules.schema import PROFILE_SCHEMA, WORKSPACE_SCHEMA, load_schema

_UNICODE_CLASSES = re.compile(r"\\[dDwW]")


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def _compiled(node: Any) -> Iterator[re.Pattern[str]]:
    if isinstance(node, re.Pattern):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _compiled(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _compiled(item)


def test_schema_patterns_use_ascii_digit_classes() -> None:
    """The schema's regexes run in a Unicode-aware engine, where \\d also matches
    full-width and Arabic-Indic digits: digit classes are written [0-9]."""
    for name in (PROFILE_SCHEMA, WORKSPACE_SCHEMA):
        for pattern in _patterns(load_schema(name)):
            assert not _UNICODE_CLASSES.search(pattern), f"{name}: {pattern}"


def test_rule_regexes_use_ascii_digit_classes() -> None:
    """Python's \\d matches every Unicode decimal digit: rules write [0-9] (or use
    re.ASCII), so a registration number in full-width digits is refused."""
    for info in pkgutil.iter_modules(trusthub.rules.__path__):
        module = importlib.import_module(f"trusthub.rules.{info.name}")
        for value in vars(module).values():
            for pattern in _compiled(value):
                if pattern.flags & re.ASCII or not isinstance(pattern.pattern, str):
                    continue
                if info.name == "no_po_box":  # detects a PO box: any digit will do
                    continue
                assert not _UNICODE_CLASSES.search(pattern.pattern), (
                    f"{info.name}: {pattern.pattern}"
                )
