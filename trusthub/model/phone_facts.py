"""What trusthub needs to know of a phone number: whether it is valid, its region and whether
it is toll-free, with phonenumbers (libphonenumber's metadata) as the authority.

phonenumbers' `parse` + `number_type` cost about 45 us a number, most of it building the
parsed object and walking the 25 regions of country code 1 through generic code. Nearly all
numbers in a workspace are North American (+1 and ten digits), so those take a fast path
that asks the same questions of the same metadata, compiled once: phonenumbers'
`region_code_for_number` (each region of +1 in its order: a region with leading digits
claims a number that starts with them, another one a number its patterns accept) and
`_number_type_helper` (the general pattern first, then premium rate, toll-free, ... in
phonenumbers' order). A number of that shape starting with 2-9 is parsed by phonenumbers
without any rewriting (no national prefix to strip, no leading zero), so its ten digits are
the national number phonenumbers would test. Anything else (another country, another shape)
goes to phonenumbers itself. `tests/model/test_phone_facts.py` holds the fast path to
phonenumbers' own answers on a large generated sample. The metadata of the regions of +1
ships with trusthub (`nanp_metadata`, written by `write_snapshot` from phonenumbers) and is
used while the installed phonenumbers is of the version it was taken from, so validating
North American numbers does not import phonenumbers (about 25 ms of a one-file validate).

Facts are memoised per number (the same numbers are asked for by several rules, and by the
plan), and can be handed over in bulk (`remember`): the validation cache keeps the facts
its workers found, so a plan does not look the numbers up again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple

from trusthub.common.fingerprint import installed_version


class NumberFacts(NamedTuple):
    valid: bool
    region: str | None  # ISO 3166-1 alpha-2, or None when no region has numbers like it
    toll_free: bool


INVALID: Final = NumberFacts(False, None, False)
# +1, then ten digits of which the first (the area code's) is 2-9: see the docstring.
_NANP: Final = re.compile(r"\+1[2-9][0-9]{9}")
_MEMO_LIMIT: Final = 200_000  # numbers; a full memo starts again rather than grow

_memo: dict[str, NumberFacts] = {}


def number_facts(e164: str) -> NumberFacts:
    """(valid, region, toll-free) of an E.164 number."""
    facts = _memo.get(e164)
    if facts is None:
        if len(_memo) >= _MEMO_LIMIT:
            _memo.clear()
        facts = _memo[e164] = _lookup(e164)
    return facts


def remember(known: Mapping[str, NumberFacts]) -> None:
    """Take facts found elsewhere (a worker process, the validation cache, which checks
    what it reads)."""
    if len(_memo) + len(known) > _MEMO_LIMIT:
        return  # looked up when asked
    _memo.update(known)


def facts_of(numbers: Iterable[str]) -> dict[str, NumberFacts]:
    """The facts of `numbers` (for handing over with `remember`)."""
    return {n: number_facts(n) for n in numbers}


def forget() -> None:
    """Drop the memo (benchmarks: cold means no number looked up before)."""
    _memo.clear()


def country_code(e164: str) -> int | None:
    """The country calling code of an E.164 number (None when phonenumbers cannot parse
    it). Codes are prefix-free and 1 is one, so every `+1...` number of the fast path's
    shape has code 1."""
    if _NANP.fullmatch(e164):
        return 1
    import phonenumbers

    try:
        code = phonenumbers.parse(e164, None).country_code
    except phonenumbers.NumberParseException:
        return None
    return int(code) if code is not None else None


def _lookup(e164: str) -> NumberFacts:
    if _NANP.fullmatch(e164):
        return _north_american(e164[2:])
    return authoritative(e164)


def authoritative(e164: str) -> NumberFacts:
    """phonenumbers' own answer (the fast path's reference)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return INVALID
    # number_type() is UNKNOWN exactly when is_valid_number() is False (both look up the
    # region and match the same patterns), so one call answers both: a third less work.
    kind = phonenumbers.number_type(parsed)
    valid = kind != phonenumbers.PhoneNumberType.UNKNOWN
    toll_free = kind == phonenumbers.PhoneNumberType.TOLL_FREE
    return NumberFacts(valid, phonenumbers.region_code_for_number(parsed), toll_free)


# --- the North American fast path ---------------------------------------------------------


class _Desc:
    """A PhoneNumberDesc: its possible lengths (empty: any) and its pattern, compiled when
    first needed (a US number never needs the other regions' patterns, and compiling them
    all would cost a one-file `trusthub validate` more than it saves)."""

    __slots__ = ("_pattern", "lengths", "source")

    def __init__(self, lengths: frozenset[int], source: str) -> None:
        self.lengths = lengths
        self.source = source
        self._pattern: re.Pattern[str] | None = None

    def matches(self, national: str) -> bool:
        if self.lengths and len(national) not in self.lengths:
            return False
        pattern = self._pattern
        if pattern is None:
            pattern = self._pattern = re.compile(self.source)
        return pattern.fullmatch(national) is not None


_VALID, _TOLL_FREE, _UNKNOWN = "valid", "toll-free", "unknown"


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    leading: re.Pattern[str] | None  # metadata.leading_digits
    general: _Desc | None
    # premium rate, toll-free, shared cost, VoIP, personal, pager, UAN, voicemail: in the
    # order _number_type_helper tries them, with what a match means here.
    special: tuple[tuple[_Desc, str], ...]
    fixed_line: _Desc | None
    mobile: _Desc | None
    same_mobile_and_fixed_line: bool

    def kind(self, national: str) -> str:
        """phonenumbers' `_number_type_helper`, answering valid / toll-free / unknown."""
        if self.general is None or not self.general.matches(national):
            return _UNKNOWN
        for desc, meaning in self.special:
            if desc.matches(national):
                return meaning
        if self.fixed_line is not None and self.fixed_line.matches(national):
            return _VALID
        if self.same_mobile_and_fixed_line:
            return _UNKNOWN
        if self.mobile is not None and self.mobile.matches(national):
            return _VALID
        return _UNKNOWN


