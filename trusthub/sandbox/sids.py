"""SIDs and timestamps in the formats Twilio uses."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

_SID = re.compile(r"[A-Z]{2}[0-9a-f]{32}")

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def new_sid(prefix: str) -> str:
    """A fresh SID: two letters and 32 random hex digits, like `BU3f…`."""
    return prefix + secrets.token_hex(16)


def stable_sid(prefix: str, name: str) -> str:
    """The same SID for the same name on every machine (catalogue entries)."""
    return prefix + hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


def is_sid(value: str, prefix: str | None = None) -> bool:
    return bool(_SID.fullmatch(value)) and (prefix is None or value.startswith(prefix))


def iso(timestamp: float | None) -> str | None:
    """Trust Hub's dates: ISO 8601 in UTC, whole seconds, `Z`."""
    if timestamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def rfc2822(timestamp: float) -> str:
    """API 2010's dates, `Tue, 18 Aug 2015 17:07:30 +0000`. Built by hand because strftime's
    day and month names follow the process locale."""
    t = time.gmtime(timestamp)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    )
