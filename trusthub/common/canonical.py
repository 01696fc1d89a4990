"""Canonical JSON: equal values give equal text (sorted keys, no white space, UTF-8), so
it can be hashed, compared, or written without a spurious change."""

from __future__ import annotations

import json
from typing import Any


def canonical_text(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(data: Any) -> bytes:
    """`canonical_text` as UTF-8 bytes, what is hashed."""
    return canonical_text(data).encode()