_codes: tuple[str, ...] | None = None  # the regions of +1, in phonenumbers' order
_regions: dict[str, _Region | None] = {}  # built on first use

# A region of +1 as `metadata_snapshot` describes it: (code, leading digits, general desc,
# special descs with their meaning, fixed line, mobile, same mobile and fixed line), each
# desc (possible lengths, pattern).
Desc = tuple[tuple[int, ...], str]
RegionSnapshot = tuple[
    str, str | None, Desc | None, tuple[tuple[Desc, str], ...], Desc | None, Desc | None, bool
]


def _north_american(national: str) -> NumberFacts:
    for code in _codes if _codes is not None else _load_codes():
        region = _regions[code] if code in _regions else _load_region(code)
        if region is None:
            continue
        if region.leading is not None:
            if region.leading.match(national):
                kind = region.kind(national)
                return NumberFacts(kind != _UNKNOWN, region.code, kind == _TOLL_FREE)
            continue
        kind = region.kind(national)
        if kind != _UNKNOWN:
            return NumberFacts(True, region.code, kind == _TOLL_FREE)
    return INVALID


def _load_codes() -> tuple[str, ...]:
    """The regions of +1: from the snapshot of phonenumbers' metadata that ships with
    trusthub (`nanp_metadata`) when it is of the installed phonenumbers, so a one-file
    `trusthub validate` of North American numbers does not import phonenumbers (about
    25 ms); else from phonenumbers itself."""
    global _codes
    from trusthub.model import nanp_metadata

    if installed_version("phonenumbers", "phonenumbers") == nanp_metadata.PHONENUMBERS_VERSION:
        _codes = tuple(region[0] for region in nanp_metadata.REGIONS)
        for snapshot in nanp_metadata.REGIONS:
            _regions[snapshot[0]] = _region_of(snapshot)
        return _codes
    import phonenumbers

    _codes = tuple(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
    return _codes


def _load_region(code: str) -> _Region | None:
    snapshot = _region_snapshot(code)
    region = _regions[code] = _region_of(snapshot) if snapshot is not None else None
    return region


def _region_of(snapshot: RegionSnapshot) -> _Region:
    code, leading, general, special, fixed_line, mobile, same = snapshot
    return _Region(
        code,
        re.compile(leading) if leading is not None else None,
        _desc_of(general),
        tuple((d, meaning) for desc, meaning in special if (d := _desc_of(desc)) is not None),
        _desc_of(fixed_line),
        _desc_of(mobile),
        same,
    )


def _desc_of(desc: Desc | None) -> _Desc | None:
    return _Desc(frozenset(desc[0]), desc[1]) if desc is not None else None


def metadata_snapshot() -> tuple[str, tuple[RegionSnapshot, ...]]:
    """The installed phonenumbers' version and the metadata of the regions of +1 the fast
    path reads, in phonenumbers' order (what `nanp_metadata` holds: `write_snapshot`)."""
    import phonenumbers

    codes = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]
    regions = tuple(r for code in codes if (r := _region_snapshot(code)) is not None)
    return str(phonenumbers.__version__), regions


def write_snapshot(path: Path | None = None) -> None:
    """Write `nanp_metadata.py` from the installed phonenumbers (after upgrading it):
    `python -c "from trusthub.model.phone_facts import write_snapshot; write_snapshot()"`."""
    version, regions = metadata_snapshot()
    target = path or Path(__file__).with_name("nanp_metadata.py")
    lines = [
        '"""The metadata of the regions of +1 that `phone_facts`\' fast path reads, taken from',
        "phonenumbers by `phone_facts.write_snapshot` (generated: do not edit). Used only while",
        "the installed phonenumbers is of this version; `tests/model/test_phone_facts.py` holds",
        'it to phonenumbers\' own metadata."""',
        "",
        "# ruff: noqa: E501",
        "# fmt: off",
        f"PHONENUMBERS_VERSION = {version!r}",
        "REGIONS = (",
        *(f"    {region!r}," for region in regions),
        ")",
        "",
    ]
    target.write_text("\n".join(lines), encoding="utf-8")


def _region_snapshot(code: str) -> RegionSnapshot | None:
    from phonenumbers.phonemetadata import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region(code.upper(), None)
    if meta is None:
        return None
    special = [
        (meta.premium_rate, _VALID),
        (meta.toll_free, _TOLL_FREE),
        (meta.shared_cost, _VALID),
        (meta.voip, _VALID),
        (meta.personal_number, _VALID),
        (meta.pager, _VALID),
        (meta.uan, _VALID),
        (meta.voicemail, _VALID),
    ]
    return (
        code,
        str(meta.leading_digits) if meta.leading_digits is not None else None,
        _desc(meta.general_desc),
        tuple((d, m) for desc, m in special if (d := _desc(desc)) is not None),
        _desc(meta.fixed_line),
        _desc(meta.mobile),
        bool(meta.same_mobile_and_fixed_line_pattern),
    )


def _desc(desc: object) -> Desc | None:
    """None where phonenumbers' `_is_number_matching_desc` can never be true (no desc, no
    pattern)."""
    if desc is None:
        return None
    pattern = getattr(desc, "national_number_pattern", None)
    if not pattern:
        return None
    return tuple(sorted(getattr(desc, "possible_length", ()) or ())), str(pattern)
