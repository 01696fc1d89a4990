"""`trusthub new profiles --from clients.csv`: one profile file per CSV row, rendered from
a jinja2 template, every row checked before any file is written.

Each row is rendered (its cells are the template's variables, named by the header), parsed,
merged with the workspace defaults the new file would inherit, and checked by the schema,
the per-profile rules and the workspace rules (with the profiles already in the workspace).
A problem is reported at `clients.csv:ROW:COLUMN`: ROW is the line the record starts on
(the header is line 1), COLUMN the header of the cell that fed the bad value. Which cell
fed which JSON path is learnt by rendering a bad row once more per column, with that cell
replaced by a marker, and finding where the marker lands. Nothing is written when any row
has an error, and an existing file is never replaced unless asked (`force`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import jinja2
import jinja2.meta

from trusthub.app.loading import load_workspace
from trusthub.app.scaffold import PROFILE_NAME, schema_line, schema_reference
from trusthub.common.json_path import leaves
from trusthub.config.settings import Settings
from trusthub.errors import Problem, Severity
from trusthub.load.documents import DocumentError, parse
from trusthub.load.inheritance import inherited_by
from trusthub.load.profile_document import ProfileDoc, SourceLocator
from trusthub.rules import workspace_problems
from trusthub.rules.file_checks import check_profile_file

DEFAULT_TEMPLATE: Final = "new/client-profile.yaml"
MAX_CSV_BYTES: Final = 64 << 20
_MARKER: Final = "zqxmarker{}zqx"  # plain YAML, survives `q`, `lower` and `trim`


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A problem of the CSV or of one row: `row` is the CSV line (1: the header), `column`
    the header of the cell that fed the value (None when no single cell did)."""

    csv: str
    row: int | None
    column: str | None
    rule: str
    message: str
    json_path: str = "$"
    severity: Severity = "error"
    # A problem in an inherited value is trusthub.yaml's: reported where it is written.
    problem: Problem | None = None

    def __str__(self) -> str:
        where = self.csv
        if self.row is not None:
            where += f":{self.row}"
            if self.column is not None:
                where += f":{self.column}"
        if self.problem is not None:
            where = str(self.problem.location)
            message = f"{self.message} (row {self.row} of {self.csv})"
        else:
            message = self.message
        path = "" if self.json_path == "$" else f" ({self.json_path})"
        return f"{where}: {self.severity} [{self.rule}] {message}{path}"


@dataclass(slots=True)
class BulkResult:
    files: dict[Path, str] = field(default_factory=dict)  # absolute path -> text, row order
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: dict[str, str]


def render_profiles(
    settings: Settings,
    csv_path: Path,
    csv_display: str,
    *,
    template: Path | None = None,
    into: str | None = None,
    force: bool = False,
) -> BulkResult:
    """The files to write for the rows of `csv_path` (under the profiles directory, or its
    subdirectory `into`), or the problems that stop it. Writes nothing."""
    result = BulkResult()
    rows, header = _read_csv(csv_path, csv_display, result)
    if result.has_errors:
        return result
    source = _template_source(template, csv_display, result)
    if source is None:
        return result
    env = _environment()
    try:
        compiled = env.from_string(source)
        needed = jinja2.meta.find_undeclared_variables(env.parse(source))
    except jinja2.TemplateSyntaxError as e:
        shown = str(template) if template is not None else DEFAULT_TEMPLATE
        result.problems.append(
            RowProblem(f"{shown}", e.lineno, None, "template-syntax", f"{e.message}")
        )
        return result
    directory = settings.profiles_dir.joinpath(*(into or "").split("/"))
    rendered = _render_rows(settings, rows, header, compiled, needed, directory, csv_display)
    result.problems.extend(rendered.problems)
    if any(p.severity == "error" for p in rendered.problems):
        return result
    existing = [path for path in rendered.files if path.exists() or path.is_symlink()]
    if existing and not force:
        shown = ", ".join(settings.relative(p) for p in existing[:10])
        more = f" and {len(existing) - 10} more" if len(existing) > 10 else ""
        result.problems.append(
            RowProblem(
                csv_display,
                None,
                None,
                "file-exists",
                f"{len(existing)} of the files already exist ({shown}{more}); nothing was "
                "written: remove them, or pass --force to replace them",
            )
        )
        return result
    result.files = rendered.files
    return result


