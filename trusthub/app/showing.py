"""`trusthub show NAME`: one profile as trusthub sees it, as plain data. What its file asks
for (every resource of every kind, personal data masked), and what the state recorded of
each: status and since when, rejection reasons, the SIDs of the Trust Hub objects behind
it. It works while files of the workspace are broken, its own included (then it shows
what is recorded and the file's problems).

`document` is the profile as resolved: the file with the workspace defaults it inherits
merged in (`trusthub.load.inheritance`), masked like the attributes; `inherited` says which
of its values came from which section of trusthub.yaml, by JSON path."""

from __future__ import annotations

from typing import Any

from trusthub.app.loading import ProfileDoc, load_workspace
from trusthub.app.session import open_workspace_store
from trusthub.common.json_path import format_json_path
from trusthub.config.settings import Settings
from trusthub.errors import StateError
from trusthub.load.inheritance import inherited_by
from trusthub.model import twilio_codes
from trusthub.model.kinds import KINDS, PROFILE, desired_resources
from trusthub.model.privacy import display, fingerprint_key

JSON_VERSION = 1


def show_profile(settings: Settings, name: str, *, show_sensitive: bool = False) -> dict[str, Any]:
    profile = name.split("/", 1)[0]
    workspace = load_workspace(settings)
    doc = workspace.profiles.get(profile)
    desired = desired_resources([(profile, doc.data, doc.path)]) if doc is not None else {}
    # Its file's problems: the file it was read from, or (when it could not be read as a
    # profile) the file named after it.
    files = (doc.path,) if doc is not None else (f"{profile}.yaml", f"{profile}.yml")
    problems = [
        p
        for p in workspace.problems
        if (inherited_by(p) or p.location.path).rsplit("/", 1)[-1] in _names(files)
    ]
    with open_workspace_store(settings) as store:
        key = fingerprint_key(store.meta().lineage)
        recorded = {
            r.name: r for r in store.snapshot().resources if KINDS[r.kind].owner(r.name) == profile
        }
        sids = {n: store.sids(r.kind, n) for n, r in recorded.items()}
    if doc is None and not recorded and not problems:
        raise StateError(
            f"no profile {profile!r} in the workspace or the state",
            hint="`trusthub status` lists the profiles",
        )
    resources = []
    for res_name in sorted(set(desired) | set(recorded), key=lambda n: (n != profile, n)):
        d = desired.get(res_name)
        r = recorded.get(res_name)
        kind = d.kind if d is not None else r.kind if r is not None else PROFILE
        resources.append(
            {
                "resource": res_name,
                "kind": kind,
                "declared": d is not None,
                "path": d.path if d is not None else None,
                "attributes": (
                    display((), dict(d.attributes), key, show_sensitive=show_sensitive)
                    if d is not None
                    else None
                ),
                "status": r.status if r is not None else None,
                "since": r.status_since if r is not None else None,
                "rejection_reasons": list(r.rejection_reasons) if r is not None else [],
                "explained": (
                    [twilio_codes.explain(x) for x in r.rejection_reasons] if r is not None else []
                ),
                "sids": dict(sorted(sids.get(res_name, {}).items())),
            }
        )
    return {
        "version": JSON_VERSION,
        "profile": profile,
        "path": doc.path if doc is not None else None,
        "document": _document(doc.data, key, show_sensitive) if doc is not None else None,
        "inherited": _inherited(doc) if doc is not None else {},
        "problems": [
            {
                "path": p.location.path,
                "line": p.location.line,
                "column": p.location.column,
                "rule": p.rule,
                "severity": p.severity,
                "message": p.message,
            }
            for p in problems
        ],
        "resources": [r for r in resources if name == profile or r["resource"] == name],
    }


def _document(data: dict[str, Any], key: bytes, show_sensitive: bool) -> Any:
    """The resolved profile, masked. A toll-free verification's `number` is one of the
    profile's phone numbers, personal data, though not under a key `privacy` knows as such
    (`number` alone is no personal key): it is masked as a phone number is."""
    shown = display((), data, key, show_sensitive=show_sensitive)
    for verification in shown.get("toll_free_verifications") or []:
        if isinstance(verification, dict) and "number" in verification:
            number = verification["number"]
            verification["number"] = display(("phone",), number, key, show_sensitive=show_sensitive)
    return shown


def _inherited(doc: ProfileDoc) -> dict[str, str]:
    """JSON path of each inherited value -> where it is written (`trusthub.yaml
    defaults.roles.secondary`)."""
    inheritance = doc.locator.inheritance
    if inheritance is None:
        return {}
    source = inheritance.source.display
    return {
        format_json_path(path): f"{source} {inheritance.layers[index].label}"
        for path, index in sorted(doc.locator.origins().items(), key=lambda item: item[0])
    }


def _names(paths: tuple[str, ...]) -> set[str]:
    return {p.rsplit("/", 1)[-1] for p in paths}
