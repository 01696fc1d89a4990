"""Fixtures of the state store tests: every store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.pg_cluster import create_database, drop_database, pg_database, pg_server  # noqa: F401
from tests.state.kinds import BrandKind
from trusthub.model.kinds import KINDS
from trusthub.state import StateStore, open_store

WORKSPACE = "acme-compliance"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[], str]:
    """Make another empty state location of the backend under test."""
    count = iter(range(1000))

    def make() -> str:
        if backend == "sqlite":
            return str(tmp_path / f"ws{next(count)}" / ".trusthub" / "state.db")
        server: str = request.getfixturevalue("pg_server")
        url = create_database(server)
        request.addfinalizer(lambda: drop_database(server, url))
        return url

    return make


@pytest.fixture
def location(new_location: Callable[[], str]) -> str:
    return new_location()


@pytest.fixture
def store(location: str) -> Iterator[StateStore]:
    with open_store(location, WORKSPACE) as s:
        yield s


@pytest.fixture
def brand() -> Iterator[str]:
    """Register the tests' brand registration kind (`tests.state.kinds`) for the test;
    yields its name."""
    KINDS.register(BrandKind())
    try:
        yield BrandKind.name
    finally:
        if BrandKind.name in KINDS:  # a test may have unregistered it itself
            KINDS.unregister(BrandKind.name)
