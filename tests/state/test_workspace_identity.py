"""Where the state is and whose it is (issue 17): a libpq connection string is PostgreSQL,
never a file name, and never echoed with its password; a workspace in a shared database is
named, never guessed from its directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.support.cli import run_cli
from tests.support.console import console_primaries
from trusthub.common.locations import is_conninfo, is_database
from trusthub.errors import ExitCode

SECRET = "hunter2-not-echoed"


def _workspace(parent: Path, name: str | None = None) -> Path:
    root = parent / "compliance"  # the same directory name for every workspace here
    (root / "profiles").mkdir(parents=True)
    if name is not None:
        (root / "trusthub.yaml").write_text(f"name: {name}\n", encoding="utf-8")
    return root


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("value", "database"),
    [
        ("host=db dbname=trusthub user=ci", True),
        ("  dbname = trusthub", True),
        ("password=x host=db", True),
        ("postgresql://ci@db/trusthub", True),
        ("state.db", False),
        (".trusthub/state=old.db", False),
        ("colour=blue.db", False),  # not a libpq keyword: a file with an odd name
    ],
)
def test_a_location_is_a_database_or_a_path(value: str, database: bool) -> None:
    assert is_database(value) is database
    assert is_conninfo(value) is (database and "://" not in value)


def test_an_unreachable_conninfo_is_postgresql_and_its_password_never_shown(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path, "acme")
    before = _files(root)
    conninfo = f"host=127.0.0.1 port=1 dbname=trusthub user=ci password={SECRET} connect_timeout=2"
    for command in (["state", "show"], ["plan", "--no-refresh"], ["history", "acme"]):
        done = run_cli(*command, workspace=root, env={"TRUSTHUB_STATE": conninfo})
        assert done.exit_code == ExitCode.PROBLEMS, (command, done.output)
        assert "state database postgresql://ci@127.0.0.1:1/trusthub" in done.stderr, done.stderr
        assert SECRET not in done.output + done.stderr
        assert "Traceback" not in done.output + done.stderr
    assert _files(root) == before  # no SQLite file named after the string
    assert not any(SECRET in name for name in os.listdir(Path.cwd()))


def test_a_conninfo_in_trusthub_yaml_with_a_password_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "trusthub.yaml").write_text(
        f"name: acme\nstate: host=db dbname=trusthub password={SECRET}\n", encoding="utf-8"
    )
    done = run_cli("validate", workspace=root)
    assert done.exit_code == ExitCode.PROBLEMS
    assert "the state URL contains a password" in done.output + done.stderr
    assert SECRET not in done.output + done.stderr


@pytest.mark.postgres
def test_a_conninfo_opens_the_postgresql_state(tmp_path: Path, pg_database: str) -> None:
    root = _workspace(tmp_path, "acme")
    params = conninfo_to_dict(pg_database)
    conninfo = make_conninfo("", **params)  # key=value form, not a URL
    assert "://" not in conninfo
    before = _files(root)
    done = run_cli(
        "state", "show", "--format", "json", workspace=root, env={"TRUSTHUB_STATE": conninfo}
    )
    assert done.exit_code == 0, done.output
    shown = json.loads(done.stdout)
    assert shown["backend"] == "postgresql"
    assert shown["workspace"] == "acme"
    assert _files(root) == before


@pytest.mark.postgres
def test_a_shared_database_refuses_a_workspace_named_after_its_directory(
    tmp_path: Path, pg_database: str
) -> None:
    env = {"TRUSTHUB_STATE": pg_database}
    unnamed = _workspace(tmp_path / "a")
    for command in (["state", "show"], ["plan", "--no-refresh"], ["apply", "--auto-approve"]):
        done = run_cli(*command, workspace=unnamed, env=env)
        assert done.exit_code == ExitCode.PROBLEMS, (command, done.output)
        assert "needs the workspace's name" in done.stderr
        assert "'compliance'" in done.stderr
        assert "add `name:" in done.stderr


@pytest.mark.postgres
def test_two_workspaces_of_one_directory_name_never_share_records(
    tmp_path: Path, pg_database: str
) -> None:
    """Issue 17's case: two checkouts called `compliance` on one database; the second
    planned deletes of the first's drafts. Named apart, each sees only its own."""
    env = {"TRUSTHUB_STATE": pg_database}
    repo = Path(__file__).resolve().parents[2]
    first = _workspace(tmp_path / "team-a", "team-a")
    second = _workspace(tmp_path / "team-b", "team-b")
    profile = (repo / "profiles" / "acme-isv.yaml").read_text(encoding="utf-8")
    (first / "profiles" / "acme-isv.yaml").write_text(profile, encoding="utf-8")
    console_primaries(first)  # made in the Twilio Console, as on a real account
    applied = run_cli("apply", "--auto-approve", workspace=first, env=env)
    assert applied.exit_code == 0, applied.output
    plan = run_cli("plan", "--no-refresh", "--format", "json", workspace=second, env=env)
    assert plan.exit_code == 0, plan.output
    assert json.loads(plan.stdout)["actions"] == []
    shown = run_cli("state", "show", "--format", "json", workspace=second, env=env)
    assert json.loads(shown.stdout)["resources"]["total"] == 0