def _read_csv(path: Path, display: str, result: BulkResult) -> tuple[list[_Row], list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        result.problems.append(
            RowProblem(display, None, None, "file-unreadable", f"cannot read it: {e.strerror}")
        )
        return [], []
    if len(raw) > MAX_CSV_BYTES:
        result.problems.append(
            RowProblem(display, None, None, "file-too-large", f"over {MAX_CSV_BYTES:,} bytes")
        )
        return [], []
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's byte order mark is fine
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        result.problems.append(
            RowProblem(
                display,
                line,
                None,
                "encoding",
                f"not valid UTF-8: byte 0x{raw[e.start]:02x} cannot be decoded; export the "
                "CSV as UTF-8 (in a spreadsheet: CSV UTF-8)",
            )
        )
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            result.problems.append(
                RowProblem(display, 1, None, "csv-empty", "empty file: expected a header row")
            )
            return [], []
        header = [cell.strip() for cell in header]
        _check_header(header, display, result)
        rows: list[_Row] = []
        line = reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue  # a blank line
            if len(record) != len(header):
                result.problems.append(
                    RowProblem(
                        display,
                        start,
                        None,
                        "csv-cells",
                        f"{len(record)} cells, but the header has {len(header)}; quote a "
                        'cell that holds a comma ("a, b")',
                    )
                )
                continue
            rows.append(_Row(start, dict(zip(header, (c.strip() for c in record), strict=True))))
    except csv.Error as e:
        result.problems.append(RowProblem(display, reader.line_num, None, "csv-syntax", str(e)))
        return [], []
    return rows, header


def _check_header(header: Sequence[str], display: str, result: BulkResult) -> None:
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if not name.isidentifier():
            result.problems.append(
                RowProblem(
                    display,
                    1,
                    name or None,
                    "csv-header",
                    f"header cell {index} ({name!r}) is not a template variable name: use "
                    "letters, digits and _, not starting with a digit (legal_name)",
                )
            )
        elif name in seen:
            result.problems.append(
                RowProblem(display, 1, name, "csv-header", f"column {name!r} appears twice")
            )
        seen.add(name)


def _template_source(template: Path | None, csv_display: str, result: BulkResult) -> str | None:
    if template is None:
        loader = jinja2.PackageLoader("trusthub", "templates")
        source: str = loader.get_source(jinja2.Environment(), DEFAULT_TEMPLATE)[0]
        return source
    try:
        return template.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) else "not UTF-8"
        result.problems.append(
            RowProblem(str(template), None, None, "file-unreadable", f"cannot read it: {why}")
        )
        return None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["q"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env


@dataclass(slots=True)
class _Rendered:
    files: dict[Path, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)


def _render_rows(
    settings: Settings,
    rows: Sequence[_Row],
    header: Sequence[str],
    template: jinja2.Template,
    needed: set[str],
    directory: Path,
    csv_display: str,
) -> _Rendered:
    out = _Rendered()
    missing: dict[str, list[int]] = {}
    docs: list[ProfileDoc] = []
    rows_by_display: dict[str, _Row] = {}
    names: dict[str, int] = {}
    for row in rows:
        try:
            absent = _absent_columns(template, row.cells, needed, header)
            if absent:
                for column in absent:
                    missing.setdefault(column, []).append(row.line)
                continue
            text = template.render(row.cells)
        except jinja2.TemplateError as e:
            out.problems.append(
                RowProblem(csv_display, row.line, None, "template", f"cannot render: {e}")
            )
            continue
        name = _name_of(text)
        if name is None:
            out.problems.extend(_row_problems(row, template, csv_display, text, None))
            continue
        if name in names:
            out.problems.append(
                RowProblem(
                    csv_display,
                    row.line,
                    _column_of(row, template, ("name",)),
                    "duplicate-name",
                    f"profile name {name!r} is already the name of row {names[name]}; "
                    "each row needs its own name",
                    json_path="$.name",
                )
            )
            continue
        names[name] = row.line
        path = directory / f"{name}.yaml"
        display = settings.relative(path)
        text = schema_line(schema_reference(settings.root, path)) + text
        defaults = settings.defaults.for_file(path, settings.profiles_dir)
        checked = check_profile_file(path, display, text.encode(), defaults=defaults)
        if checked.problems:
            out.problems.extend(_row_problems(row, template, csv_display, text, checked.problems))
        if checked.data is not None:
            inheritance = defaults.for_role(checked.data.get("role")) if defaults else None
            locator = SourceLocator(display, None, inheritance=inheritance)
            docs.append(ProfileDoc(name, display, checked.data, locator))
            rows_by_display[display] = row
        out.files[path] = text
    for column, lines in missing.items():
        shown = ", ".join(str(n) for n in lines[:5]) + (" ..." if len(lines) > 5 else "")
        out.problems.append(
            RowProblem(
                csv_display,
                1,
                None,
                "csv-missing-column",
                f"the template uses column {column!r}, which the header does not have "
                f"(rows {shown}); add the column",
            )
        )
    if not any(p.severity == "error" for p in out.problems):
        out.problems.extend(
            _workspace_problems(settings, docs, rows_by_display, template, out, csv_display)
        )
    out.problems.sort(key=lambda p: (p.row or 0, p.column or "", p.json_path, p.message))
    return out


def _workspace_problems(
    settings: Settings,
    docs: Sequence[ProfileDoc],
    rows: Mapping[str, _Row],
    template: jinja2.Template,
    out: _Rendered,
    csv_display: str,
) -> Iterator[RowProblem]:
    """The cross-profile rules over the workspace's profiles and the new ones (a file that
    is about to be replaced counts as the new one)."""
    workspace = load_workspace(settings)
    replaced = {settings.relative(p) for p in out.files}
    names = {doc.name for doc in docs}
    others = [d for d in workspace.profiles.values() if d.path not in replaced]
    clashes = [d for d in others if d.name in names]
    all_docs = [*others, *docs]
    for problem in workspace_problems(all_docs):
        row = rows.get(inherited_by(problem) or problem.location.path)
        if row is None:
            continue
        column = _column_of(row, template, _parts(problem.json_path))
        yield _at_row(problem, csv_display, row, column)
    for doc in clashes:
        for new in docs:
            if new.name == doc.name:
                row = rows[new.path]
                yield RowProblem(
                    csv_display,
                    row.line,
                    _column_of(row, template, ("name",)),
                    "unique-names",
                    f"profile name {doc.name!r} is already used by {doc.path}; choose another "
                    "name (or remove that file)",
                    json_path="$.name",
                )


def _at_row(problem: Problem, csv_display: str, row: _Row, column: str | None) -> RowProblem:
    """A workspace problem of a rendered row, placed at its row and column of the CSV (an
    inherited value's problem keeps its own location in trusthub.yaml beside it)."""
    return RowProblem(
        csv_display,
        row.line,
        column,
        problem.rule,
        problem.message,
        json_path=problem.json_path,
        severity=problem.severity,
        problem=problem if inherited_by(problem) is not None else None,
    )


def _row_problems(
    row: _Row,
    template: jinja2.Template,
    csv_display: str,
    text: str,
    problems: Sequence[Problem] | None,
) -> Iterator[RowProblem]:
    if problems is None:  # the rendered row is not YAML, or has no name
        try:
            parse(text, "row")
            message = "the rendered row has no valid `name:`; fill in the name column"
            rule = "name"
        except DocumentError as e:
            message = f"the rendered row is not valid YAML ({e.message}); quote the cell"
            rule = e.rule
        culprits: list[str | None] = [*_yaml_culprits(row, template)]
        for column in culprits or [None]:
            yield RowProblem(csv_display, row.line, column, rule, message)
        return
    landing = _landing(row, template)
    for problem in problems:
        yield _at_row(problem, csv_display, row, _best_column(landing, _parts(problem.json_path)))


def _name_of(text: str) -> str | None:
    try:
        data = parse(text, "row").data
    except DocumentError:
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) and PROFILE_NAME.match(name) else None


