"""API 2010 Addresses (AD...): `/2010-04-01/Accounts/{AccountSid}/Addresses[/{Sid}].json`.
Dates are RFC 2822 and `uri` is relative, as API 2010 answers. An address belongs to the
account the path names (the app checks that the credentials may act in it)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from trusthub.sandbox.protocol import Reply, Request, bad_parameter, not_found
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.paging import filter_echo, list_stored
from trusthub.sandbox.sids import new_sid, rfc2822
from trusthub.sandbox.store import Filter, Row

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

KIND: Final = "address"
REQUIRED: Final = ("CustomerName", "Street", "City", "Region", "PostalCode", "IsoCountry")
# Parameter -> stored field, for create and update (IsoCountry only on create).
FIELDS: Final = {
    "CustomerName": "customer_name",
    "Street": "street",
    "City": "city",
    "Region": "region",
    "PostalCode": "postal_code",
    "IsoCountry": "iso_country",
    "FriendlyName": "friendly_name",
    "StreetSecondary": "street_secondary",
}
_COUNTRY: Final = re.compile(r"[A-Z]{2}")


def boolean(req: Request, name: str) -> bool | None:
    raw = req.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise bad_parameter(name, "must be true or false")


def render(row: Row) -> dict[str, Any]:
    d = row.data
    return {
        "account_sid": d["account_sid"],
        "city": d["city"],
        "customer_name": d["customer_name"],
        "date_created": rfc2822(d["date_created"]),
        "date_updated": rfc2822(d["date_updated"]),
        "emergency_enabled": d["emergency_enabled"],
        "friendly_name": d.get("friendly_name"),
        "iso_country": d["iso_country"],
        "postal_code": d["postal_code"],
        "region": d["region"],
        "sid": row.sid,
        "street": d["street"],
        "street_secondary": d.get("street_secondary"),
        "validated": False,
        "verified": False,
        "uri": f"/2010-04-01/Accounts/{d['account_sid']}/Addresses/{row.sid}.json",
    }


def _changes(req: Request, names: tuple[str, ...]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in names:
        if req.has(name):
            value = req.get(name) or None
            if name == "FriendlyName" and value:
                common.friendly_name(value)
            changes[FIELDS[name]] = value
    emergency = boolean(req, "EmergencyEnabled")
    if emergency is not None:
        changes["emergency_enabled"] = emergency
    return changes


def create(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    for name in REQUIRED:
        req.require(name)
    if not _COUNTRY.fullmatch(req.require("IsoCountry")):
        raise bad_parameter("IsoCountry", "must be an ISO 3166-1 alpha-2 code like US")
    now = sb.clock()
    data = {"account_sid": req.account_sid, "emergency_enabled": False}
    data.update(_changes(req, tuple(FIELDS)))
    data.update(date_created=now, date_updated=now)
    with sb.store.write() as tx:
        row = tx.insert(KIND, new_sid("AD"), None, data)
    return Reply(201, render(row))


def fetch(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        row = tx.get(args["Sid"], KIND)
    if row is None:
        raise not_found(req.path)
    return Reply(200, render(row))


def update(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    changes = _changes(req, tuple(n for n in FIELDS if n != "IsoCountry"))
    for name in REQUIRED:
        if name in req.form and not req.get(name):
            raise bad_parameter(name, "cannot be empty")
    with sb.store.write() as tx:
        row = tx.get(args["Sid"], KIND)
        if row is None:
            raise not_found(req.path)
        row.data.update(changes, date_updated=sb.clock())
        tx.save(row)
    return Reply(200, render(row))


def delete(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        if tx.get(args["Sid"], KIND) is None:
            raise not_found(req.path)
        tx.delete(args["Sid"])
    return Reply(204)


def listing(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    echo = filter_echo(req, ("CustomerName", "FriendlyName", "EmergencyEnabled", "IsoCountry"))
    where = [
        Filter(FIELDS[k], v)
        for k, v in echo.items()
        if k in ("CustomerName", "FriendlyName", "IsoCountry")
    ]
    emergency = boolean(req, "EmergencyEnabled")
    if emergency is not None:
        where.append(Filter("emergency_enabled", int(emergency)))
    return list_stored(
        sb.store, req, kind=KIND, key="addresses", render=render, where=where, echo=echo,
        style="2010",
    )  # fmt: skip


def routes() -> list[tuple[str, dict[str, Any]]]:
    base = "/2010-04-01/Accounts/{AccountSid}/Addresses"
    return [
        (f"{base}.json", {"POST": create, "GET": listing}),
        (f"{base}/{{Sid}}.json", {"GET": fetch, "POST": update, "DELETE": delete}),
    ]
