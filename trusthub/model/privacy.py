"""Personal data: which fields hold it, how it is masked for sharing, and how it is sealed
before it reaches the state.

Masked (plans, PR comments, logs): `<sensitive:1a2b>`; the short keyed fingerprint lets a
reviewer tell two values apart without seeing either. Sealed (state, saved plans): the value
is replaced by a longer keyed fingerprint, so recorded state can still say *that* a field
changed without holding the value. The key comes from the state's lineage.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any, Final

from trusthub.common.json_path import JsonPath

# Leaf keys that hold personal data wherever they appear in a profile.
SENSITIVE_KEYS: Final = frozenset(
    {
        "first_name",
        "last_name",
        "email",
        "brand_contact_email",
        "notification_email",
        "phone",
        "phone_numbers",
        "numbers",
        "street",
        "street2",
        "postal_code",
        "date_of_birth",
        "business_registration_number",  # a toll-free verification's copy of the EIN
    }
)
# Paths that are sensitive only where they stand.
SENSITIVE_PATHS: Final = frozenset({("business", "registration", "number")})

FINGERPRINT_PREFIX: Final = "fp:"


def fingerprint_key(lineage: str) -> bytes:
    return hashlib.sha256(f"trusthub-fingerprint:{lineage}".encode()).digest()


def fingerprint(key: bytes, value: Any) -> str:
    digest = hmac.new(key, repr(value).encode(), hashlib.sha256).hexdigest()
    return FINGERPRINT_PREFIX + digest[:24]


def is_sensitive(path: Sequence[str | int]) -> bool:
    """Whether the value at `path` (keys and list indexes) is personal data."""
    keys = tuple(p for p in path if isinstance(p, str))
    if not keys:
        return False
    return keys[-1] in SENSITIVE_KEYS or keys in SENSITIVE_PATHS


def seal(data: Any, key: bytes, path: JsonPath = ()) -> Any:
    """A copy of `data` with every sensitive leaf replaced by its fingerprint."""
    if isinstance(data, Mapping):
        return {k: seal(v, key, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [seal(v, key, (*path, i)) for i, v in enumerate(data)]
    if is_sensitive(path) and not (isinstance(data, str) and data.startswith(FINGERPRINT_PREFIX)):
        return fingerprint(key, data)
    return data


def mask(value: Any, key: bytes) -> str:
    """How a sensitive value is shown in shareable output."""
    if isinstance(value, str) and value.startswith(FINGERPRINT_PREFIX):
        return f"<sensitive:{value[len(FINGERPRINT_PREFIX) : len(FINGERPRINT_PREFIX) + 4]}>"
    return f"<sensitive:{fingerprint(key, value)[len(FINGERPRINT_PREFIX) :][:4]}>"


def display(
    path: Sequence[str | int], value: Any, key: bytes, *, show_sensitive: bool = False
) -> Any:
    """`value` as it may appear in output: masked when sensitive unless asked otherwise.
    Containers are masked leaf by leaf."""
    if isinstance(value, Mapping):
        return {
            k: display((*path, k), v, key, show_sensitive=show_sensitive) for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            display((*path, i), v, key, show_sensitive=show_sensitive) for i, v in enumerate(value)
        ]
    if is_sensitive(path):
        if show_sensitive and not (isinstance(value, str) and value.startswith(FINGERPRINT_PREFIX)):
            return value
        return mask(value, key)
    return value
