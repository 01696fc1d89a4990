"""Checks on the values of end-user and document attributes, as an Evaluation makes them
(error 22218, "invalid value"). Each check returns the failure reason, or None when fine."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import phonenumbers

from trusthub.model import mapping

Check = Literal["text", "email", "phone", "url", "enum", "enum_list", "cnam", "count", "date"]

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_CNAM_CHARS: Final = re.compile(r"[A-Za-z][A-Za-z0-9., ]*")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    check: Check = "text"
    choices: tuple[str, ...] = ()
    optional: bool = False
    # Required only when another attribute has a value, e.g. a stock ticker when public.
    required_if: tuple[str, str] | None = None

    def required(self, attributes: dict[str, Any]) -> bool:
        if self.required_if is not None:
            other, value = self.required_if
            return str(attributes.get(other, "")) == value
        return not self.optional

    def problem(self, value: Any) -> str | None:
        return _CHECKS[self.check](self, value)


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def _text(field: Field, value: Any) -> str | None:
    return None if isinstance(value, str | int | float) else f"{field.label} must be text."


def _email(field: Field, value: Any) -> str | None:
    if isinstance(value, str) and _EMAIL.fullmatch(value.strip()):
        return None
    return "Email is invalid."


def _phone(field: Field, value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith("+"):
        return "Phone number is invalid."
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return "Phone number is invalid."
    return None if phonenumbers.is_valid_number(parsed) else "Phone number is invalid."


def _url(field: Field, value: Any) -> str | None:
    if isinstance(value, str):
        parts = urlsplit(value.strip())
        if parts.scheme in ("http", "https") and parts.hostname:
            return None
    return f"{field.label} is not a valid URL."


def _enum(field: Field, value: Any) -> str | None:
    if str(value) in field.choices:
        return None
    return f"{field.label} should be one of: {', '.join(field.choices)}."


def _enum_list(field: Field, value: Any) -> str | None:
    # Several values (comma-separated, or a JSON list) only if Trust Hub accepts them, which
    # is UNCONFIRMED: `mapping.SEVERAL_REGIONS_ACCEPTED` decides, for trusthub and sandbox.
    items = value if isinstance(value, list) else str(value).split(mapping.REGIONS_SEPARATOR)
    if len(items) > 1 and not mapping.SEVERAL_REGIONS_ACCEPTED:
        return f"{field.label} should be one of: {', '.join(field.choices)}."
    wrong = [str(i).strip() for i in items if str(i).strip() not in field.choices]
    if not wrong:
        return None
    return f"{field.label} should be among: {', '.join(field.choices)}."


def _cnam(field: Field, value: Any) -> str | None:
    text = str(value)
    if len(text) > 15:
        return "CNAM display name must be at most 15 characters."
    if not _CNAM_CHARS.fullmatch(text):
        return (
            "CNAM display name must start with a letter and contain only letters, digits, "
            "periods, commas and spaces."
        )
    return None


def _count(field: Field, value: Any) -> str | None:
    text = str(value).strip()
    if text.isdigit() and int(text) > 0:
        return None
    return f"{field.label} must be a positive whole number."


def _date(field: Field, value: Any) -> str | None:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return f"{field.label} must be a date like 1990-01-31."
    return None


_CHECKS: Final[dict[str, Callable[[Field, Any], str | None]]] = {
    "text": _text,
    "email": _email,
    "phone": _phone,
    "url": _url,
    "enum": _enum,
    "enum_list": _enum_list,
    "cnam": _cnam,
    "count": _count,
    "date": _date,
}
