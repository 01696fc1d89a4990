"""API 2010 IncomingPhoneNumbers (PN...). Creating one "buys" the number in the sandbox:
any valid E.164 number not yet owned (`PhoneNumber`), or a made-up one in `AreaCode`
(+1 NPA 555 01XX, the range reserved for fiction). Releasing a number removes it from every
bundle it was assigned to. A number belongs to the account the path names; no two accounts
own one number."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any, Final

import phonenumbers

from trusthub.sandbox.protocol import (
    NUMBER_INVALID,
    NUMBER_UNAVAILABLE,
    ApiError,
    Reply,
    Request,
    bad_parameter,
    missing_parameter,
    not_found,
)
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.paging import filter_echo, list_stored
from trusthub.sandbox.sids import new_sid, rfc2822
from trusthub.sandbox.store import Filter, Row, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

KIND: Final = "phone_number"

# Settable parameters -> stored fields, with their defaults on a new number.
SETTINGS: Final[dict[str, tuple[str, Any]]] = {
    "FriendlyName": ("friendly_name", None),
    "ApiVersion": ("api_version", "2010-04-01"),
    "SmsApplicationSid": ("sms_application_sid", None),
    "SmsFallbackMethod": ("sms_fallback_method", "POST"),
    "SmsFallbackUrl": ("sms_fallback_url", None),
    "SmsMethod": ("sms_method", "POST"),
    "SmsUrl": ("sms_url", None),
    "StatusCallback": ("status_callback", None),
    "StatusCallbackMethod": ("status_callback_method", "POST"),
    "VoiceApplicationSid": ("voice_application_sid", None),
    "VoiceFallbackMethod": ("voice_fallback_method", "POST"),
    "VoiceFallbackUrl": ("voice_fallback_url", None),
    "VoiceMethod": ("voice_method", "POST"),
    "VoiceUrl": ("voice_url", None),
    "EmergencyStatus": ("emergency_status", "Inactive"),
    "EmergencyAddressSid": ("emergency_address_sid", None),
    "TrunkSid": ("trunk_sid", None),
    "IdentitySid": ("identity_sid", None),
    "AddressSid": ("address_sid", None),
    "VoiceReceiveMode": ("voice_receive_mode", "voice"),
    "BundleSid": ("bundle_sid", None),
}
_METHODS: Final = {
    "SmsFallbackMethod",
    "SmsMethod",
    "StatusCallbackMethod",
    "VoiceFallbackMethod",
    "VoiceMethod",
}
_AREA: Final = re.compile(r"[2-9]\d\d")
_KIND_NAMES: Final = {
    phonenumbers.PhoneNumberType.TOLL_FREE: "tollFree",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
}


def render(row: Row) -> dict[str, Any]:
    d = row.data
    out = {
        "account_sid": d["account_sid"],
        "address_sid": d["address_sid"],
        "address_requirements": "none",
        "api_version": d["api_version"],
        "beta": False,
        "capabilities": {"mms": True, "sms": True, "voice": True, "fax": False},
        "date_created": rfc2822(d["date_created"]),
        "date_updated": rfc2822(d["date_updated"]),
        "friendly_name": d["friendly_name"],
        "identity_sid": d["identity_sid"],
        "phone_number": d["phone_number"],
        "origin": "twilio",
        "sid": row.sid,
    }
    out.update({field: d[field] for field, _ in SETTINGS.values() if field not in out})
    out.update(
        voice_caller_id_lookup=False,
        emergency_address_status="unregistered",
        status="in-use",
        type=d["type"],
        uri=f"/2010-04-01/Accounts/{d['account_sid']}/IncomingPhoneNumbers/{row.sid}.json",
    )
    return out


def _settings(req: Request) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, (field, _default) in SETTINGS.items():
        if not req.has(name):
            continue
        value = req.get(name)
        if name in _METHODS and value not in ("GET", "POST"):
            raise bad_parameter(name, "must be GET or POST")
        if name == "FriendlyName" and value:
            common.friendly_name(value)
        changes[field] = value or None  # "" clears a setting
    return changes


def _parse(number: str) -> phonenumbers.PhoneNumber:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not number.startswith("+") or not phonenumbers.is_valid_number(parsed):
        raise ApiError(400, NUMBER_INVALID, f"PhoneNumber {number!r} is invalid")
    return parsed


def _owned(tx: Tx, e164: str) -> bool:
    """Whether any account owns the number: a number has one owner."""
    return bool(tx.unscoped().find(KIND, where=[Filter("phone_number", e164)]))


def _pick_in_area(tx: Tx, area: str) -> str:
    for _ in range(200):
        candidate = f"+1{area}55501{secrets.randbelow(100):02d}"
        if not _owned(tx, candidate):
            return candidate
    raise ApiError(400, NUMBER_UNAVAILABLE, f"No phone numbers are available in area code {area}")


def create(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    wanted, area = req.get("PhoneNumber"), req.get("AreaCode")
    if not wanted and not area:
        raise missing_parameter("PhoneNumber")
    if area and not _AREA.fullmatch(area):
        raise bad_parameter("AreaCode", "must be a 3-digit North American area code")
    changes = _settings(req)
    now = sb.clock()
    with sb.store.write() as tx:
        e164 = wanted or _pick_in_area(tx, area or "")
        parsed = _parse(e164)
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if _owned(tx, e164):
            raise ApiError(400, NUMBER_UNAVAILABLE, f"PhoneNumber {e164} is not available")
        data: dict[str, Any] = dict(SETTINGS.values())
        data.update(
            account_sid=req.account_sid,
            phone_number=e164,
            friendly_name=phonenumbers.format_number(
                parsed, phonenumbers.PhoneNumberFormat.NATIONAL
            ),
            type=_KIND_NAMES.get(phonenumbers.number_type(parsed), "local"),
            date_created=now,
            date_updated=now,
        )
        data.update(changes)
        row = tx.insert(KIND, new_sid("PN"), None, data)
    return Reply(201, render(row))


def fetch(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        row = tx.get(args["Sid"], KIND)
    if row is None:
        raise not_found(req.path)
    return Reply(200, render(row))


def update(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    changes = _settings(req)
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
        for assignment in tx.find(
            "channel_assignment", where=[Filter("channel_endpoint_sid", args["Sid"])]
        ):
            tx.delete(assignment.sid)
        # ... and from the Messaging Service that holds it (messaging_services).
        for membership in tx.find(
            "service_phone_number", where=[Filter("phone_number_sid", args["Sid"])]
        ):
            tx.delete(membership.sid)
        tx.delete(args["Sid"])
    return Reply(204)


def _number_filter(pattern: str) -> Filter:
    """Twilio matches partial numbers, `*` standing for any digit; a whole E.164 number is
    looked up exactly (and by index)."""
    if re.fullmatch(r"\+\d{6,15}", pattern):
        return Filter("phone_number", pattern)
    like = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "_")
    return Filter("phone_number", f"%{like}%", "like")


def listing(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    echo = filter_echo(req, ("Beta", "FriendlyName", "PhoneNumber", "Origin"))
    where = []
    if "PhoneNumber" in echo:
        where.append(_number_filter(echo["PhoneNumber"]))
    if "FriendlyName" in echo:
        where.append(Filter("friendly_name", echo["FriendlyName"]))
    if echo.get("Beta", "").lower() == "true" or echo.get("Origin", "twilio") != "twilio":
        where.append(Filter("phone_number", [], "in"))  # sandbox numbers: never beta or ported
    return list_stored(
        sb.store, req, kind=KIND, key="incoming_phone_numbers", render=render, where=where,
        echo=echo, style="2010",
    )  # fmt: skip


def routes() -> list[tuple[str, dict[str, Any]]]:
    base = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers"
    return [
        (f"{base}.json", {"POST": create, "GET": listing}),
        (f"{base}/{{Sid}}.json", {"GET": fetch, "POST": update, "DELETE": delete}),
    ]
