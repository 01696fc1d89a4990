"""`trusthub state grant-readonly ROLE`: the database role pull requests plan with reads the
shared PostgreSQL state and cannot change it. On the throwaway cluster (tests/pg_cluster.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.pg_cluster import pg_database, pg_server  # noqa: F401  (fixtures)
from tests.support.console import console_primaries
from tests.workflow.helpers import run

pytestmark = pytest.mark.postgres

ROLE = "trusthub_pr"  # only where no role is made


def as_role(url: str, role: str) -> str:
    """The same database as another user (the cluster trusts loopback)."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    netloc = f"{role}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def admin(url: str, statement: sql.Composable | str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def applied(tmp_path: Path, pg_database: str) -> Iterator[tuple[Path, str, str]]:  # noqa: F811
    """A workspace whose example profile is applied (to the embedded sandbox) into the
    PostgreSQL state at the URL returned, and a new login role with no grants."""
    root = tmp_path / "repo"
    assert run(root, "init").exit_code == 0
    console_primaries(root)  # made in the Twilio Console, as on a real account
    result = run(root, "apply", "--auto-approve", env={"TRUSTHUB_STATE": pg_database})
    assert result.exit_code == 0, result.output
    # Roles are cluster-wide (and tests run in parallel): one of its own per test.
    role = f"trusthub_pr_{uuid.uuid4().hex[:8]}"
    admin(pg_database, sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    yield root, pg_database, role
    admin(pg_database, sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    admin(pg_database, sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_the_readonly_role_plans_and_cannot_write(applied: tuple[Path, str, str]) -> None:
    root, url, role = applied
    env = {"TRUSTHUB_STATE": url}
    readonly = {"TRUSTHUB_STATE": as_role(url, role)}

    # Before the grants the role cannot even read.
    denied = run(root, "plan", "--no-refresh", env=readonly)
    assert denied.exit_code != 0
    assert "Traceback" not in denied.output

    granted = run(root, "state", "grant-readonly", role, env=env)
    assert granted.exit_code == 0, granted.output
    assert f'GRANT SELECT ON ALL TABLES IN SCHEMA "trusthub" TO "{role}"' in granted.stdout
    assert f"role {role} can read the state" in granted.stdout
    again = run(root, "state", "grant-readonly", role, env=env)  # idempotent
    assert again.exit_code == 0, again.output

    plan = run(root, "plan", "--no-refresh", env=readonly)
    assert plan.exit_code == 0, plan.output
    assert "No changes" in plan.stdout or "0 to create" in plan.stdout, plan.stdout
    shown = run(root, "state", "show", "--format", "json", env=readonly)
    assert shown.exit_code == 0, shown.output
    backup = run(root, "state", "backup", str(root / "copy.json"), env=readonly)
    assert backup.exit_code == 0, backup.output  # what the pull-request job copies

    shown_data = json.loads(shown.stdout)
    before = {k: shown_data[k] for k in ("lineage", "serial", "resources", "refreshed_at")}
    assert shown_data["refreshed_at"] is not None  # the apply refreshed first

    # An edit to apply: the role may not record it.
    example = root / "profiles" / "example-primary.yaml"
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("city: San Francisco", "city: Oakland"), encoding="utf-8")
    applied_ro = run(root, "apply", "--auto-approve", env=readonly)
    assert applied_ro.exit_code != 0
    assert "Traceback" not in applied_ro.output
    assert "refused a change: permission denied" in applied_ro.stderr, applied_ro.stderr
    assert "read-write TRUSTHUB_STATE" in applied_ro.stderr
    refreshed = run(root, "refresh", env=readonly)
    assert refreshed.exit_code != 0
    assert "refused a change" in refreshed.stderr, refreshed.stderr
    # The state is as it was: the role changed nothing.
    after = json.loads(run(root, "state", "show", "--format", "json", env=env).stdout)
    assert {k: after[k] for k in before} == before
    assert after["lock"] is None


def test_grant_readonly_refuses_what_would_not_be_read_only(
    applied: tuple[Path, str, str],
) -> None:
    root, url, role = applied
    env = {"TRUSTHUB_STATE": url}
    missing = run(root, "state", "grant-readonly", "nobody_here", env=env)
    assert missing.exit_code != 0
    assert "there is no role 'nobody_here'" in missing.stderr
    assert "CREATE ROLE nobody_here LOGIN" in missing.stderr

    superuser = run(root, "state", "grant-readonly", "postgres", env=env)
    assert superuser.exit_code != 0
    assert "is a superuser: it can never be read-only" in superuser.stderr

    admin(url, sql.SQL("GRANT INSERT ON trusthub.audit TO {}").format(sql.Identifier(role)))
    writable = run(root, "state", "grant-readonly", role, env=env)
    assert writable.exit_code != 0
    assert "can also change the state (tables audit)" in writable.stderr
    assert "Traceback" not in writable.output


def test_grant_readonly_is_refused_on_sqlite(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    assert run(root, "init").exit_code == 0
    result = run(root, "state", "grant-readonly", ROLE)
    assert result.exit_code != 0
    assert "state grant-readonly is for a PostgreSQL state; this one is sqlite" in result.stderr
    assert "Traceback" not in result.output
