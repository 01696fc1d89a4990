"""Event Streams v1 on `events.twilio.com`: Sinks (`DG...`), Subscriptions (`DF...`), their
subscribed event types, and the catalogue of Types, per account (each request acts in the
account its credentials name, as the other v1 APIs; the onboarding reference, section I,
makes them in each subaccount).

No OpenAPI spec is vendored for this API: the shapes follow Twilio's API reference and the
twilio SDK's `events.v1` (the onboarding reference, section J.2):

* `POST /v1/Sinks` (201): `Description`, `SinkType` (kinesis, webhook, segment) and
  `SinkConfiguration` (a JSON object; a webhook's gives `destination`, an absolute http(s)
  URL, `method` POST or GET, and optionally `batch_events`). The configuration is fixed for
  the sink's life: `POST /v1/Sinks/{Sid}` takes `Description` only. `GET` lists (key
  `sinks`; `InUse`, `Status` filter) and fetches; `DELETE` (204).
* A sink's status is `initialized|validating|active|failed`. UNCONFIRMED: when a webhook
  sink becomes active. Twilio's webhook quickstart subscribes right after creating one, with
  no validation step, while the spec says a subscription needs an active sink; the sandbox
  makes a webhook sink active at once and any other kind `initialized` (validated by
  `POST /v1/Sinks/{Sid}/Test`, which answers `{"result": "submitted"}`, and
  `POST /v1/Sinks/{Sid}/Validate` with `TestId`, which activates it).
* `POST /v1/Subscriptions` (201): `Description`, `SinkSid` (an active sink of the account),
  `Types` (each a JSON object `{"type", "schema_version"}`, a type of the catalogue).
  `POST /v1/Subscriptions/{Sid}` takes `Description` only (the SDK's update); the types
  change through `/v1/Subscriptions/{Sid}/SubscribedEvents` (key `types`): `POST` with
  `Type` and `SchemaVersion` (201; 200 when it was subscribed already), `GET`, `POST`
  `SchemaVersion` and `DELETE` on `.../SubscribedEvents/{Type}`.
* UNCONFIRMED: deleting a sink a subscription still uses. The sandbox refuses it (400,
  20001: delete the subscription first), the stricter reading.

What a subscription selects is delivered by `event_streams` to its sink: the events of
objects owned by the subscription's account, of the subscribed types.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from trusthub.sandbox import event_streams
from trusthub.sandbox.protocol import ApiError, Reply, Request, bad_parameter, not_found
from trusthub.sandbox.resources.common import sid_param
from trusthub.sandbox.resources.paging import list_static, list_stored
from trusthub.sandbox.sids import is_sid, iso, new_sid
from trusthub.sandbox.store import Filter, Row, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

SINK: Final = event_streams.SINK_KIND
SUBSCRIPTION: Final = event_streams.SUBSCRIPTION_KIND
SUBSCRIBED: Final = event_streams.SUBSCRIBED_KIND
SINK_TYPES: Final = ("kinesis", "webhook", "segment")
SINK_STATUSES: Final = ("initialized", "validating", "active", "failed")
METHODS: Final = ("POST", "GET")
MAX_DESCRIPTION: Final = 255  # UNCONFIRMED: Twilio publishes no limit; the sandbox's own

PREFIX: Final = "com.twilio.messaging.compliance."
# The compliance types of the reference's section J.2 (and the schema each belongs to):
# what the sandbox lets a subscription select.
CATALOGUE: Final[dict[str, str]] = {
    **{
        f"{PREFIX}brand-registration.{t}": "Messaging.Compliance.BrandRegistration"
        for t in (
            "brand-registered",
            "brand-failure",
            "brand-verified",
            "brand-unverified",
            "brand-vetted-verified",
            "brand-secondary-vetting-failure",
        )
    },
    **{
        f"{PREFIX}campaign-registration.{t}": "Messaging.Compliance.CampaignRegistration"
        for t in ("campaign-submitted", "campaign-failure", "campaign-approved")
    },
    **{
        f"{PREFIX}number-{what}.{outcome}": "Messaging.Compliance.NumberRegistration"
        for what in ("registration", "deregistration")
        for outcome in ("pending", "successful", "failed")
    },
    **{
        f"{PREFIX}toll-free-verification.{t}": "Messaging.Compliance.TollFreeVerification"
        for t in (
            "requested",
            "pending-review",
            "request-approved",
            "rejected",
            "failure",
            "edit",
            "expired",
            "deleted",
        )
    },
}
SCHEMA_VERSIONS: Final = (1,)  # the compliance schemas' versions (A2P uses v1)


def _description(req: Request, required: bool) -> str | None:
    value = req.require("Description") if required else req.get("Description")
    if value is not None and len(value) > MAX_DESCRIPTION:
        raise bad_parameter("Description", f"must be at most {MAX_DESCRIPTION} characters")
    return value


# -- sinks ------------------------------------------------------------------------------


def render_sink(req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    url = f"{req.origin}/v1/Sinks/{row.sid}"
    return {
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "description": d["description"],
        "sid": row.sid,
        "sink_configuration": d["sink_configuration"],
        "sink_type": d["sink_type"],
        "status": d["status"],
        "url": url,
        "links": {"sink_test": f"{url}/Test", "sink_validate": f"{url}/Validate"},
    }


def _configuration(sink_type: str, raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise bad_parameter("SinkConfiguration", "must be a JSON object")
    if sink_type != "webhook":
        return value
    destination = value.get("destination")
    parts = urlsplit(destination if isinstance(destination, str) else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_parameter(
            "SinkConfiguration", "a webhook sink's destination must be an absolute http(s) URL"
        )
    method = str(value.get("method", "")).upper()
    if method not in METHODS:
        raise bad_parameter("SinkConfiguration", "a webhook sink's method is POST or GET")
    batch = value.get("batch_events", False)
    if not isinstance(batch, bool):
        raise bad_parameter("SinkConfiguration", "batch_events must be true or false")
    return {"destination": destination, "method": method, "batch_events": batch}


def create_sink(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    description = _description(req, required=True)
    sink_type = req.require("SinkType")
    if sink_type not in SINK_TYPES:
        raise bad_parameter("SinkType", f"must be one of {', '.join(SINK_TYPES)}")
    configuration = _configuration(sink_type, req.require("SinkConfiguration"))
    now = sb.clock()
    sid = new_sid("DG")
    data = {
        "sid": sid,  # for the InUse filter
        "description": description,
        "sink_type": sink_type,
        "sink_configuration": configuration,
        "status": "active" if sink_type == "webhook" else "initialized",  # see the docstring
        "test_id": None,
        "date_created": now,
        "date_updated": now,
    }
    with sb.store.write() as tx:
        row = tx.insert(SINK, sid, None, data)
    return Reply(201, render_sink(req, row))


def _sink(tx: Tx, req: Request, sid: str) -> Row:
    row = tx.get(sid, SINK)
    if row is None:
        raise not_found(req.path)
    return row


def _sinks_in_use(tx: Tx) -> set[str]:
    return {str(r.data["sink_sid"]) for r in tx.find(SUBSCRIPTION)}


def list_sinks(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    where: list[Filter] = []
    echo: dict[str, str] = {}
    status = req.get("Status")
    if status:
        if status not in SINK_STATUSES:
            raise bad_parameter("Status", f"must be one of {', '.join(SINK_STATUSES)}")
        where.append(Filter("status", status))
        echo["Status"] = status
    in_use = req.get("InUse")
    if in_use:
        in_use = in_use.lower()
        if in_use not in ("true", "false"):
            raise bad_parameter("InUse", "must be true or false")
        with sb.store.read() as tx:
            used = _sinks_in_use(tx)
            sids = sorted(r.sid for r in tx.find(SINK) if (r.sid in used) == (in_use == "true"))
        where.append(Filter("sid", sids, "in"))
        echo["InUse"] = in_use
    return list_stored(
        sb.store, req, kind=SINK, key="sinks", where=where, echo=echo,
        render=lambda row: render_sink(req, row),
    )  # fmt: skip


def fetch_sink(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        row = _sink(tx, req, args["Sid"])
    return Reply(200, render_sink(req, row))


def update_sink(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    description = _description(req, required=True)
    with sb.store.write() as tx:
        row = _sink(tx, req, args["Sid"])
        row.data["description"] = description
        row.data["date_updated"] = sb.clock()
        tx.save(row)
    return Reply(200, render_sink(req, row))


def delete_sink(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = _sink(tx, req, args["Sid"])
        if row.sid in _sinks_in_use(tx):
            raise bad_parameter(
                "Sid", f"sink {row.sid} is used by a subscription: delete the subscription first"
            )
        tx.delete(row.sid)
    return Reply(204)


def test_sink(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    """Starts a validation: the sandbox records a test id (it sends no test event; the
    receiver does not need one) and the sink is `validating` until `Validate` names it."""
    with sb.store.write() as tx:
        row = _sink(tx, req, args["Sid"])
        row.data["test_id"] = new_sid("TE")
        if row.data["status"] != "active":
            row.data["status"] = "validating"
        tx.save(row)
    return Reply(201, {"result": "submitted"})


def validate_sink(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    test_id = req.require("TestId")
    with sb.store.write() as tx:
        row = _sink(tx, req, args["Sid"])
        if row.data.get("test_id") != test_id:
            raise bad_parameter("TestId", "names no test event of this sink")
        row.data["status"] = "active"
        row.data["date_updated"] = sb.clock()
        tx.save(row)
    return Reply(201, {"result": "valid"})


# -- subscriptions ----------------------------------------------------------------------


def render_subscription(req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    url = f"{req.origin}/v1/Subscriptions/{row.sid}"
    return {
        "account_sid": d["account_sid"],
        "sid": row.sid,
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "description": d["description"],
        "sink_sid": d["sink_sid"],
        "url": url,
        "links": {"subscribed_events": f"{url}/SubscribedEvents"},
    }


def _event_type(value: Any, name: str) -> str:
    if not isinstance(value, str) or value not in CATALOGUE:
        raise bad_parameter(name, f"{value!r} is not an event type Twilio offers")
    return value


def _schema_version(value: Any, name: str) -> int:
    if value is None or value == "":
        return SCHEMA_VERSIONS[-1]
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise bad_parameter(name, f"{value!r} is not a schema version") from None
    if version not in SCHEMA_VERSIONS:
        raise bad_parameter(name, f"schema version {version} does not exist")
    return version


def _types(req: Request) -> dict[str, int]:
    raws = req.form.get("Types") or []
    if not raws:
        raise bad_parameter("Types", "at least one event type is required")
    out: dict[str, int] = {}
    for raw in raws:
        try:
            entry = json.loads(raw)
        except ValueError:
            entry = None
        if not isinstance(entry, dict):
            raise bad_parameter("Types", 'each entry is a JSON object {"type", "schema_version"}')
        out[_event_type(entry.get("type"), "Types")] = _schema_version(
            entry.get("schema_version"), "Types"
        )
    return out


def _subscribed(tx: Tx, req: Request, subscription: Row, type_: str, version: int) -> Row:
    return tx.insert(
        SUBSCRIBED,
        new_sid("DE"),  # the row's own key; the type is the resource's name
        subscription.sid,
        {"account_sid": req.account_sid, "type": type_, "schema_version": version},
    )


def create_subscription(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    description = _description(req, required=True)
    sink_sid = sid_param(req, "SinkSid")
    types = _types(req)
    now = sb.clock()
    with sb.store.write() as tx:
        sink = tx.get(sink_sid, SINK) if is_sid(sink_sid, "DG") else None
        if sink is None:
            raise bad_parameter("SinkSid", f"{sink_sid} is not a sink of this account")
        if sink.data["status"] != "active":
            raise bad_parameter("SinkSid", f"sink {sink_sid} is {sink.data['status']}, not active")
        row = tx.insert(
            SUBSCRIPTION,
            new_sid("DF"),
            None,
            {
                "account_sid": req.account_sid,
                "description": description,
                "sink_sid": sink_sid,
                "date_created": now,
                "date_updated": now,
            },
        )
        for type_, version in types.items():
            _subscribed(tx, req, row, type_, version)
    return Reply(201, render_subscription(req, row))


def _subscription(tx: Tx, req: Request, sid: str) -> Row:
    row = tx.get(sid, SUBSCRIPTION)
    if row is None:
        raise not_found(req.path)
    return row


def list_subscriptions(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    sink_sid = req.get("SinkSid")
    where = [Filter("sink_sid", sink_sid)] if sink_sid else []
    return list_stored(
        sb.store, req, kind=SUBSCRIPTION, key="subscriptions", where=where,
        echo={"SinkSid": sink_sid} if sink_sid else {},
        render=lambda row: render_subscription(req, row),
    )  # fmt: skip


def fetch_subscription(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        row = _subscription(tx, req, args["Sid"])
    return Reply(200, render_subscription(req, row))


def update_subscription(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    description = _description(req, required=False)
    with sb.store.write() as tx:
        row = _subscription(tx, req, args["Sid"])
        if description is not None:
            row.data["description"] = description
        row.data["date_updated"] = sb.clock()
        tx.save(row)
    return Reply(200, render_subscription(req, row))


def delete_subscription(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = _subscription(tx, req, args["Sid"])
        for child in tx.find(SUBSCRIBED, parent=row.sid):
            tx.delete(child.sid)
        tx.delete(row.sid)
    return Reply(204)


# -- a subscription's event types -------------------------------------------------------


def render_subscribed(req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    return {
        "account_sid": d["account_sid"],
        "type": d["type"],
        "schema_version": d["schema_version"],
        "subscription_sid": row.parent,
        "url": f"{req.origin}/v1/Subscriptions/{row.parent}/SubscribedEvents/{d['type']}",
    }


def _subscribed_row(tx: Tx, subscription: Row, type_: str) -> Row | None:
    found = tx.find(SUBSCRIBED, parent=subscription.sid, where=[Filter("type", type_)])
    return found[0] if found else None


def list_subscribed(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        subscription = _subscription(tx, req, args["SubscriptionSid"])
    return list_stored(
        sb.store, req, kind=SUBSCRIBED, key="types", parent=subscription.sid,
        render=lambda row: render_subscribed(req, row),
    )  # fmt: skip


def add_subscribed(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    type_ = _event_type(req.require("Type"), "Type")
    version = _schema_version(req.get("SchemaVersion"), "SchemaVersion")
    with sb.store.write() as tx:
        subscription = _subscription(tx, req, args["SubscriptionSid"])
        row = _subscribed_row(tx, subscription, type_)
        if row is not None:  # subscribed already: its version is set (200)
            row.data["schema_version"] = version
            tx.save(row)
            return Reply(200, render_subscribed(req, row))
        row = _subscribed(tx, req, subscription, type_, version)
    return Reply(201, render_subscribed(req, row))


def _one_subscribed(tx: Tx, req: Request, args: dict[str, str]) -> Row:
    subscription = _subscription(tx, req, args["SubscriptionSid"])
    row = _subscribed_row(tx, subscription, args["Type"])
    if row is None:
        raise not_found(req.path)
    return row


def fetch_subscribed(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        row = _one_subscribed(tx, req, args)
    return Reply(200, render_subscribed(req, row))


def update_subscribed(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    version = _schema_version(req.get("SchemaVersion"), "SchemaVersion")
    with sb.store.write() as tx:
        row = _one_subscribed(tx, req, args)
        row.data["schema_version"] = version
        tx.save(row)
    return Reply(200, render_subscribed(req, row))


def remove_subscribed(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = _one_subscribed(tx, req, args)
        remaining = tx.find(SUBSCRIBED, parent=row.parent)
        if len(remaining) == 1:
            # UNCONFIRMED: a subscription with no types; the sandbox keeps one, as create does.
            raise ApiError(
                400, 20001, "a subscription keeps at least one event type: delete it instead"
            )
        tx.delete(row.sid)
    return Reply(204)


# -- the catalogue of types -------------------------------------------------------------


def _render_type(req: Request, type_: str) -> dict[str, Any]:
    schema = CATALOGUE[type_]
    return {
        "date_created": "2023-01-01T00:00:00Z",
        "date_updated": "2023-01-01T00:00:00Z",
        "type": type_,
        "schema_id": schema,
        "status": "available",
        "documentation_url": None,
        "description": type_.removeprefix(PREFIX),
        "url": f"{req.origin}/v1/Types/{type_}",
        "links": {"schema": f"{req.origin}/v1/Schemas/{schema}/Versions"},
    }


def list_types(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    schema = req.get("SchemaId")
    items = [
        _render_type(req, t) for t, s in sorted(CATALOGUE.items()) if not schema or s == schema
    ]
    return list_static(req, key="types", items=items, echo={"SchemaId": schema} if schema else {})


def fetch_type(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    if args["Type"] not in CATALOGUE:
        raise not_found(req.path)
    return Reply(200, _render_type(req, args["Type"]))


def routes() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("/v1/Sinks", {"POST": create_sink, "GET": list_sinks}),
        ("/v1/Sinks/{Sid}", {"GET": fetch_sink, "POST": update_sink, "DELETE": delete_sink}),
        ("/v1/Sinks/{Sid}/Test", {"POST": test_sink}),
        ("/v1/Sinks/{Sid}/Validate", {"POST": validate_sink}),
        ("/v1/Subscriptions", {"POST": create_subscription, "GET": list_subscriptions}),
        (
            "/v1/Subscriptions/{Sid}",
            {"GET": fetch_subscription, "POST": update_subscription, "DELETE": delete_subscription},
        ),
        (
            "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents",
            {"POST": add_subscribed, "GET": list_subscribed},
        ),
        (
            "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents/{Type}",
            {"GET": fetch_subscribed, "POST": update_subscribed, "DELETE": remove_subscribed},
        ),
        ("/v1/Types", {"GET": list_types}),
        ("/v1/Types/{Type}", {"GET": fetch_type}),
    ]
