"""A schema-valid profile file, as rules and the plan see it, with lazy locations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from trusthub.common.json_path import JsonPath, format_json_path
from trusthub.errors import Location, Problem, Severity
from trusthub.load.documents import Document, DocumentError, decode, read_limited
from trusthub.load.inheritance import Inheritance, InheritedDocument, note
from trusthub.load.yaml_safe import load


class SourceLocator:
    """Finds line and column of a JSON path in one file. Holds the parsed `Document` while it
    is at hand (during the first check); otherwise re-reads the file on the first question,
    so thousands of clean profiles cost no memory for their text. Pickles without the text.

    With `inheritance` (the workspace defaults that apply to the file), a path whose value
    the file inherits is located in trusthub.yaml instead (`trusthub.load.inheritance`)."""

    __slots__ = ("_document", "display", "inheritance", "source")

    def __init__(
        self,
        display: str,
        source: Path | None,
        document: Document | None = None,
        inheritance: Inheritance | None = None,
    ) -> None:
        self.display = display
        self.source = source
        self._document = document
        self.inheritance = inheritance

    def __reduce__(
        self,
    ) -> tuple[type[SourceLocator], tuple[str, Path | None, None, Inheritance | None]]:
        return (SourceLocator, (self.display, self.source, None, self.inheritance))

    def locate(self, json_path: Sequence[str | int], *, key: bool = False) -> Location:
        document = self._read()
        if document is None:
            return Location(self.display, 1, 1)
        return document.locate(json_path, key=key)

    def origins(self) -> dict[JsonPath, int]:
        """The inherited paths of the profile and the layer of each (see `Merged`)."""
        document = self._read()
        return document.origins if isinstance(document, InheritedDocument) else {}

    def _read(self) -> Document | None:
        if self._document is None:
            if self.source is None:
                return None
            try:
                text = decode(read_limited(self.source, self.display), self.display)
                own = Document(self.display, text, None)
                if self.inheritance is not None:
                    data = load(text)
                    own.data = data if isinstance(data, dict) else {}
                    own = InheritedDocument(own, self.inheritance)
            except (DocumentError, yaml.YAMLError):  # changed or gone since it was checked
                return None
            self._document = own
        return self._document

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
        """A problem at `json_path` of this profile (located lazily, only now). In an
        inherited value: located in trusthub.yaml, naming this file and the defaults."""
        location = self.locate(json_path, key=key)
        inheritance = self.locator.inheritance
        if inheritance is not None and location.path == inheritance.source.display:
            label = inheritance.label(self.locator.origins(), json_path) or "defaults"
            message += note(self.path, label)
        return Problem(
            location,
            rule,
            message,
            severity=severity,
            json_path=format_json_path(json_path),
        )
