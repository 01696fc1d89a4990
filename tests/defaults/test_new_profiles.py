"""`trusthub new profiles --from clients.csv`: every row checked before any file is written,
problems at CSV:ROW:COLUMN, nothing written on any error, existing files kept."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.defaults.conftest import GOLDEN
from tests.support.cli import run_cli

COLUMNS = [
    "name",
    "legal_name",
    "business_type",
    "industry",
    "registration_type",
    "registration_number",
    "website",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "first_name",
    "last_name",
    "email",
    "phone",
    "business_title",
    "job_position",
]


def _into_clients(workspace: Path, csv_path: Path, *options: str, code: int) -> Result:
    """`trusthub new profiles --from CSV --into clients [options]`."""
    return run_cli(
        "new", "profiles", "--from", str(csv_path), "--into", "clients", *options,
        workspace=workspace, code=code,
    )  # fmt: skip


def row(i: int) -> list[str]:
    return [
        f"client-{i:04d}",
        f"Client {i} Dental LLC",
        "Limited Liability Corporation",
        "Healthcare",
        "EIN",
        f"{10 + i % 80:02d}-{1000000 + i:07d}",
        f"https://client-{i}.example.com",
        f"{100 + i} Main Street",
        "Austin",
        "TX",
        "78705",
        "US",
        "Ana",
        "Lopez",
        f"ana@client-{i}.example.com",
        f"+1512555{i % 10000:04d}",
        "Owner",
        "Director",
    ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def clients(workspace: Path) -> list[Path]:
    return sorted((workspace / "profiles" / "clients").rglob("client-*.yaml"))


def test_500_clients_bad_rows_stop_everything_then_all_are_written(
    workspace: Path, golden: Callable[[str, Path], None]
) -> None:
    rows = [row(i) for i in range(500)]
    rows[6][2] = "LLC"  # business_type: line 8 of the file (header is line 1)
    rows[41][5] = "123456789"  # registration_number
    rows[41][14] = "not-an-email"  # email
    rows[298][10] = "7870"  # postal_code
    rows[499][0] = "client-0003"  # a name already taken by line 5
    csv_path = write_csv(workspace / "clients.csv", rows)
    result = _into_clients(workspace, csv_path, code=1)
    golden(result.stderr.replace(str(workspace) + "/", ""), GOLDEN / "new-profiles-bad-rows.txt")
    assert clients(workspace) == []
    for fixed, column, value in (
        (6, 2, "Limited Liability Corporation"),
        (41, 5, "12-3456789"),
        (41, 14, "ana@client-41.example.com"),
        (298, 10, "78705"),
        (499, 0, "client-0499"),
    ):
        rows[fixed][column] = value
    write_csv(csv_path, rows)
    result = _into_clients(workspace, csv_path, code=0)
    assert "Wrote 500 profiles in profiles/clients/." in result.stdout
    written = clients(workspace)
    assert len(written) == 500
    assert (
        written[0]
        .read_text()
        .startswith("# yaml-language-server: $schema=../../schemas/profile.schema.json\n")
    )
    checked = run_cli("validate", workspace=workspace, code=0)
    assert "504 profiles checked, no problems" in checked.stdout
    shown = run_cli("show", "client-0042", workspace=workspace, code=0)
    assert "primary: acme-isv  # from trusthub.yaml defaults.roles.secondary" in shown.stdout
    # Again: every file exists; nothing is replaced without --force.
    again = _into_clients(workspace, csv_path, code=1)
    assert "500 of the files already exist" in again.stderr
    _into_clients(workspace, csv_path, "--force", code=0)


def test_csv_problems_are_reported_clearly(
    workspace: Path, golden: Callable[[str, Path], None]
) -> None:
    outputs = []
    header = [c for c in COLUMNS if c not in ("city", "phone")]
    cut = [[v for c, v in zip(COLUMNS, row(i), strict=True) if c in header] for i in (1, 2)]
    missing = write_csv(workspace / "missing.csv", cut, header)
    outputs.append(run_cli("new", "profiles", "--from", str(missing), workspace=workspace, code=1))
    twice = write_csv(workspace / "twice.csv", [[*row(1), "x"]], [*COLUMNS, "name"])
    outputs.append(run_cli("new", "profiles", "--from", str(twice), workspace=workspace, code=1))
    short = write_csv(workspace / "short.csv", [row(1), row(2)[:5]])
    outputs.append(run_cli("new", "profiles", "--from", str(short), workspace=workspace, code=1))
    latin1 = workspace / "latin1.csv"
    latin1.write_bytes(
        ",".join(COLUMNS).encode()
        + b"\n"
        + ",".join(row(1)).replace("Ana", "Ren\xe9e").encode("latin-1")
        + b"\n"
    )
    outputs.append(run_cli("new", "profiles", "--from", str(latin1), workspace=workspace, code=1))
    bad_yaml = write_csv(workspace / "yaml.csv", [row(1)])
    template = workspace / "raw.yaml"
    template.write_text(
        "apiVersion: trusthub/v1\nkind: CustomerProfile\nname: {{ name }}\n"
        "role: secondary\ntype: business\nbusiness:\n  legal_name: {{ legal_name }}\n"
    )
    rows = [row(1)]
    rows[0][1] = "Acme: The Dentists"
    write_csv(bad_yaml, rows)
    outputs.append(
        run_cli(
            "new",
            "profiles",
            "--from",
            str(bad_yaml),
            "--template",
            str(template),
            workspace=workspace,
            code=1,
        )
    )
    text = "\n".join(
        f"$ new profiles --from {name}\n{r.stderr}"
        for name, r in zip(
            (
                "missing.csv",
                "twice.csv",
                "short.csv",
                "latin1.csv",
                "yaml.csv --template raw.yaml",
            ),
            outputs,
            strict=True,
        )
    )
    golden(text.replace(str(workspace) + "/", ""), GOLDEN / "new-profiles-csv-problems.txt")
    assert not (workspace / "profiles" / "client-0001.yaml").exists()


def test_a_bad_default_is_reported_where_it_is_written_for_each_row(workspace: Path) -> None:
    settings = workspace / "trusthub.yaml"
    settings.write_text(settings.read_text().replace("trust@acme", "trust@@acme"))
    csv_path = write_csv(workspace / "clients.csv", [row(1), row(2)])
    result = run_cli("new", "profiles", "--from", str(csv_path), workspace=workspace, code=1)
    lines = result.stderr.replace(str(workspace) + "/", "").splitlines()
    assert lines[0].startswith("trusthub.yaml:6:16: error [schema] the value is not an email")
    assert "inherited by profiles/client-0001.yaml from defaults.roles.secondary" in lines[0]
    assert "(row 2 of clients.csv) ($.notifications.email)" in lines[0]
    assert "(row 3 of clients.csv)" in lines[1]
    assert not list((workspace / "profiles").glob("client-*.yaml"))
