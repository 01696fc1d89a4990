"""The plan as stable, versioned JSON (documented in the README). Personal data is masked:
sealed fingerprints become `<sensitive:xxxx>`, never raw values."""

from __future__ import annotations

import json
from typing import Any

from trusthub.common.characters import escape_invisible
from trusthub.model.privacy import FINGERPRINT_PREFIX, mask
from trusthub.plan.model import Plan


def _masked(value: Any, key: bytes) -> Any:
    if isinstance(value, dict):
        return {k: _masked(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, key) for v in value]
    if isinstance(value, str) and value.startswith(FINGERPRINT_PREFIX):
        return mask(value, key)
    return value


def plan_data(plan: Plan, key: bytes) -> dict[str, Any]:
    data = _masked(plan.to_data(), key)
    data["checksum"] = plan.checksum()
    data["has_changes"] = plan.has_changes
    totals = plan.fee_totals()
    if totals:  # only when the plan costs fees: plans without fees read as before
        data["fees"] = totals
    return dict(data)


def render_json(plan: Plan, key: bytes) -> str:
    text = json.dumps(plan_data(plan, key), indent=2, ensure_ascii=False, sort_keys=True)
    return escape_invisible(text) + "\n"  # the same JSON, with no raw bidi control in it
