"""The North American fast path of `phone_facts` gives phonenumbers' own answers."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import phonenumbers
import pytest

from trusthub.model import nanp_metadata, phone_facts
from trusthub.model.phone_facts import (
    INVALID,
    NumberFacts,
    authoritative,
    country_code,
    facts_of,
    forget,
    metadata_snapshot,
    number_facts,
    remember,
    write_snapshot,
)


def _sample(seed: int = 18) -> list[str]:
    """Every area code 200-999, and under each one exchanges starting with every digit
    (N11, 555, 0xx and 1xx included), three random numbers each: 24,000 numbers of every
    region of +1, valid, invalid and toll-free."""
    rng = random.Random(seed)
    numbers = []
    for area in range(200, 1000):
        for first in range(10):
            for _ in range(3):
                exchange = f"{first}{rng.randint(0, 99):02d}"
                numbers.append(f"+1{area}{exchange}{rng.randint(0, 9999):04d}")
    return numbers


def test_fast_path_agrees_with_phonenumbers_on_a_large_sample() -> None:
    forget()
    sample = _sample()
    fast = {n: number_facts(n) for n in sample}
    slow = {n: authoritative(n) for n in sample}
    differ = [(n, fast[n], slow[n]) for n in sample if fast[n] != slow[n]]
    assert differ == []
    # The sample reaches what the fast path decides: many regions, both outcomes, toll-free.
    regions = {f.region for f in slow.values()}
    assert {"US", "CA", "PR", "JM", "DO", "BS", None} <= regions
    assert any(f.toll_free for f in slow.values())
    assert sum(f.valid for f in slow.values()) > 6_000
    assert sum(not f.valid for f in slow.values()) > 3_000


def test_the_fast_path_takes_the_numbers_of_its_shape_only() -> None:
    forget()
    assert phone_facts._NANP.fullmatch("+14155550100")
    for other in ("+442071838750", "+10155550100", "+1415555010", "+141555501000", "+1٤155550100"):
        assert not phone_facts._NANP.fullmatch(other)
        assert number_facts(other) == authoritative(other)


def test_known_answers() -> None:
    forget()
    assert number_facts("+14155550100") == NumberFacts(True, "US", False)
    assert number_facts("+18005550100") == NumberFacts(True, "US", True)
    assert number_facts("+14165550100")[1] == "CA"
    assert number_facts("+442071838750") == NumberFacts(True, "GB", False)
    assert number_facts("+10005550100") == INVALID
    assert number_facts("+999") == INVALID


def test_country_code_agrees_with_phonenumbers() -> None:
    for number in [*_sample(3)[::40], "+442071838750", "+4915112345678", "+33612345678"]:
        assert country_code(number) == phonenumbers.parse(number, None).country_code
    assert country_code("+999") is None


def test_facts_found_elsewhere_are_taken_without_a_lookup() -> None:
    forget()
    found = facts_of(["+14155550100", "+442071838750"])
    forget()
    remember(found)
    assert phone_facts._memo == found


# The snapshot serves only the phonenumbers release it was taken from (a newer release,
# which a fresh install may bring, makes the fast path read phonenumbers itself: correct,
# only slower). The two tests of the snapshot itself say so rather than fail then.
_SNAPSHOT_STALE = pytest.mark.skipif(
    phonenumbers.__version__ != nanp_metadata.PHONENUMBERS_VERSION,
    reason=f"phonenumbers {phonenumbers.__version__} is installed, the shipped +1 metadata "
    f"is of {nanp_metadata.PHONENUMBERS_VERSION}: run phone_facts.write_snapshot()",
)


@_SNAPSHOT_STALE
def test_the_shipped_metadata_is_phonenumbers_own(tmp_path: Path) -> None:
    """`nanp_metadata` is what `write_snapshot` takes from the installed phonenumbers (after
    upgrading phonenumbers, run `write_snapshot()`: until then the fast path reads
    phonenumbers itself, as this test's second half shows)."""
    version, regions = metadata_snapshot()
    assert (version, regions) == (nanp_metadata.PHONENUMBERS_VERSION, nanp_metadata.REGIONS)
    written = tmp_path / "nanp_metadata.py"
    write_snapshot(written)
    assert written.read_text(encoding="utf-8") == Path(nanp_metadata.__file__).read_text(
        encoding="utf-8"
    )


@_SNAPSHOT_STALE
def test_a_validate_of_north_american_numbers_does_not_import_phonenumbers() -> None:
    code = (
        "import sys\n"
        "from trusthub.model.phone_facts import number_facts\n"
        "facts = number_facts('+14155550123'), number_facts('+18005550199')\n"
        "assert 'phonenumbers' not in sys.modules, 'imported'\n"
        "print(facts)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    expected = (authoritative("+14155550123"), authoritative("+18005550199"))
    assert done.stdout.strip() == str(expected)


def test_metadata_of_another_phonenumbers_version_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nanp_metadata, "PHONENUMBERS_VERSION", "0.0.0")
    monkeypatch.setattr(nanp_metadata, "REGIONS", ())  # would find every number invalid
    monkeypatch.setattr(phone_facts, "_codes", None)
    monkeypatch.setattr(phone_facts, "_regions", {})
    forget()
    try:
        sample = _sample()[::40]
        assert [number_facts(n) for n in sample] == [authoritative(n) for n in sample]
    finally:
        forget()
