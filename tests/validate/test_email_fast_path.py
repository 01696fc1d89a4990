"""The plain-address fast path of `email_syntax` gives email-validator's own answer."""

from __future__ import annotations

import email_validator
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trusthub.rules import email_syntax
from trusthub.rules.email_syntax import PLAIN_TOP_LEVEL, email_issue


def _library_accepts(address: str) -> bool:
    try:
        email_validator.validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except email_validator.EmailNotValidError:
        return False
    return True


def _fast_path_takes(address: str) -> bool:
    return len(address) <= 254 and "--" not in address and bool(email_syntax._PLAIN.match(address))


# Near-misses of plain addresses: the characters the pattern is about, and a few it refuses.
_LOCAL = st.text(alphabet="aZ09._+-!", min_size=1, max_size=12)
_LABEL = st.text(alphabet="ab0-X", min_size=0, max_size=8)
_TOP = st.sampled_from([*PLAIN_TOP_LEVEL, "test", "local", "invalid", "arpa", "onion", "Com", "c"])


@settings(max_examples=3000, deadline=None)
@given(local=_LOCAL, labels=st.lists(_LABEL, min_size=1, max_size=3), top=_TOP)
@example(local="dana", labels=["acme"], top="com")
@example(local="a" * 60, labels=["b" * 63, "c" * 63, "d" * 63], top="com")
@example(local="x", labels=["ab--cd"], top="com")
@example(local="x", labels=["xn--bcher-kva"], top="com")
def test_an_address_the_fast_path_takes_is_one_the_library_accepts(
    local: str, labels: list[str], top: str
) -> None:
    address = f"{local}@{'.'.join([*labels, top])}"
    if _fast_path_takes(address):
        assert _library_accepts(address), address
    if len(local) <= 64:  # over it, email_issue refuses before either runs
        assert (email_issue(address) is None) == _library_accepts(address), address


def test_the_generated_profiles_addresses_take_the_fast_path() -> None:
    for address in (
        "priya.raman@brightsmile-dental.example.com",
        "trust+client-00042-dental@acme-messaging.example.com",
        "ava.abbott1@client-00001-labs.example.com",
    ):
        assert _fast_path_takes(address)
        assert _library_accepts(address)


def test_no_special_use_name_of_the_library_is_under_a_fast_top_level_domain() -> None:
    for name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        assert name.rpartition(".")[2] not in PLAIN_TOP_LEVEL, name
