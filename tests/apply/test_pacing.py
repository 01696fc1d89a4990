"""Twilio's pacing (reference K: at most one brand registration request a second) while the
rest of an apply stays parallel: the `Pacer` spaces the requests of one key at least a
second apart, thread-safely, and only the kinds that declare a `pace` pass through it."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

from tests.support.console import console_primaries
from tests.support.example import copy_example
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.target import Target, open_target
from trusthub.apply.kinds import APPLIERS
from trusthub.apply.pacing import Pace, Pacer
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model.kinds import A2P_BRAND, A2P_CAMPAIGN, PROFILE
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
BRAND = Pace("brands", per_second=1.0)


class FrozenClock:
    """Time stands still; every sleep is recorded (a request's start = its sleep)."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def now(self) -> float:
        return 100.0

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)


class SpyPacer(Pacer):
    def __init__(self, clock: FrozenClock) -> None:
        super().__init__(clock=clock.now, sleep=clock.sleep)
        self.keys: list[str] = []

    def wait(self, pace: Pace) -> None:
        self.keys.append(pace.key)
        super().wait(pace)


def test_requests_of_one_key_start_a_second_apart_from_many_threads() -> None:
    clock = FrozenClock()
    pacer = Pacer(clock=clock.now, sleep=clock.sleep)
    threads = [threading.Thread(target=pacer.wait, args=(BRAND,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The first starts at once, the others 1, 2, ... 7 seconds later: one a second.
    assert sorted(clock.sleeps) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]


def test_keys_are_paced_apart_and_a_free_slot_is_not_waited_for() -> None:
    clock = FrozenClock()
    pacer = Pacer(clock=clock.now, sleep=clock.sleep)
    pacer.wait(BRAND)
    pacer.wait(Pace("campaigns", per_second=1.0))  # another key: no wait
    assert clock.sleeps == []
    pacer.wait(Pace("fast", per_second=4.0))
    pacer.wait(Pace("fast", per_second=4.0))
    assert clock.sleeps == [0.25]


def test_only_the_brand_and_campaign_kinds_declare_a_pace_and_share_it() -> None:
    paced = {name: a.pace for name, a in APPLIERS.items() if a.pace is not None}
    pace = Pace("a2p brand registrations", per_second=1.0)
    # Twilio limits brand and campaign requests together (reference K): one key.
    assert paced == {A2P_BRAND: pace, A2P_CAMPAIGN: pace}


# -- through a real apply on the sandbox ---------------------------------------------------

EXTRA_BRANDS = ("brightsmile-dental-b", "brightsmile-dental-c")


def _clone(profiles: Path, name: str, number: str, *, brand: bool) -> None:
    text = (profiles / "brightsmile-dental.yaml").read_text()
    text = text.split("toll_free_verifications:")[0]  # the toll-free number is the original's
    text = text.split("    campaigns:")[0]  # and so are the campaigns' numbers
    text = text.replace("name: brightsmile-dental", f"name: {name}")
    text = re.sub(r"phone_numbers: \[.*\]", f'phone_numbers: ["{number}"]', text)
    if not brand:
        text = re.sub(r"    brand:\n(      .*\n)+", "", text)
    (profiles / f"{name}.yaml").write_text(text)


def _workspace(tmp_path: Path) -> tuple[Settings, Target]:
    copy_example(tmp_path)
    for i, name in enumerate(EXTRA_BRANDS):
        _clone(tmp_path / "profiles", name, f"+1512555016{i}", brand=True)
    base = load_settings(tmp_path, environ={})
    settings = replace(base, sandbox=replace(base.sandbox, review_delay=0.0))
    console_primaries(settings)
    return settings, open_target(settings)


def _cycle(settings: Settings, target: Target, pacer: Pacer | None = None) -> list[str]:
    """Plan and apply once; the ids of the actions applied."""
    workspace = load_valid(settings)
    with open_store(settings.state, settings.name) as store:
        refresh_state(store, target, actor="test")
        planned = make_plan(settings, store, workspace)
        outcome = apply_plan(
            planned, store, target, workspace=settings.name, actor="test", parallelism=8,
            progress=lambda a, m: None, on_done=lambda a, e: None, pacer=pacer,
        )  # fmt: skip
        assert outcome.ok, outcome.failed
        return outcome.done


def _approve(settings: Settings, target: Target, *names: str) -> None:
    sandbox = target.retrying.inner.sandbox
    with open_store(settings.state, settings.name) as store:
        for name in names:
            sandbox.approve(store.sids(PROFILE, name)["bundle"])


def test_brand_creates_in_one_apply_are_a_second_apart_a_profile_create_is_not_delayed(
    tmp_path: Path,
) -> None:
    settings, target = _workspace(tmp_path)
    first = _cycle(settings, target)  # the primary adopted, the secondaries created, submitted
    assert [d for d in first if d.endswith("/a2p-brand:create")] == [
        "brightframe-photo/a2p-brand:create"
    ]
    _approve(settings, target, "brightsmile-dental", *EXTRA_BRANDS)
    # The apply that creates the brands also creates a new profile.
    _clone(settings.profiles_dir, "late-dental", "+15125550170", brand=False)
    clock = FrozenClock()
    pacer = SpyPacer(clock)
    done = _cycle(settings, target, pacer)

    # Five brands: brightsmile-dental and its two clones (approved above), and the example's
    # harbor-yoga-studio and northwind-outfitters, which the sandbox approved at this
    # refresh (review_delay 0): their A2P products are created and submitted in this apply
    # and the brand follows the submission. brightframe-photo's (sole proprietor) was
    # created by the first apply: its chain waits for no approval.
    brands = [d for d in done if d.endswith("/a2p-brand:create")]
    assert sorted(brands) == sorted(
        f"{p}/a2p-brand:create"
        for p in ("brightsmile-dental", *EXTRA_BRANDS, "harbor-yoga-studio", "northwind-outfitters")
    )
    assert "late-dental:create" in done
    # One pacer slot per brand registration, a second apart: starts at +0, +1, ... +4 s.
    assert pacer.keys == ["a2p brand registrations"] * 5
    assert sorted(clock.sleeps) == [1.0, 2.0, 3.0, 4.0]
    # Nothing else waited: the profile's create (and every other action) passed no pacer.
    assert len([d for d in done if not d.endswith("/a2p-brand:create")]) > 1
    with open_store(settings.state, settings.name) as store:
        assert store.sids(PROFILE, "late-dental")["bundle"]