def _landing(row: _Row, template: jinja2.Template) -> dict[str, set[tuple[str | int, ...]]]:
    """Column -> the JSON paths its cell lands at, by rendering the row once per column
    with that cell replaced by a marker."""
    landing: dict[str, set[tuple[str | int, ...]]] = {}
    for index, column in enumerate(row.cells):
        marker = _MARKER.format(index)
        try:
            data = parse(template.render({**row.cells, column: marker}), "row").data
        except (jinja2.TemplateError, DocumentError):
            continue
        paths = {
            path
            for path, value in leaves(data)
            if isinstance(value, str) and marker in value.casefold()
        }
        if paths:
            landing[column] = paths
    return landing


def _best_column(
    landing: Mapping[str, set[tuple[str | int, ...]]], path: tuple[str | int, ...]
) -> str | None:
    exact = [c for c, paths in landing.items() if path in paths]
    if exact:
        return exact[0]
    under = [c for c, paths in landing.items() if any(p[: len(path)] == path for p in paths)]
    if len(under) == 1:
        return under[0]
    above = [c for c, paths in landing.items() if any(path[: len(p)] == p for p in paths)]
    return above[0] if above else None


def _column_of(row: _Row, template: jinja2.Template, path: tuple[str | int, ...]) -> str | None:
    return _best_column(_landing(row, template), path)


