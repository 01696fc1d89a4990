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
    hyphen, ...), or a control character other than tab, line feed and carriage return."""
    if ch in "\t\n\r":
        return False
    return ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs", "Cn")


def invisible_hint(text: str) -> str:
    """A hint to append to a message when `text` holds an invisible character, else ""."""
    found = next((ch for ch in text if not ch.isascii() and invisible(ch)), None)
    if found is None:
        return ""
    return f"; it holds the invisible character {describe(found)}: delete it"


def describe(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: how a character is named in messages."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def escape_invisible(text: str) -> str:
    """`text` with each invisible character (but tab and line feed) shown as a JSON-style
    escape (`\\u202e`; beyond the BMP as a surrogate pair), so printing a value can never
    reorder or hide what is around it. JSON text stays the same JSON."""
    # Every invisible character is also one `str.isprintable` refuses (categories C*), so a
    # printable text (most plan lines: `✓`, `→` and accented names are printable) has
    # none, and the per-character check runs on the few characters it refuses.
    if text.isprintable():
        return text
    return "".join(
        _escape(ch) if not ch.isprintable() and ch not in "\n\t" and invisible(ch) else ch
        for ch in text
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
