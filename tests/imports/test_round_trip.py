"""YAML -> the Trust Hub objects apply makes of it -> YAML is the identity for every example
profile (`trusthub.model.reverse` inverts `mapping` and `apply.objects`), and the file the
import writes reads back as the same document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.example import REPO, accounts_block, example_document
from trusthub.apply import objects
from trusthub.model import mapping, reverse
from trusthub.model.kinds import TRUST_PRODUCT, desired_resources
from trusthub.model.requirements import product_numbers
from trusthub.report.profile_file import reads_back, render

PROFILES = sorted((Path(__file__).parents[2] / "profiles").glob("*.yaml"))
SID = "BU" + "0" * 32


def _load(path: Path) -> dict[str, Any]:
    if path.parent == REPO / "profiles":  # as trusthub reads it: with the example's defaults
        return example_document(path.stem)
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def observed(
    data: dict[str, Any], primary_sid: str
) -> tuple[reverse.ObservedBundle, list[reverse.ObservedBundle]]:
    """What apply would make on Trust Hub of `data` (status approved)."""
    attrs = dict(data.items())
    bundle = objects.profile_bundle(attrs)
    address = objects.profile_address(attrs)
    profile = reverse.ObservedBundle(
        sid=data.get("sid", "BU" + "1" * 32),
        status="draft" if data.get("submit") is False else "twilio-approved",
        policy_sid=mapping.profile_policy_sid(data["role"], data["type"]),
        friendly_name=bundle.friendly_name,
        email=bundle.email,
        status_callback=bundle.status_callback,
        end_users=[(u.type, dict(u.attributes)) for u in objects.profile_end_users(attrs)],
        addresses=[dict(address.params)],
        bundles=[primary_sid] if data.get("primary") else [],
        numbers=list(data.get("phone_numbers", [])),
    )
    products = []
    for resource in desired_resources([(data["name"], data, "x")]).values():
        if resource.kind != TRUST_PRODUCT:
            continue
        product = resource.product or ""
        user = objects.product_end_user(resource)
        pbundle = objects.product_bundle(attrs, product)
        products.append(
            reverse.ObservedBundle(
                sid="BU" + "2" * 32,
                status="twilio-approved",
                policy_sid=str(resource.attributes["policy"]),  # the sole-proprietor one too
                friendly_name=pbundle.friendly_name,
                email=pbundle.email,
                status_callback=pbundle.status_callback,
                end_users=[(user.type, dict(user.attributes))] if user else [],
                bundles=[profile.sid],
                numbers=product_numbers(data, product),
            )
        )
    return profile, products


def not_on_trust_hub(data: dict[str, Any]) -> dict[str, Any]:
    """The document without what Trust Hub does not hold for a customer profile: toll-free
    verifications, A2P brands and campaigns (on their Messaging Services) are kinds of their
    own, not imported yet, and the account is where the bundle lives (`import --all` writes
    it), not one of its fields. A sole-proprietor brand's type and name are held: its trust
    product's end user names the brand (`sole_proprietor_information.brand_name`)."""
    out = {k: v for k, v in data.items() if k not in ("toll_free_verifications", "account")}
    products = {
        p: {
            k: v
            for k, v in spec.items()
            if k != "campaigns"
            and not (k == "brand" and (v or {}).get("type") != "sole_proprietor")
        }
        for p, spec in data.get("trust_products", {}).items()
    }
    if products:
        out["trust_products"] = products
    return out


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_yaml_to_trust_hub_to_yaml_is_the_identity(path: Path) -> None:
    data = _load(path)
    if data["role"] == "primary":
        data["sid"] = SID
    profile, products = observed(data, SID)
    imported = reverse.profile_document(
        profile, name=data["name"], primary_names={SID: "acme-isv"}, products=products
    )
    assert imported.unmapped == []
    assert imported.document == not_on_trust_hub(data)
    # Written as the workspace writes its files, it reads back the same.
    text = render(imported.document, header=["imported"])
    assert reads_back(text, imported.document)
    assert list(yaml.safe_load(text)) == reverse.document_order(not_on_trust_hub(data))


def test_values_the_format_cannot_express_are_reported_not_dropped() -> None:
    data = _load(PROFILES[0])
    data["sid"] = SID
    profile, products = observed(data, SID)
    users = [(t, dict(a)) for t, a in profile.end_users]
    users[0][1]["business_industry"] = "SPACE_MINING"
    users[0][1]["lei_code"] = "5493001KJTIIGC8Y1R12"
    users.append(("passport_holder", {"x": "y"}))
    odd = reverse.ObservedBundle(
        **{**{f: getattr(profile, f) for f in profile.__slots__}, "end_users": users}
    )
    imported = reverse.profile_document(odd, name="acme", primary_names={}, products=products)
    found = {(u.dotted, str(u.value)) for u in imported.unmapped}
    assert ("business.industry", "SPACE_MINING") in found
    assert ("business.lei_code", "5493001KJTIIGC8Y1R12") in found
    assert ("(profile)", "passport_holder") in found
    assert imported.document["business"]["industry"] == "SPACE_MINING"  # written as is


def test_only_a_primary_names_its_bundle_sid(tmp_path: Path) -> None:
    from tests.support.cli import run_cli

    (tmp_path / "profiles").mkdir()
    for path in PROFILES:
        data = _load(path)
        if path.stem == "acme-isv":
            data["sid"] = SID
        (tmp_path / "profiles" / path.name).write_text(render(data), encoding="utf-8")
    # written out merged, they need no defaults, only the subaccount northwind-outfitters names
    (tmp_path / "trusthub.yaml").write_text(accounts_block("northwind"), encoding="utf-8")
    run_cli("validate", workspace=tmp_path, code=0)
    bright = tmp_path / "profiles" / "brightsmile-dental.yaml"
    bright.write_text(render({**_load(bright), "sid": SID}), encoding="utf-8")
    out = run_cli("validate", workspace=tmp_path, code=1).output
    assert "brightsmile-dental.yaml" in out
    assert "$.sid" in out
    bright.unlink()
    acme = tmp_path / "profiles" / "acme-isv.yaml"
    acme.write_text(render({**_load(acme), "sid": "BU123"}), encoding="utf-8")
    out = run_cli("validate", workspace=tmp_path, code=1).output
    assert "acme-isv.yaml" in out
    assert "$.sid" in out
