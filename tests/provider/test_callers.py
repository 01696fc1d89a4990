"""Apply and refresh against `TrustHubProvider`: the project's errors are what they catch.
The sandbox target, with chosen calls failing the way Twilio fails them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.console import console_primaries
from tests.support.example import copy_example
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.target import Target, open_target
from trusthub.apply.executor import Outcome
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.errors import ProviderError
from trusthub.model import lifecycle as lc
from trusthub.provider.api import BundleFamily, TrustHubProvider
from trusthub.provider.errors import (
    CREDENTIALS_HINT,
    AuthenticationFailed,
    RemoteNotFound,
    RemoteRefused,
    UnexpectedAnswer,
    Unreachable,
)
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]


class Faulty:
    """A provider whose named calls are replaced; every other call goes to `inner`."""

    def __init__(self, inner: TrustHubProvider, **calls: Callable[..., Any]) -> None:
        self.inner = inner
        self.calls = calls

    def __getattr__(self, name: str) -> Any:
        return self.calls.get(name) or getattr(self.inner, name)


def faulty(target: Target, **calls: Callable[..., Any]) -> Target:
    return replace(target, api=cast(TrustHubProvider, Faulty(target.api, **calls)))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    copy_example(tmp_path)
    base = load_settings(tmp_path, environ={})
    settings = replace(base, sandbox=replace(base.sandbox, review_delay=86400.0))
    console_primaries(settings)
    return settings


def cycle(settings: Settings, target: Target) -> Outcome:
    workspace = load_valid(settings)
    with open_store(settings.state, settings.name) as store:
        planned = make_plan(settings, store, workspace)
        return apply_plan(
            planned, store, target, workspace=settings.name, actor="test", parallelism=2,
            progress=lambda a, m: None, on_done=lambda a, e: None,
        )  # fmt: skip


def refused(code: int) -> RemoteRefused:
    return RemoteRefused(status=400, code=code, detail="Business status does not allow updates")


def test_a_submit_refused_because_it_already_happened_counts_as_submitted(
    settings: Settings,
) -> None:
    target = open_target(settings)

    def submit_twice(family: BundleFamily, sid: str) -> Any:
        target.api.submit(family, sid)  # took effect, then the answer was lost: the retry
        raise refused(lc.EDIT_REFUSED_CODE)

    outcome = cycle(settings, faulty(target, submit=submit_twice))  # submits the secondaries
    assert outcome.ok, outcome.failed
    with open_store(settings.state, settings.name) as store:
        resource = store.resource("profile", "brightsmile-dental")
        assert resource is not None
        assert resource.status in lc.UNDER_REVIEW  # the fetch after the refusal says so


@pytest.mark.parametrize("code", [22204, 21000])
def test_a_refused_retry_is_recognised_by_the_status_whatever_the_code(
    settings: Settings, code: int
) -> None:
    target = open_target(settings)

    def submit_twice(family: BundleFamily, sid: str) -> Any:
        target.api.submit(family, sid)
        raise refused(code)

    outcome = cycle(settings, faulty(target, submit=submit_twice))  # submits the secondaries
    assert outcome.ok, outcome.failed
    with open_store(settings.state, settings.name) as store:
        resource = store.resource("profile", "brightsmile-dental")
        assert resource is not None
        assert resource.status in lc.UNDER_REVIEW


def test_another_refusal_of_a_submit_fails_the_action_with_twilio_s_words(
    settings: Settings,
) -> None:
    target = open_target(settings)

    def submit(kind: str, sid: str) -> Any:
        raise refused(21000)

    outcome = cycle(settings, faulty(target, submit=submit))
    assert outcome.failed["brightsmile-dental:submit"] == (
        "Twilio error 21000: Business status does not allow updates"
    )


def test_objects_already_gone_are_not_an_error_when_deleting(settings: Settings) -> None:
    path = Path(settings.root) / "profiles" / "brightsmile-dental.yaml"  # a draft: deletable
    path.write_text(path.read_text(encoding="utf-8") + "submit: false\n", encoding="utf-8")
    target = open_target(settings)
    assert cycle(settings, target).ok
    (Path(settings.root) / "profiles" / "brightsmile-dental.yaml").unlink()

    def gone(sid: str) -> None:
        raise RemoteNotFound(status=404, code=20404, detail=f"The requested resource {sid}")

    outcome = cycle(settings, faulty(target, delete_end_user=gone, delete_document=gone))
    assert outcome.ok, outcome.failed
    # Its Messaging Services go first (the profile's deletion follows its children).
    assert outcome.done[-1] == "brightsmile-dental:delete"
    assert sorted(outcome.done[:-1]) == [
        "brightsmile-dental/messaging-service-offers:delete",
        "brightsmile-dental/messaging-service-reminders:delete",
    ]


def test_refresh_records_a_missing_bundle_and_explains_the_rest(settings: Settings) -> None:
    target = open_target(settings)
    assert cycle(settings, target).ok

    def fetching(error: ProviderError) -> Target:
        # Refresh reads bundles through the list (and fetches one the list lacks): both fail,
        # except that a gone bundle is simply not listed.
        def fetch_bundle(kind: str, sid: str) -> Any:
            raise error

        def list_bundles(kind: str) -> Any:
            if isinstance(error, RemoteNotFound):
                return []
            raise error

        return faulty(target, fetch_bundle=fetch_bundle, list_bundles=list_bundles)

    with open_store(settings.state, settings.name) as store:
        cases = [
            (
                AuthenticationFailed(status=401, code=20003, detail="Authentication Error"),
                "Twilio error 20003: Authentication Error",
                CREDENTIALS_HINT,
            ),
            (
                Unreachable("ConnectionError", "GET https://x failed 6 times"),
                "ConnectionError: GET https://x failed 6 times",
                "check the connection to Trust Hub and try again",
            ),
            (
                UnexpectedAnswer("Trust Hub answered status 'frozen'"),
                "Trust Hub answered status 'frozen'",
                "this version of trusthub does not know it: upgrade trusthub",
            ),
        ]
        for error, message, hint in cases:
            with pytest.raises(ProviderError) as failed:
                refresh_state(store, fetching(error), actor="test")
            assert failed.value.message.startswith("cannot refresh ")
            assert failed.value.message.endswith(f": {message}")
            assert failed.value.hint == hint

        # Last: a bundle gone from Trust Hub is forgotten (a "gone" entry), so the plan
        # shows it as a create instead of failing on its dead SID.
        gone = RemoteNotFound(status=404, code=20404, detail="The requested resource")
        result = refresh_state(store, fetching(gone), actor="test")
        # What is not a bundle of the parent is read as before: the five Messaging Services
        # (brightsmile-dental's two, one each for brightframe-photo, harbor-yoga-studio and
        # northwind-outfitters), brightframe-photo's brand (a sole proprietor's, registered
        # by the first apply), the subaccount northwind, and northwind-outfitters' bundle,
        # read with the subaccount's own credentials (not through the faulty parent API).
        assert result.read == 8
        assert "acme-isv" in result.missing
        assert "northwind-outfitters" not in result.missing
        assert store.resource("profile", "acme-isv") is None
        assert store.audit("acme-isv")[-1].action == "gone"


def test_shaken_stir_is_submitted_without_an_evaluation(settings: Settings) -> None:
    """Twilio's SHAKEN/STIR onboarding has no evaluation step; the other products have one
    (declared per product in trusthub.model.requirements.NEEDS)."""
    settings = replace(settings, sandbox=replace(settings.sandbox, review_delay=0.0))
    target = open_target(settings)
    evaluated: list[str] = []

    def evaluate(family: BundleFamily, sid: str, policy_sid: str) -> Any:
        evaluated.append(policy_sid)
        return target.api.evaluate(family, sid, policy_sid)

    assert cycle(settings, faulty(target, evaluate=evaluate)).ok  # the profiles
    with open_store(settings.state, settings.name) as store:
        refresh_state(store, target, actor="test")  # approved
    assert cycle(settings, faulty(target, evaluate=evaluate)).ok  # then their products
    with open_store(settings.state, settings.name) as store:
        shaken = store.resource("trust_product", "acme-isv/shaken_stir")
        cnam = store.resource("trust_product", "acme-isv/cnam")
    assert shaken is not None
    assert shaken.status is not None
    assert shaken.evaluation is None
    assert cnam is not None
    assert cnam.evaluation is not None
    assert "RN7a97559effdf62d00f4298208492a5ea" not in evaluated
    assert "RNf3db3cd1fe25fcfd3c3ded065c8fea53" in evaluated
