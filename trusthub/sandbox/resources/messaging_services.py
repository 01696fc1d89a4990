"""Messaging v1: Messaging Services (`MG...`) and their phone numbers, on
`messaging.twilio.com`, as the vendored spec describes them.

`POST /v1/Services` (201) needs only `FriendlyName` (at most 64 characters); `Usecase` is
one of notifications, marketing, verification, discussion, poll, undeclared. `GET` lists
them (key `services`), fetches one; `POST /v1/Services/{MG}` updates it (200); `DELETE`
removes it (204) with its numbers and campaign. `POST /v1/Services/{MG}/PhoneNumbers`
with `PhoneNumberSid` adds a number of the account (201): one already in this service is
refused with 21710, one in another service with 21712 (remove it there first); `GET`
lists them (key `phone_numbers`), `DELETE .../PhoneNumbers/{PN}` removes one (204). A
number released from the account leaves its service too. `GET /v1/Services/Usecases`
describes the use cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from trusthub.sandbox.protocol import ApiError, Reply, Request, bad_parameter, not_found
from trusthub.sandbox.resources import numbers
from trusthub.sandbox.resources.common import friendly_name, sid_param
from trusthub.sandbox.resources.paging import list_stored
from trusthub.sandbox.sids import is_sid, iso, new_sid
from trusthub.sandbox.store import Filter, Row, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

KIND: Final = "messaging_service"
NUMBER_KIND: Final = "service_phone_number"
USECASES: Final = ("notifications", "marketing", "verification", "discussion", "poll", "undeclared")
IN_THIS_SERVICE: Final = 21710
IN_ANOTHER_SERVICE: Final = 21712
HOST: Final = "https://messaging.twilio.com"


def render(req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    url = f"{req.origin}/v1/Services/{row.sid}"
    return {
        "account_sid": d["account_sid"],
        "area_code_geomatch": True,
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "fallback_method": "POST",
        "fallback_to_long_code": True,
        "fallback_url": None,
        "friendly_name": d["friendly_name"],
        "inbound_method": "POST",
        "inbound_request_url": None,
        "links": {
            "phone_numbers": f"{url}/PhoneNumbers",
            "short_codes": f"{url}/ShortCodes",
            "alpha_senders": f"{url}/AlphaSenders",
            "us_app_to_person": f"{url}/Compliance/Usa2p",
            "us_app_to_person_usecases": f"{url}/Compliance/Usa2p/Usecases",
            "channel_senders": f"{url}/ChannelSenders",
        },
        "mms_converter": True,
        "scan_message_content": "inherit",
        "sid": row.sid,
        "smart_encoding": True,
        "status_callback": None,
        "sticky_sender": True,
        "synchronous_validation": False,
        "url": url,
        "us_app_to_person_registered": bool(d.get("campaign_sid")),
        "use_inbound_webhook_on_number": False,
        "usecase": d["usecase"],
        "validity_period": 14400,
    }


def _usecase(req: Request, default: str) -> str:
    value = req.get("Usecase") or default
    if value not in USECASES:
        raise bad_parameter("Usecase", f"must be one of {', '.join(USECASES)}")
    return value


def create(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    name = friendly_name(req.require("FriendlyName"))
    now = sb.clock()
    data = {
        "account_sid": req.account_sid,
        "friendly_name": name,
        "usecase": _usecase(req, "undeclared"),
        "campaign_sid": None,
        "date_created": now,
        "date_updated": now,
    }
    with sb.store.write() as tx:
        row = tx.insert(KIND, new_sid("MG"), None, data)
    return Reply(201, render(req, row))


def load(tx: Tx, req: Request, sid: str) -> Row:
    row = tx.get(sid, KIND)
    if row is None:
        raise not_found(req.path)
    return row


def listing(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    return list_stored(
        sb.store, req, kind=KIND, key="services", render=lambda row: render(req, row)
    )


def fetch(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        row = load(tx, req, args["Sid"])
    return Reply(200, render(req, row))


def update(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = load(tx, req, args["Sid"])
        d = row.data
        if req.has("FriendlyName"):
            d["friendly_name"] = friendly_name(req.require("FriendlyName"))
        if req.has("Usecase"):
            d["usecase"] = _usecase(req, d["usecase"])
        d["date_updated"] = sb.clock()
        tx.save(row)
    return Reply(200, render(req, row))


def delete(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = load(tx, req, args["Sid"])
        for child in tx.find(NUMBER_KIND, parent=row.sid):
            tx.delete(child.sid)
        for child in tx.find("us_app_to_person", parent=row.sid):
            tx.delete(child.sid)
        tx.delete(row.sid)
    return Reply(204)


# -- the service's phone numbers ---------------------------------------------------------


def render_number(req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    return {
        "account_sid": d["account_sid"],
        "capabilities": ["SMS", "MMS", "Voice"],
        "country_code": d["country_code"],
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "phone_number": d["phone_number"],
        "service_sid": row.parent,
        "sid": d["phone_number_sid"],
        "url": f"{req.origin}/v1/Services/{row.parent}/PhoneNumbers/{d['phone_number_sid']}",
    }


def holder(tx: Tx, number_sid: str) -> Row | None:
    """The membership row of a number in whichever service holds it."""
    found = tx.find(NUMBER_KIND, where=[Filter("phone_number_sid", number_sid)])
    return found[0] if found else None


def add_number(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    pn = sid_param(req, "PhoneNumberSid")
    if not is_sid(pn, "PN"):
        raise bad_parameter("PhoneNumberSid", f"{pn!r} is not a phone number SID (PN...)")
    now = sb.clock()
    with sb.store.write() as tx:
        service = load(tx, req, args["ServiceSid"])
        number = tx.get(pn, numbers.KIND)
        if number is None:
            raise ApiError(404, 20404, f"The phone number {pn} was not found in this account")
        current = holder(tx, pn)
        if current is not None and current.parent == service.sid:
            raise ApiError(
                409, IN_THIS_SERVICE, f"Phone Number {pn} is already in this Messaging Service"
            )
        if current is not None:
            raise ApiError(
                409,
                IN_ANOTHER_SERVICE,
                f"Phone Number {pn} is already in another Messaging Service "
                f"({current.parent}); remove it there first",
            )
        e164 = number.data["phone_number"]
        row = tx.insert(
            NUMBER_KIND,
            new_sid("XN"),  # the membership's own key; it is rendered as the number's SID
            service.sid,
            {
                "account_sid": req.account_sid,
                "phone_number_sid": pn,
                "phone_number": e164,
                "country_code": "CA" if e164[2:5] in _CA_AREA_CODES else "US",
                "date_created": now,
                "date_updated": now,
            },
        )
    return Reply(201, render_number(req, row))


# A few Canadian area codes (the sandbox's numbers are +1; which country a +1 number is in
# only matters for the rendering).
_CA_AREA_CODES: Final = frozenset({"204", "226", "236", "250", "289", "306", "343", "365",
                                   "403", "416", "418", "431", "437", "438", "450", "506",
                                   "514", "519", "548", "579", "581", "587", "604", "613",
                                   "639", "647", "705", "709", "778", "780", "782", "807",
                                   "819", "825", "867", "873", "902", "905"})  # fmt: skip


def list_numbers(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        service = load(tx, req, args["ServiceSid"])
    return list_stored(
        sb.store,
        req,
        kind=NUMBER_KIND,
        key="phone_numbers",
        parent=service.sid,
        render=lambda row: render_number(req, row),
    )


def _membership(tx: Tx, req: Request, args: dict[str, str]) -> Row:
    service = load(tx, req, args["ServiceSid"])
    found = tx.find(
        NUMBER_KIND, parent=service.sid, where=[Filter("phone_number_sid", args["Sid"])]
    )
    if not found:
        raise not_found(req.path)
    return found[0]


def fetch_number(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        row = _membership(tx, req, args)
    return Reply(200, render_number(req, row))


def remove_number(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = _membership(tx, req, args)
        tx.delete(row.sid)
    return Reply(204)


# `GET /v1/Services/Usecases`: what each Messaging Service use case is for, as Twilio's
# catalogue describes them (the spec's example gives the first two; the others' wording
# is the sandbox's).
_NOTIFY: Final = (
    "Transactional notifications and Alerts for any Delivery, Account, Reminder, Order, "
    "Fraud, Security, Public Service, or Emergency announcements."
)
_MARKET: Final = (
    "Marketing messages may contain product information, offers, and calls to action to "
    "engage with your organization."
)
USECASE_CATALOGUE: Final = (
    ("notifications", "Notify my users.", _NOTIFY),
    ("marketing", "Market my services.", _MARKET),
    ("verification", "Verify users.", "One-time passwords and other verification codes."),
    ("discussion", "Have conversations.", "Two-way conversations with your users."),
    ("poll", "Poll reviews.", "Polls, surveys and requests for feedback."),
    ("undeclared", "Undeclared.", "A use case not declared yet."),
)


def usecases(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    items = [
        {"usecase": u, "purpose": purpose, "description": description}
        for u, purpose, description in USECASE_CATALOGUE
    ]
    return Reply(200, {"usecases": items})


def routes() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("/v1/Services", {"POST": create, "GET": listing}),
        ("/v1/Services/Usecases", {"GET": usecases}),  # before {Sid}: a name, not a SID
        ("/v1/Services/{Sid}", {"GET": fetch, "POST": update, "DELETE": delete}),
        ("/v1/Services/{ServiceSid}/PhoneNumbers", {"POST": add_number, "GET": list_numbers}),
        (
            "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
            {"GET": fetch_number, "DELETE": remove_number},
        ),
    ]
