"""Characters a person never means in a profile value, and how to name them without
repeating the value (which may be personal data)."""

from __future__ import annotations

import unicodedata
from typing import Final

# Format characters (category Cf) outside it, such as the soft hyphen, are refused too.
_BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def has_non_ascii_digit(text: str) -> bool:
    """Whether `text` has a decimal digit other than 0-9 (full-width, Arabic-Indic, ...)."""
    return any(ch.isdecimal() and not ("0" <= ch <= "9") for ch in text)


def ascii_digits_hint(text: str) -> str:
    """A hint to append to a message when `text` has non-ASCII digits, else ""."""
    if not has_non_ascii_digit(text):
        return ""
    return (
        "; it is written with non-ASCII digits (full-width or another script's): "
        "retype it with the digits 0-9"
    )


def invisible(ch: str) -> bool:
    """An invisible or direction-changing character: a format character (Cf: zero-width
    space and joiners, byte order mark, bidi embeddings, overrides and isolates, soft
    hyphen, ...), or a control character."""
    return ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs", "Cn")


def describe(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: how a character is named in messages."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def escape_invisible(text: str) -> str:
    """`text` with each invisible character shown as an escape (`\\u202e`), so printing a
    value can never reorder or hide what is around it."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        (f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        if ch not in "\n\t" and invisible(ch)
        else ch
        for ch in text
    )
