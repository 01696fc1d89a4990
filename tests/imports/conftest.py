"""A sandbox seeded as a real account is, through the stock twilio SDK over `sandbox serve`
(real loopback HTTP, every request and response checked against the OpenAPI specs), and an
empty workspace aimed at it with `target: twilio`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from twilio.rest import Client

from tests.support.cli import run_cli
from tests.support.conformance import CheckingHttpClient, Conformance
from tests.support.example import example_document
from trusthub.app.console import console_form
from trusthub.apply import objects
from trusthub.apply.kinds.a2p_campaign import create_params
from trusthub.apply.kinds.tollfree_verification import params as tfv_params
from trusthub.model import mapping
from trusthub.model.kinds import (
    A2P_BRAND,
    A2P_CAMPAIGN,
    MESSAGING_SERVICE,
    TOLLFREE_VERIFICATION,
    TRUST_PRODUCT,
    a2p_brand,
    desired_resources,
)
from trusthub.model.requirements import product_numbers
from trusthub.sandbox import Sandbox
from trusthub.sandbox.console import create_primary
from trusthub.sandbox.server import SandboxServer
from trusthub.sandbox.transport import LoopbackHttpClient, server_client

REPO = Path(__file__).resolve().parents[2]


def example(name: str) -> dict[str, Any]:
    return example_document(name)  # as trusthub reads it: with the example's defaults


@dataclass
class Account:
    """The seeded account: its sandbox, a checked stock client, what was made."""

    sandbox: Sandbox
    client: Client
    url: str
    checker: CheckingHttpClient
    sids: dict[str, str] = field(default_factory=dict)  # example name (or name/product) -> BU

    def seed_profile(self, data: dict[str, Any], *, primary: str | None = None) -> str:
        """Make a customer profile as the Console (or another tool) would: end users,
        address, document, bundle, assignments, numbers; submitted."""
        v1 = self.client.trusthub.v1
        attrs = dict(data)
        assigned = [
            v1.end_users.create(
                friendly_name=f"{data['name']} {u.type}", type=u.type, attributes=dict(u.attributes)
            ).sid
            for u in objects.profile_end_users(attrs)
        ]
        address = self.client.addresses.create(
            friendly_name=f"{data['name']} address", **objects.profile_address(attrs).params
        )
        assigned.append(
            v1.supporting_documents.create(
                friendly_name=f"{data['name']} address document",
                type="customer_profile_address",
                attributes={"address_sids": address.sid},
            ).sid
        )
        if primary is not None:
            assigned.append(primary)
        spec = objects.profile_bundle(attrs)
        extra = {"status_callback": spec.status_callback} if spec.status_callback else {}
        bundle = v1.customer_profiles.create(
            friendly_name=spec.friendly_name,
            email=spec.email,
            policy_sid=mapping.profile_policy_sid(data["role"], data["type"]),
            **extra,
        )
        for sid in assigned:
            v1.customer_profiles(bundle.sid).customer_profiles_entity_assignments.create(
                object_sid=sid
            )
        self._numbers(
            v1.customer_profiles(bundle.sid).customer_profiles_channel_endpoint_assignment,
            data.get("phone_numbers", []),
        )
        self.sids[data["name"]] = bundle.sid
        return str(bundle.sid)

    def seed_console_primary(self, data: dict[str, Any]) -> str:
        """A primary made in the Console (the only place Twilio makes them), approved; its
        numbers assigned through the API, as Twilio allows for a primary."""
        sid = create_primary(self.sandbox, console_form(data)).sid
        self.sids[data["name"]] = sid
        self._numbers(
            self.client.trusthub.v1.customer_profiles(
                sid
            ).customer_profiles_channel_endpoint_assignment,
            data.get("phone_numbers", []),
        )
        return sid

    def _numbers(self, assignments: Any, numbers: list[str]) -> None:
        for e164 in numbers:
            found = self.client.incoming_phone_numbers.list(phone_number=e164, limit=1)
            pn = (
                found[0].sid
                if found
                else self.client.incoming_phone_numbers.create(phone_number=e164).sid
            )
            assignments.create(channel_endpoint_type="phone-number", channel_endpoint_sid=pn)

    def seed_products(self, data: dict[str, Any]) -> None:
        v1 = self.client.trusthub.v1
        profile_sid = self.sids[data["name"]]
        for resource in desired_resources([(data["name"], data, "x")]).values():
            if resource.kind != TRUST_PRODUCT:
                continue
            product = resource.product or ""
            spec = objects.product_bundle(data, product)
            extra = {"status_callback": spec.status_callback} if spec.status_callback else {}
            bundle = v1.trust_products.create(
                friendly_name=spec.friendly_name,
                email=spec.email,
                policy_sid=mapping.TRUST_PRODUCT_POLICY[product],
                **extra,
            )
            assign = v1.trust_products(bundle.sid).trust_products_entity_assignments
            user = objects.product_end_user(resource)
            if user is not None:
                assign.create(
                    object_sid=v1.end_users.create(
                        friendly_name=f"{resource.name} {user.type}"[:64],
                        type=user.type,
                        attributes=dict(user.attributes),
                    ).sid
                )
            assign.create(object_sid=profile_sid)
            self._numbers(
                v1.trust_products(bundle.sid).trust_products_channel_endpoint_assignment,
                product_numbers(data, product),
            )
            self.sids[resource.name] = bundle.sid

    def seed_messaging(self, data: dict[str, Any], *, services: dict[str, str]) -> None:
        """Register the profile's A2P brand (approved), a Messaging Service for each campaign
        named as `services` says (campaign -> friendly name: made by another tool, not
        trusthub) holding its numbers, the campaign on it, and its toll-free verifications,
        through the stock SDK, with the parameters apply would send."""
        messaging = self.client.messaging.v1
        name = data["name"]
        resources = desired_resources([(name, data, "x")])
        brand = next((r for r in resources.values() if r.kind == A2P_BRAND), None)
        if brand is not None:
            brand_type, skip, mock = a2p_brand.brand_params(brand.attributes)
            made = messaging.brand_registrations.create(
                customer_profile_bundle_sid=self.sids[name],
                a2p_profile_bundle_sid=self.sids[f"{name}/a2p_messaging"],
                brand_type=brand_type,
                skip_automatic_sec_vet=skip,
                mock=mock,
            )
            self.sandbox.approve(made.sid)
            self.sids[brand.name] = made.sid
        for r in resources.values():
            if r.kind == MESSAGING_SERVICE:
                service = messaging.services.create(
                    friendly_name=services[str(r.attributes["campaign"])],
                    usecase=str(r.attributes["usecase"]),
                )
                for e164 in r.numbers:
                    messaging.services(service.sid).phone_numbers.create(
                        phone_number_sid=self._number(e164)
                    )
                self.sids[r.name] = service.sid
        for r in resources.values():
            if r.kind == A2P_CAMPAIGN:
                service_sid = self.sids[str(r.attributes["service"])]
                made = messaging.services(service_sid).us_app_to_person.create(
                    **create_params(r, self.sids[brand.name if brand else ""])
                )
                self.sids[r.name] = made.sid
            elif r.kind == TOLLFREE_VERIFICATION:
                made = messaging.tollfree_verifications.create(
                    **tfv_params(r),
                    customer_profile_sid=self.sids[name],
                    tollfree_phone_number_sid=self._number(r.numbers[0]),
                )
                self.sids[r.name] = made.sid

    def _number(self, e164: str) -> str:
        found = self.client.incoming_phone_numbers.list(phone_number=e164, limit=1)
        return str(
            found[0].sid
            if found
            else self.client.incoming_phone_numbers.create(phone_number=e164).sid
        )

    def submit(self, name: str, *, approve: bool) -> None:
        sid = self.sids[name]
        family = (
            self.client.trusthub.v1.trust_products
            if "/" in name
            else self.client.trusthub.v1.customer_profiles
        )
        family(sid).update(status="pending-review")
        if approve:
            self.sandbox.approve(sid)


@pytest.fixture(scope="session")
def conformance() -> Conformance:
    return Conformance()


@pytest.fixture
def account(tmp_path: Path, conformance: Conformance) -> Iterator[Account]:
    with (
        Sandbox(tmp_path / "twilio-side.db") as sandbox,
        SandboxServer(sandbox, "127.0.0.1", 0).start() as server,
    ):
        checker = CheckingHttpClient(LoopbackHttpClient(server.url), conformance)
        client = server_client(
            server.url, sandbox.account_sid, sandbox.auth_token, http_client=checker
        )
        yield Account(sandbox, client, server.url, checker)
        assert checker.response_drifts == [], "\n".join(checker.response_drifts)
        assert checker.request_drifts == [], "\n".join(checker.request_drifts)


@pytest.fixture
def seeded(account: Account) -> Account:
    """An approved primary (made outside trusthub) with CNAM and SHAKEN/STIR approved, an
    approved secondary, and a secondary still a draft."""
    primary = example("acme-isv")
    primary["trust_products"] = {
        k: v for k, v in primary["trust_products"].items() if k != "voice_integrity"
    }
    psid = account.seed_console_primary(primary)
    account.seed_products(primary)
    for product in primary["trust_products"]:
        account.submit(f"acme-isv/{product}", approve=True)
    approved = example("greenfield-growers-coop")
    approved.pop("trust_products")
    account.seed_profile(approved, primary=psid)
    account.submit("greenfield-growers-coop", approve=True)
    account.seed_profile(example("thames-tea-partners"), primary=psid)
    return account


@dataclass
class Workspace:
    root: Path
    env: dict[str, str | None]

    def run(self, *args: str, code: int | None = 0) -> Result:
        return run_cli(*args, workspace=self.root, env=self.env, code=code, catch_exceptions=False)

    def files(self) -> dict[str, str]:
        return {p.name: p.read_text() for p in sorted((self.root / "profiles").glob("*.yaml"))}


@pytest.fixture
def workspace(tmp_path: Path, account: Account) -> Workspace:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "trusthub.yaml").write_text(
        "apiVersion: trusthub/v1\nkind: Workspace\nname: imported\ntarget: twilio\n",
        encoding="utf-8",
    )
    env: dict[str, str | None] = {
        "TWILIO_ACCOUNT_SID": account.sandbox.account_sid,
        "TWILIO_AUTH_TOKEN": account.sandbox.auth_token,
        "TRUSTHUB_TWILIO_BASE_URL": account.url,
        "TRUSTHUB_STATE": None,
    }
    return Workspace(root, env)
