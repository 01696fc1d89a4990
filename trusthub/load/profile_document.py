"""A schema-valid profile file, as rules and the plan see it, with lazy locations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trusthub.common.json_path import format_json_path
from trusthub.errors import Location, Problem, Severity
from trusthub.load.documents import Document, DocumentError, decode, read_limited


class SourceLocator:
    """Finds line and column of a JSON path in one file. Holds the parsed `Document` while it
    is at hand (during the first check); otherwise re-reads the file on the first question,
    so thousands of clean profiles cost no memory for their text. Pickles without the text."""

    __slots__ = ("_document", "display", "source")

    def __init__(self, display: str, source: Path | None, document: Document | None = None) -> None:
        self.display = display
        self.source = source
        self._document = document

    def __reduce__(self) -> tuple[type[SourceLocator], tuple[str, Path | None]]:
        return (SourceLocator, (self.display, self.source))

    def locate(self, json_path: Sequence[str | int], *, key: bool = False) -> Location:
        if self._document is None:
            if self.source is None:
                return Location(self.display, 1, 1)
            try:
                text = decode(read_limited(self.source, self.display), self.display)
            except DocumentError:  # changed or gone since it was checked
                return Location(self.display, 1, 1)
            self._document = Document(self.display, text, None)
        return self._document.locate(json_path, key=key)

    def forget(self) -> None:
        """Drop the text; the next `locate` reads the file again."""
        self._document = None


@dataclass(frozen=True, slots=True)
class ProfileDoc:
    """One schema-valid profile: its `name`, the file it came from (`path`, relative to the
    workspace, POSIX) and its JSON-compatible `data`."""

    name: str
    path: str
    data: dict[str, Any]
    locator: SourceLocator = field(compare=False, repr=False)
    digest: str = field(default="", compare=False, repr=False)  # BLAKE2b of the file's bytes

    def locate(self, json_path: Sequence[str | int], *, key: bool = False) -> Location:
        return self.locator.locate(json_path, key=key)

    def problem(
        self,
        json_path: Sequence[str | int],
        rule: str,
        message: str,
        *,
        severity: Severity = "error",
        key: bool = False,
    ) -> Problem:
        """A problem at `json_path` of this profile (located lazily, only now)."""
        return Problem(
            self.locate(json_path, key=key),
            rule,
            message,
            severity=severity,
            json_path=format_json_path(json_path),
        )
