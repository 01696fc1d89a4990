"""The table of Twilio's codes the plan, status and history read: every code once, with a
meaning and a fix; the toll-free codes Twilio does not let a client resubmit are in it; a
recorded reason reads with its code, meaning and fix."""

from __future__ import annotations

from trusthub.model import twilio_codes as tc


def test_every_code_is_listed_once_with_a_meaning_and_a_fix() -> None:
    entries = (*tc._TABLE, *tc._TOLL_FREE_TABLE)
    assert len(tc.CODES) == len(entries)  # a code in two entries would hide one of them
    assert all(c.meaning and c.fix for c in entries)
    customer_profile = {18601, 18602, 18603, 18604, 18605, 18606, 18607, 18608, 18609, 18610}
    voice = set(range(11001, 11010))
    toll_free = {30437, 30474, 30509, 30513, 30824, 30879}
    assert customer_profile | voice | toll_free <= set(tc.CODES)
    assert set(tc.CODES) >= tc.TOLL_FREE_NOT_RESUBMITTABLE


def test_a_toll_free_reason_reads_with_its_code_meaning_and_fix() -> None:
    reason = tc.reason_text(30824, None)
    assert (
        reason
        == "30824: the 7-day edit window after the toll-free verification's rejection has expired"
    )
    assert tc.explain(reason) == (
        "error 30824, the 7-day edit window after the toll-free verification's rejection has "
        "expired; fix: delete the verification and submit it anew (trusthub plans it; the new "
        "one goes to the back of Twilio's review queue)"
    )
    assert tc.explain("11007: The name is not the business's.").startswith(
        "error 11007, the CNAM display name does not match the business (The name is not the "
        "business's.); fix:"
    )
