"""What apply sends Twilio for an example's campaigns and toll-free verifications, read back
by `trusthub.model.reverse`, is the example's YAML again (pure: no sandbox)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from trusthub.apply.kinds.a2p_campaign import create_params
from trusthub.apply.kinds.tollfree_verification import params as tfv_params
from trusthub.model import reverse
from trusthub.model.kinds import A2P_CAMPAIGN, TOLLFREE_VERIFICATION, desired_resources
from trusthub.model.kinds.messaging_service import service_usecase

ROOT = Path(__file__).parents[2]
PROFILES = [
    p
    for p in sorted((ROOT / "profiles").glob("*.yaml"))
    if "campaigns:" in p.read_text("utf-8") or "toll_free_verifications:" in p.read_text("utf-8")
]


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_campaigns_and_verifications_read_back_as_written(path: Path) -> None:
    data = _load(path)
    resources = desired_resources([(data["name"], data, "x")])
    declared = (data.get("trust_products") or {}).get("a2p_messaging", {}).get("campaigns", [])
    out = reverse.ImportedProfile({})
    campaigns: list[dict[str, Any]] = []
    for r in resources.values():
        if r.kind != A2P_CAMPAIGN:
            continue
        sent = create_params(r, "BN" + "0" * 32)
        use_case = sent.pop("us_app_to_person_usecase")
        name = r.name.partition("/a2p-campaign-")[2]
        service = f"{data['name']}/messaging-service-{name} service ~0123abcd"
        numbers = next(c.get("numbers", []) for c in declared if c["name"] == name)
        campaigns.append(
            reverse.campaign_spec(
                reverse.ObservedCampaign(
                    "QE" + "0" * 32, "VERIFIED", use_case, "MG" + "0" * 32,
                    service, service_usecase(use_case), sent, sorted(numbers),
                ),
                reverse.campaign_name_of(service, set()), len(campaigns), out,
            )
        )  # fmt: skip
    assert campaigns == [
        {k: v for k, v in c.items() if not (k == "subscriber_opt_in" and v is True)}
        for c in declared
    ]
    verifications: list[dict[str, Any]] = []
    for r in resources.values():
        if r.kind == TOLLFREE_VERIFICATION:
            sent = {**tfv_params(r), "customer_profile_sid": "BU" + "0" * 32}
            sent["production_message_sample"] = sent.pop("production_message_sample")
            observed = reverse.ObservedVerification("HH" + "0" * 32, "TWILIO_APPROVED",
                                                    r.numbers[0], sent)  # fmt: skip
            part = r.name.partition("/")[2]
            given = (
                part
                if any(v.get("name") == part for v in data["toll_free_verifications"])
                else None
            )
            verifications.append(
                reverse.verification_spec(observed, data, given, len(verifications), out)
            )
    assert verifications == data.get("toll_free_verifications", [])
    assert out.unmapped == []
