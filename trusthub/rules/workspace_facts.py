"""What the workspace rules read of a profile: the facts of the other files that validating
a few files needs (`trusthub validate FILE...`, the pre-commit hook), kept in the validation
cache so those files are neither parsed nor checked again.

`FACT_PATHS` is every key path a `check_all` in `trusthub.rules.WORKSPACE_RULES` reads;
`tests/validate/test_workspace_facts.py` runs the workspace rules on the facts and on the
whole profiles of every corpus and example workspace, and they must find the same problems.
A workspace rule that reads a new key adds it here (that test fails until it does).

May import: `common`, `errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

FACT_PATHS: Final[tuple[tuple[str, ...], ...]] = (
    ("name",),  # unique-names and every rule naming a profile
    ("role",),  # primary-reference, one-primary-per-type, isv-*
    ("type",),
    ("primary",),
    ("friendly_name",),  # unique-friendly-names: the name the Console shows
    ("business", "legal_name"),
    ("individual", "first_name"),
    ("individual", "last_name"),
    ("business", "identity"),  # isv-primary-identity
    ("notifications", "email"),  # isv-notification-email
    ("phone_numbers",),  # phone-number-unique
    ("account",),  # account-declared (checked with the settings' accounts)
)


def workspace_facts(data: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a schema-valid profile at `FACT_PATHS`, as nested as in the profile."""
    facts: dict[str, Any] = {}
    for path in FACT_PATHS:
        node: Any = data
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                break
            node = node[key]
        else:
            target = facts
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = node
    return facts
