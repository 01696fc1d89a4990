"""Drift: what Trust Hub holds for a managed profile or trust product, read whole (the same
read side as `trusthub import`), compared with what the state recorded as applied.

A difference is recorded as the resource's body: the observed attributes, sealed as apply
seals them, with their spec hash. The plan's ordinary diff then shows each drifted field,
Trust Hub's value -> the YAML's, and the lifecycle decides: an update where the status
allows an edit (draft, rejected), a refusal otherwise (whose way out is `trusthub import
--update NAME`). Status changes are not drift: refresh records them as observations.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from trusthub.app.reading import ReadBundle, read_bundle
from trusthub.apply import objects
from trusthub.model.desired import DesiredResource, SealedBody
from trusthub.model.kinds import PROFILE, TRUST_PRODUCT, desired_resources
from trusthub.model.privacy import FINGERPRINT_PREFIX, seal
from trusthub.model.reverse import profile_document
from trusthub.plan.diff import diff
from trusthub.provider.api import CUSTOMER_PROFILES, TRUST_PRODUCTS, TrustHubProvider
from trusthub.provider.errors import RemoteNotFound
from trusthub.state.base import StateStore
from trusthub.state.model import RecordedResource


@dataclass
class Drift:
    name: str
    kind: str
    paths: list[str]  # the drifted fields (dotted); values are never listed here
    numbers: bool  # the phone numbers assigned differ
    observed: DesiredResource = field(repr=False)  # what Trust Hub holds, to record


@dataclass
class DriftCheck:
    drifted: list[Drift] = field(default_factory=list)
    read: int = 0


def _forward(doc: Mapping[str, Any], resource: DesiredResource) -> Any:
    """What apply makes on Trust Hub of a resource of `doc`: comparable, raw."""
    if resource.kind == PROFILE:
        attrs = dict(doc)
        bundle = objects.profile_bundle(attrs)
        return (
            [(u.type, dict(u.attributes)) for u in objects.profile_end_users(attrs)],
            dict(objects.profile_address(attrs).params),
            (bundle.friendly_name, bundle.email, bundle.status_callback),
        )
    user = objects.product_end_user(resource)
    return (resource.attributes.get("policy"), dict(user.attributes) if user else None)


def _has_fingerprint(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith(FINGERPRINT_PREFIX)
    if isinstance(value, Mapping):
        return any(_has_fingerprint(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_fingerprint(v) for v in value)
    return False


def _as_recorded(
    doc: dict[str, Any], resource: DesiredResource, recorded: Mapping[str, Any]
) -> dict[str, Any]:
    """`doc`, with each top-level key the state wrote another way that makes the same Trust
    Hub objects (an explicit `friendly_name` equal to the default) taken as recorded: only
    keys the state holds in clear are compared so."""
    observed = dict(resource.attributes)
    for key in sorted(set(observed) | set(recorded)):
        if key in observed and key in recorded and observed[key] == recorded[key]:
            continue
        if _has_fingerprint(recorded.get(key)):
            continue
        candidate = _with(doc, resource, key, recorded)
        try:
            again = _resource_of(candidate, resource)
            same = again is not None and _forward(candidate, again) == _forward(doc, resource)
        except (KeyError, TypeError, ValueError):
            same = False
        if same:
            doc = candidate
            resource = again  # type: ignore[assignment]
    return doc


def _with(
    doc: dict[str, Any], resource: DesiredResource, key: str, recorded: Mapping[str, Any]
) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in doc.items()}
    if resource.kind == PROFILE:
        target = out
    else:
        products = dict(out.get("trust_products", {}))
        target = dict(products.get(resource.product or "", {}))
        products[resource.product or ""] = target
        out["trust_products"] = products
        if key == "policy":
            return out
    if key in recorded:
        target[key] = recorded[key]
    else:
        target.pop(key, None)
    return out


def _resource_of(doc: Mapping[str, Any], like: DesiredResource) -> DesiredResource | None:
    return desired_resources([(like.profile, dict(doc), like.path)]).get(like.name)


def check_drift(
    store: StateStore,
    api: TrustHubProvider,
    resources: Mapping[str, RecordedResource],
    key: bytes,
    *,
    only: Collection[str] | None = None,
    parallelism: int = 1,
    sids: Mapping[str, Mapping[str, str]] | None = None,
) -> DriftCheck:
    """Read every recorded profile (with its recorded trust products) whole and return what
    differs from its recorded body; nothing is written. With `only`, just those profiles
    (the ones `api`'s account holds, that moved); the others still name primaries. The
    reads run `parallelism` at a time; the state is read in the calling thread only.
    `sids`: each resource's recorded SIDs, when the caller read them already."""
    result = DriftCheck()
    if sids is None:
        sids = {name: store.sids(r.kind, name) for name, r in resources.items()}
    primaries = {
        s["bundle"]: name
        for name, s in sids.items()
        if resources[name].kind == PROFILE and "bundle" in s
    }
    products_of: dict[str, list[str]] = {}
    for pname, pr in sorted(resources.items()):
        if pr.kind == TRUST_PRODUCT and sids[pname].get("bundle"):
            products_of.setdefault(pname.partition("/")[0], []).append(pname)
    todo = [
        name
        for name, r in sorted(resources.items())
        if r.kind == PROFILE
        and r.status is not None
        and "bundle" in sids[name]
        and (only is None or name in only)
    ]
    if not todo:
        return result
    numbers = api.list_numbers()

    def read_one(name: str) -> tuple[str, ReadBundle, dict[str, ReadBundle]] | None:
        try:
            bundle = api.fetch_bundle(CUSTOMER_PROFILES, sids[name]["bundle"])
            read = read_bundle(api, CUSTOMER_PROFILES, bundle, numbers)
            products = {
                pname: read_bundle(
                    api,
                    TRUST_PRODUCTS,
                    api.fetch_bundle(TRUST_PRODUCTS, sids[pname]["bundle"]),
                    numbers,
                )
                for pname in products_of.get(name, [])
            }
        except RemoteNotFound:
            return None  # refresh reports what is gone
        return name, read, products

    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(todo)))) as pool:
        reads = [r for r in pool.map(read_one, todo) if r is not None]
    all_bodies = store.specs([n for name, _r, products in reads for n in (name, *products)])
    for name, read, products in reads:
        _compare(result, name, read, products, all_bodies, primaries, key)
    return result


