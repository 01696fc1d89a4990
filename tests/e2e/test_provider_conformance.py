"""Every request the provider sends and every response the sandbox returns, over a whole
lifecycle, validated against Twilio's OpenAPI specs (vendored in `tests/support/openapi/`)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from tests.support.conformance import CheckingHttpClient, Conformance
from tests.support.console import console_primaries
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.target import open_target
from trusthub.config.settings import default_settings
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]


def test_provider_requests_and_sandbox_responses_match_the_openapi_specs(
    tmp_path: Path,
) -> None:
    shutil.copytree(REPO / "profiles", tmp_path / "profiles")
    base = default_settings(tmp_path)
    settings = replace(base, sandbox=replace(base.sandbox, review_delay=86400.0))
    console_primaries(settings)
    target = open_target(settings)
    checker = CheckingHttpClient(target.retrying.inner, Conformance(), strict=False)
    target.retrying.inner = checker
    sandbox = checker.sandbox

    def cycle() -> None:
        workspace = load_valid(settings)
        with open_store(settings.state, settings.name) as store:
            refresh_state(store, target, actor="test")
            planned = make_plan(settings, store, workspace)
            outcome = apply_plan(
                planned, store, target, workspace=settings.name, actor="test", parallelism=4,
                progress=lambda a, m: None, on_done=lambda a, e: None,
            )  # fmt: skip
            assert outcome.ok, outcome.failed

    def bundle(name: str) -> str:
        with open_store(settings.state, settings.name) as store:
            kind = "trust_product" if "/" in name else "profile"
            return store.sids(kind, name)["bundle"]

    cycle()  # create everything, submit the primaries
    sandbox.approve(bundle("acme-isv"))
    cycle()  # submit secondaries, create and submit the primary's trust products
    sandbox.approve(bundle("brightsmile-dental"))
    sandbox.reject(bundle("maple-leaf-freight"), "[business_name] - Name mismatch.")
    cycle()  # brightsmile's trust products
    path = tmp_path / "profiles" / "maple-leaf-freight.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Freight Corporation", "Freight Corp."),
        encoding="utf-8",
    )
    (tmp_path / "profiles" / "thames-tea-partners.yaml").unlink()  # in review: refused
    (tmp_path / "profiles" / "greenfield-growers-coop.yaml").unlink()  # in review: refused
    workspace = load_valid(settings)
    with open_store(settings.state, settings.name) as store:
        planned = make_plan(settings, store, workspace)
    assert {a.resource for a in planned.plan.refused} == {
        "thames-tea-partners",
        "greenfield-growers-coop",
    }
    shutil.copy(REPO / "profiles" / "thames-tea-partners.yaml", tmp_path / "profiles")
    shutil.copy(REPO / "profiles" / "greenfield-growers-coop.yaml", tmp_path / "profiles")
    cycle()  # maple's update and resubmission

    assert checker.exchanges > 100
    assert checker.drifts == []
