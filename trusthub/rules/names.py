"""Comparing names the way people read them: ignoring case, compatibility forms, invisible
characters and the Cyrillic and Greek letters that look like Latin ones."""

from __future__ import annotations

import unicodedata
from typing import Final

_INVISIBLE: Final = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# The common single-letter look-alikes (after casefold) from Unicode's confusables list.
_LOOK_ALIKES: Final = str.maketrans(
    "аеорсухіјѕԁһӏԛԝνοραικχυτ",
    "aeopcyxijsdhlqwvopaikxut",
)


def skeleton(name: str) -> str:
    """A key under which names that look the same to a reader are equal."""
    if name.isascii():  # NFKC keeps ASCII, casefold is lower, neither table maps ASCII
        return " ".join(name.lower().split())
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_INVISIBLE)
    return " ".join(folded.translate(_LOOK_ALIKES).split())