def _compare(
    result: DriftCheck,
    name: str,
    read: ReadBundle,
    products: Mapping[str, ReadBundle],
    bodies: Mapping[str, Mapping[str, Any]],
    primaries: Mapping[str, str],
    key: bytes,
) -> None:
    """What of profile `name` (read whole, with its products) differs from its record."""
    recorded_profile = SealedBody.from_data(bodies.get(name))
    imported = profile_document(
        read.observed,
        name=name,
        primary_names=primaries,
        products=[p.observed for p in products.values()],
        with_sid="sid" in recorded_profile.attributes,
    )
    doc = imported.document
    observed_all = desired_resources([(name, doc, "")])
    for rname in [name, *sorted(products)]:
        resource = observed_all.get(rname)
        if resource is None:
            continue
        recorded = SealedBody.from_data(bodies.get(rname))
        doc = _as_recorded(doc, resource, recorded.attributes)
    observed_all = desired_resources([(name, doc, "")])
    for rname in [name, *sorted(products)]:
        result.read += 1
        recorded = SealedBody.from_data(bodies.get(rname))
        resource = observed_all.get(rname)
        if resource is None:
            continue
        sealed = resource.sealed(key)
        attrs = seal(dict(resource.attributes), key)
        if attrs == dict(recorded.attributes) and sealed.numbers == recorded.numbers:
            continue
        paths = [
            ".".join(str(p) for p in path)
            for path, _a, _b in diff(dict(recorded.attributes), attrs)
        ]
        result.drifted.append(
            Drift(rname, resource.kind, paths, sealed.numbers != recorded.numbers, resource)
        )


def record_drift(store: StateStore, check: DriftCheck, key: bytes, *, actor: str) -> None:
    """Record each drifted resource's observed body (and hash) as its recorded body."""
    if not check.drifted:
        return
    with store.transaction() as tx:
        for drift in check.drifted:
            resource = drift.observed
            tx.put_resource(
                resource.kind,
                resource.name,
                spec=resource.sealed(key).to_data(),
                spec_hash=resource.spec_hash(key),
            )
            tx.append_audit(
                resource.kind,
                resource.name,
                "drift",
                actor=actor,
                detail={"fields": drift.paths, "numbers": drift.numbers},
            )


__all__ = ["Drift", "DriftCheck", "check_drift", "record_drift"]
