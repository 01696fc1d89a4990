"""A throwaway PostgreSQL server for tests and benchmarks.

`TRUSTHUB_TEST_PG_URL` names a server to use instead (its databases are created and dropped
per test). Otherwise `start_cluster()` runs initdb into a temporary directory and starts
`postgres` on 127.0.0.1 with a free port, no fsync, trust authentication. As root (where
initdb and postgres refuse to run) both run as the `postgres` system user.

In a conftest:

    from tests.pg_cluster import pg_database, pg_server  # noqa: F401  (fixtures)

`pg_server` (session) yields the server's URL; `pg_database` yields the URL of a fresh
database, dropped after the test. Without PostgreSQL binaries the tests using them are
skipped, except under CI (env `CI` set), where that is a failure.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

URL_ENV = "TRUSTHUB_TEST_PG_URL"
BIN_ENV = "TRUSTHUB_PG_BIN"  # a directory holding initdb, pg_ctl and postgres
_TOOLS = ("initdb", "pg_ctl", "postgres")
_SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_connections=200"
)


class ClusterUnavailable(Exception):
    """No PostgreSQL binaries, or the server would not start."""


def find_bin_dir() -> Path | None:
    """$TRUSTHUB_PG_BIN if set (and only it), else the newest /usr/lib/postgresql/N/bin,
    else the directory of `pg_ctl` on PATH."""
    if os.environ.get(BIN_ENV):
        candidates = [Path(os.environ[BIN_ENV])]
    else:
        versions = Path("/usr/lib/postgresql").glob("*/bin")
        candidates = sorted(versions, key=lambda p: _version(p.parent.name), reverse=True)
        on_path = shutil.which("pg_ctl")
        if on_path:
            candidates.append(Path(on_path).parent)
    for directory in candidates:
        if all((directory / tool).is_file() for tool in _TOOLS):
            return directory
    return None


def _version(name: str) -> int:
    return int(name) if name.isdigit() else 0


def _run_as_postgres() -> list[str]:
    """As root, the command prefix that drops to the `postgres` user."""
    if os.geteuid() != 0:
        return []
    for tool in ("runuser", "setpriv"):
        path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin:/usr/bin:/bin")
        if path and tool == "runuser":
            return [path, "-u", "postgres", "--"]
        if path:
            user = pwd.getpwnam("postgres")
            return [path, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    raise ClusterUnavailable("running as root, but neither runuser nor setpriv is available")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    url: str  # a superuser's URL to the `postgres` database
    bin_dir: Path | None = None
    base: Path | None = None  # the temporary directory; None for a server not ours

    def _run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        cmd = [*_run_as_postgres(), *(str(a) for a in args)]
        try:
            return subprocess.run(
                cmd, cwd=self.base, capture_output=True, text=True, timeout=120, check=False
            )
        except (OSError, subprocess.SubprocessError) as e:
            raise ClusterUnavailable(f"cannot run {args[0]}: {e}") from None

    def stop(self) -> None:
        if self.base is None or self.bin_dir is None:
            return
        with suppress(ClusterUnavailable):
            self._run(self.bin_dir / "pg_ctl", "-D", self.base / "data", "-m", "immediate", "stop")
        for _attempt in range(5):  # a server process may still be writing its last file
            shutil.rmtree(self.base, ignore_errors=True)
            if not self.base.exists():
                break
            time.sleep(0.2)
        self.base = None


def start_cluster() -> Cluster:
    """Start a new server (or wrap the one `TRUSTHUB_TEST_PG_URL` names)."""
    if os.environ.get(URL_ENV):
        return Cluster(os.environ[URL_ENV])
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise ClusterUnavailable(
            f"PostgreSQL server binaries not found (looked in ${BIN_ENV}, "
            "/usr/lib/postgresql/*/bin and PATH); set TRUSTHUB_TEST_PG_URL or install them"
        )
    base = Path(tempfile.mkdtemp(prefix="trusthub-pg-"))
    cluster = Cluster("", bin_dir, base)
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base)
            raise ClusterUnavailable("running as root, but there is no `postgres` user") from None
        os.chown(base, user.pw_uid, user.pw_gid)
    try:
        return _start(cluster, bin_dir, base)
    except BaseException:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
        raise


def _start(cluster: Cluster, bin_dir: Path, base: Path) -> Cluster:
    done = cluster._run(
        bin_dir / "initdb", "-D", base / "data", "-U", "postgres", "--auth=trust",
        "--no-sync", "--encoding=UTF8", "--locale=C",
    )  # fmt: skip
    if done.returncode != 0:
        raise ClusterUnavailable(f"initdb failed: {done.stderr.strip()}")
    for _attempt in range(3):  # the free port may be taken before postgres binds it
        port = _free_port()
        done = cluster._run(
            bin_dir / "pg_ctl", "-D", base / "data", "-l", base / "server.log", "-w",
            "-t", "60", "-o", f"{_SERVER_OPTIONS} -c port={port} -k {base}", "start",
        )  # fmt: skip
        if done.returncode == 0:
            cluster.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
            return cluster
    log_file = base / "server.log"
    log = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
    raise ClusterUnavailable(f"postgres did not start: {done.stderr.strip()}\n{log}")


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def database_url(url: str, dbname: str) -> str:
    """`url` pointing at another database on the same server."""
    from psycopg.conninfo import conninfo_to_dict

    params = {k: str(v) for k, v in conninfo_to_dict(url).items()}
    user = quote(params.pop("user", ""), safe="")
    password = quote(params.pop("password", ""), safe="")
    host = params.pop("host", "127.0.0.1")
    port = params.pop("port", "5432")
    params.pop("dbname", None)
    if host.startswith("/"):  # a socket directory goes in the query string
        params["host"], host = host, ""
    auth = f"{user}{':' + password if password else ''}@" if user else ""
    query = f"?{urlencode(params)}" if params else ""
    return f"postgresql://{auth}{host}:{port}/{quote(dbname)}{query}"


def create_database(url: str) -> str:
    """A new, empty database on the server; returns its URL."""
    name = f"trusthub_test_{uuid.uuid4().hex[:12]}"
    _admin(url, f'CREATE DATABASE "{name}"')
    return database_url(url, name)


def drop_database(url: str, database: str) -> None:
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(database)["dbname"]
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    try:
        cluster = start_cluster()
    except ClusterUnavailable as e:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI: {e}", pytrace=False)
        pytest.skip(f"no PostgreSQL: {e}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    url = create_database(pg_server)
    try:
        yield url
    finally:
        drop_database(pg_server, url)
