from __future__ import annotations

import re

import pytest

from trusthub.rules import (
    DOCUMENT_RULES,
    RULES,
    WORKSPACE_RULES,
    a2p_campaign_use_case,
    one_primary_per_type,
)
from trusthub.rules.email_syntax import email_issue
from trusthub.rules.names import skeleton
from trusthub.rules.registration_number import _acn_ok, _luhn_ok
from trusthub.rules.url_format import url_issue


def test_registry_holds_every_rule_once_with_a_kebab_case_id_and_user_docs() -> None:
    ids = [rule.ID for rule in DOCUMENT_RULES] + [rule.ID for rule in WORKSPACE_RULES]
    assert len(ids) == len(set(ids)) == len(RULES)
    for rule_id, rule in RULES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id)
        doc = getattr(rule, "__doc__", None) or ""
        assert len(doc.strip().splitlines()) >= 3, f"{rule_id} needs user documentation"


def test_one_primary_per_type_explains_the_decision() -> None:
    doc = one_primary_per_type.__doc__ or ""
    assert "individual profile can never be a secondary" in " ".join(doc.split())


@pytest.mark.parametrize(
    ("number", "ok"), [("123456782", True), ("123456789", False), ("046454286", True)]
)
def test_cbn_luhn_check_digit(number: str, ok: bool) -> None:
    assert _luhn_ok(number) is ok


@pytest.mark.parametrize(
    ("number", "ok"), [("004085616", True), ("000000019", True), ("004085617", False)]
)
def test_acn_check_digit(number: str, ok: bool) -> None:
    assert _acn_ok(number) is ok


@pytest.mark.parametrize(
    ("a", "b"),
    [("Acme Dental", "ACME  dental"), ("аcme", "acme"), ("ac\u200bme", "acme"), ("ｱ", "ア")],
)
def test_names_that_look_the_same_have_one_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("dana@acme.example.com", True),
        ("dana.o'neil+trust@acme.co.uk", True),
        ("x@xn--mnchen-3ya.de", True),
        ("dana@acme", False),
        ('"dana w"@acme.com', False),
        ("dana@[10.0.0.1]", False),
        ("dana@-acme.com", False),
        ("dana..w@acme.com", False),
        ("priya@bücher.example", True),
        ("priya@xn--bcher-kva.example", True),
        ("dāna@acme.com", False),
        ("dana@localhost", False),
        ("dana@acme.invalid", False),
        ("dana@acme.com.", False),
        ("dana.@acme.com", False),
        ("a" * 65 + "@acme.com", False),
    ],
)
def test_email_syntax(address: str, ok: bool) -> None:
    issue = email_issue(address)
    assert (issue is None) is ok
    assert issue is None or address.rpartition("@")[2] not in issue


@pytest.mark.parametrize(
    ("url", "issue"),
    [
        ("https://acme.example.com/a?b#c", None),
        ("https://acme.example.com:8443", None),
        ("https://8.8.8.8/", None),
        ("https://acme.example.com:99999/", "cannot be parsed (Port out of range 0-65535)"),
        ("https://acme .example.com/", "contains white space; encode spaces as %20"),
        ("https://user:pw@acme.example.com/", "must not contain a user name or password"),
        ("https://intranet/", "has no valid host name (expected a name like www.example.com)"),
        ("https://192.168.1.1/", "points at a private or local address that Twilio cannot reach"),
        ("https://localhost/", "has no valid host name (expected a name like www.example.com)"),
    ],
)
def test_url_issues(url: str, issue: str | None) -> None:
    assert url_issue(url) == issue


def test_loopback_is_allowed_only_when_asked() -> None:
    assert url_issue("http://127.0.0.1:8080/cb", allow_loopback=True) is None
    assert url_issue("http://[::1]/cb", allow_loopback=True) is None
    assert url_issue("http://127.0.0.1:8080/cb") is not None


@pytest.mark.parametrize(
    ("sample", "has_code"),
    [
        ("Acme: your code is 482913.", True),
        ("Acme: enter A7K9Q2 to sign in.", True),
        ("Acme: use {{code}} to confirm.", True),
        ("Acme: your [OTP] expires in 10 minutes.", True),
        ("Acme: your code is XXXXXX.", True),
        ("Acme: your class is at 10am on Tue at 9:30.", False),  # times are not codes
        ("Acme: tap the link to sign in. Reply STOP to opt out.", False),
    ],
)
def test_a_2fa_sample_shows_a_code(sample: str, has_code: bool) -> None:
    assert bool(a2p_campaign_use_case.CODE.search(sample)) is has_code


@pytest.mark.parametrize(
    ("sample", "promotes"),
    [
        ("Acme: 20% off jackets this week.", True),
        ("Acme: $10 off your next visit.", True),
        ("Acme: use promo code SPRING at checkout.", True),
        ("Acme: shop now at acme.example.com.", True),
        ("Acme: save up to 30% this weekend.", True),
        # Conservative: words that may be transactional do not count.
        ("Acme: your free check-up voucher expires Friday.", False),
        ("Acme: your discount was applied to invoice 4821.", False),
        ("Acme: a spot opened in Thursday's class; book it online.", False),
    ],
)
def test_promotional_samples_are_recognised_conservatively(sample: str, promotes: bool) -> None:
    assert bool(a2p_campaign_use_case.PROMOTIONAL.search(sample)) is promotes


def test_the_ascii_skeleton_is_the_general_one() -> None:
    import unicodedata

    from trusthub.rules import names

    for name in ("Acme  Dental", "client-00042-dental", " A\tb\x0bC ", "ÀCME", "l0ok\u200b"):
        general = unicodedata.normalize("NFKC", name).casefold().translate(names._INVISIBLE)
        assert names.skeleton(name) == " ".join(general.translate(names._LOOK_ALIKES).split())
    assert not [k for k in (*names._INVISIBLE, *names._LOOK_ALIKES) if k < 128]
