"""Personal data: which fields hold it, how it is masked for sharing, and how it is sealed
before it reaches the state.

The rule (the README's "Personal data" states it): a value is personal data when it
identifies or reaches a natural person or is a registration number: people's names, email
addresses, phone numbers, street addresses and postal codes, dates of birth, and
registration numbers (EIN, DUNS, ...). It is decided by the value's path alone
(`is_sensitive`: the leaf keys of `SENSITIVE_KEYS` anywhere, `SENSITIVE_PATHS` where they
stand). Everything else a profile says (legal name, industry, business type, website, use
case, sample messages, friendly names) is business data a reviewer needs to see, and is
shown as written.

Masked (plans, PR comments, logs): `<sensitive:1a2b>`; the short keyed fingerprint lets a
reviewer tell two values apart without seeing either. Where the raw value is at hand (a
value the workspace asks for, not one read back from the state), phone numbers and email
addresses are masked the way people recognise them (`recognisable`): the country code and
last four digits of a number (`+1 ••• ••• 0123`), the domain of an address
(`•••@acme.example.com`). Every other kind of personal data stays fully masked. Sealed
(state, saved plans): the value is replaced by a longer keyed fingerprint, so recorded
state can still say *that* a field changed without holding the value. The key comes from
the state's lineage. The audit log's record of an update's field changes holds what a plan
shows (`shareable`), never more.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any, Final

from trusthub.common.json_path import JsonPath
from trusthub.model.phone_facts import country_code

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
        "mobile_phone",  # a sole proprietor's OTP mobile
        "street",
        "street2",
        "postal_code",
        "date_of_birth",
        "business_registration_number",  # a toll-free verification's copy of the EIN
    }
)
# Phone numbers whose key (`number`) says nothing alone: a toll-free verification's number.
PHONE_PATHS: Final = frozenset({("toll_free_verifications", "number")})
# Paths that are sensitive only where they stand.
SENSITIVE_PATHS: Final = frozenset({("business", "registration", "number")}) | PHONE_PATHS
# Of those, the keys shown partly (`recognisable`); all others are masked in full.
PHONE_KEYS: Final = frozenset({"phone", "phone_numbers", "numbers", "mobile_phone"})
EMAIL_KEYS: Final = frozenset({"email", "brand_contact_email", "notification_email"})
HIDDEN: Final = "•••"

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


def recognisable(path: Sequence[str | int], value: Any) -> str | None:
    """A raw personal value at `path` masked so people recognise it, or None when it must
    be masked in full (names, addresses, dates of birth, registration numbers, and any
    value that does not look like what its key promises)."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys or not isinstance(value, str) or value.startswith(FINGERPRINT_PREFIX):
        return None
    if keys[-1] in PHONE_KEYS or tuple(keys) in PHONE_PATHS:
        return _phone(value)
    if keys[-1] in EMAIL_KEYS:
        local, at, domain = value.rpartition("@")
        return f"{HIDDEN}@{domain}" if at and local and domain else None
    return None


def _phone(value: str) -> str | None:
    digits = value[1:] if value.startswith("+") else ""
    if not digits.isdigit() or len(digits) < 8:
        return None
    country = country_code(value)
    if country is None:
        return None
    return f"+{country} {HIDDEN} {HIDDEN} {digits[-4:]}"


def shareable(path: Sequence[str | int], sealed: Any, key: bytes, raw: Any = None) -> Any:
    """A personal value at `path` as shareable output shows it: recognisably when its raw
    value is at hand (each item of a list), else masked in full (`<sensitive:1a2b>`, from
    the sealed value when there is one). Plans and the audit log's field changes both
    show personal values this way."""
    if isinstance(raw, list):
        return [recognisable(path, v) or mask(v, key) for v in raw]
    if raw is not None and (partly := recognisable(path, raw)) is not None:
        return partly
    return mask(sealed if sealed is not None else raw, key)


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