def _yaml_culprits(row: _Row, template: jinja2.Template) -> list[str]:
    """The columns whose cell, replaced by a marker, makes the rendered row parse."""
    found = []
    for index, column in enumerate(row.cells):
        try:
            parse(template.render({**row.cells, column: _MARKER.format(index)}), "row")
        except (jinja2.TemplateError, DocumentError):
            continue
        found.append(column)
    return found


def _absent_columns(
    template: jinja2.Template,
    cells: Mapping[str, str],
    needed: set[str],
    header: Sequence[str],
) -> list[str]:
    """Every column the template uses for this row that the header lacks (rendering again
    with each one found set to "", so that all are named at once, not one per run)."""
    absent: list[str] = []
    filled = dict(cells)
    while True:
        try:
            template.render(filled)
            return absent
        except jinja2.UndefinedError as e:
            name = _undefined_name(e, needed, header)
            if name in filled:  # not a missing column: an error of the template itself
                raise
            absent.append(name)
            filled[name] = ""


def _undefined_name(e: jinja2.UndefinedError, needed: set[str], header: Sequence[str]) -> str:
    message = str(e.message or "")
    for name in sorted(needed - set(header)):
        if f"'{name}'" in message:
            return name
    return message


def _parts(json_path: str) -> tuple[str | int, ...]:
    """`$.business.registration.number` -> its parts (the formats of `format_json_path`)."""
    parts: list[str | int] = []
    rest = json_path[1:]
    while rest:
        if rest.startswith("."):
            end = min(
                (i for i in (rest.find(".", 1), rest.find("[", 1)) if i > 0), default=len(rest)
            )
            parts.append(rest[1:end])
            rest = rest[end:]
        elif rest.startswith("["):
            end = rest.index("]")
            inner = rest[1:end]
            parts.append(int(inner) if inner.isdigit() else inner.strip("'\""))
            rest = rest[end + 1 :]
        else:
            break
    return tuple(parts)
