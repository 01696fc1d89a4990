"""Where a state lives, told from the string that names it: a file path (SQLite), a URL
with a scheme (`postgresql://...`), or a libpq connection string of `key=value` pairs
(`host=db dbname=trusthub user=ci`), which PostgreSQL's own tools take as well. Pure.

A connection string must never be taken for a file name: a SQLite file named after it,
password and all, would be made in the workspace."""

from __future__ import annotations

import re
from typing import Final

# libpq's connection keywords (PostgreSQL's "Parameter Key Words"); a string opening with
# one of them followed by `=` is a connection string, not a path.
LIBPQ_KEYWORDS: Final = frozenset(
    {
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile",
        "require_auth", "channel_binding", "connect_timeout", "client_encoding", "options",
        "application_name", "fallback_application_name", "keepalives", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication",
        "gssencmode", "sslmode", "requiressl", "sslnegotiation", "sslcompression",
        "sslcert", "sslkey", "sslpassword", "sslcertmode", "sslrootcert", "sslcrl",
        "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
        "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
        "target_session_attrs", "load_balance_hosts",
    }
)  # fmt: skip

_PAIR: Final = re.compile(r"\s*([A-Za-z_]+)\s*=")


def is_conninfo(value: str) -> bool:
    """A libpq `key=value` connection string (its first key a libpq keyword)."""
    match = _PAIR.match(value)
    return match is not None and match.group(1).lower() in LIBPQ_KEYWORDS


def is_url(value: str) -> bool:
    return "://" in value


def is_database(value: str) -> bool:
    """A database to connect to, not a file path."""
    return is_url(value) or is_conninfo(value)


def conninfo_has_password(value: str) -> bool:
    return any(
        m.group(1).lower() == "password" for m in re.finditer(r"(?:^|\s)([A-Za-z_]+)\s*=", value)
    )
