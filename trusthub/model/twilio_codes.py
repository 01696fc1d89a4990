"""Twilio's error and rejection codes, in one place: what each means and what to fix.

Used by the sandbox (which answers with these codes and meanings), by the provider (which
turns a rejection's `errors: [{"code": N, ...}]` into recorded reasons) and by the reports
(plan, `status`, `history`), so a code reads the same everywhere. Meanings paraphrase
https://www.twilio.com/docs/api/errors/<code> and Twilio's 2024-04-29 changelog of the
customer-profile rejection codes.

Where Twilio's behaviour is UNCONFIRMED, trusthub takes the stricter reading, and says so
here and nowhere else:

* 70002 is Twilio's generic "bad request"; it is what a client observes (HTTP 400) when it
  edits an end user, document or bundle that a bundle under review or approved holds. The
  edit lock itself (which statuses refuse edits) is UNCONFIRMED for some bundles (Twilio's
  Authentication+ remediation edits an approved A2P product's end user): trusthub treats
  every bundle `pending-review`, `in-review` or `twilio-approved` as locked. 60711 is a
  Branded Calling code and is never used.
* The voice checks 11002 (a representative with a valid +1 phone) and 11003 (a US business
  address) are documented as customer-profile rejections for voice; trusthub applies them
  to all three voice products (SHAKEN/STIR, CNAM, Voice Integrity), and reads "+1 phone"
  as a number of the United States (not Canada, which shares +1).
* A trust product whose customer profile is not approved: Twilio documents 11005 (Voice
  Integrity) and 11006 (CNAM); whether SHAKEN/STIR and A2P may be submitted first is
  UNCONFIRMED. trusthub waits for the profile's approval for every product, and the
  sandbox rejects one submitted early with 11006 (11005 for Voice Integrity).
* CNAM numbers: Twilio takes US local numbers only (no toll-free, no Canadian numbers)
  and documents no code for it; trusthub uses 11009 (CNAM does not meet the
  requirements).
* A secondary submitted before its primary is approved: Twilio documents the primary
  must be approved for the secondary to pass evaluation, without a rejection code. The
  sandbox rejects it with 22216 (a supporting item of the policy is missing or unusable).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class TwilioCode:
    code: int
    meaning: str  # what Twilio means by it
    fix: str  # what the user changes to get past it


# Codes trusthub and its sandbox use (and the ones Twilio's review sends).
EDIT_LOCKED: Final = 70002
BUSINESS_NAME_WEBSITE: Final = 18601
BUSINESS_ID: Final = 18602
ADDRESS: Final = 18603
REPRESENTATIVE_1: Final = 18604
REPRESENTATIVE_2: Final = 18605
EMAIL_DOMAIN: Final = 18606
REGISTRATION_AUTHORITY: Final = 18609
VOICE_WEBSITE: Final = 11001
VOICE_REPRESENTATIVE_PHONE: Final = 11002
VOICE_ADDRESS: Final = 11003
VOICE_REGISTRATION: Final = 11004
VI_PROFILE_NOT_APPROVED: Final = 11005
CNAM_PROFILE_NOT_APPROVED: Final = 11006
CNAM_NAME_MISMATCH: Final = 11007
CNAM_PROHIBITED: Final = 11008
CNAM_REQUIREMENTS: Final = 11009
SUPPORTING_ITEM: Final = 22216

_TABLE: Final = (
    TwilioCode(
        EDIT_LOCKED,
        "the object cannot be changed: a bundle it belongs to is under review or approved",
        "revert the change, or stop managing it (`trusthub state rm NAME`; Trust Hub keeps "
        "it) and create a new one",
    ),
    TwilioCode(
        BUSINESS_NAME_WEBSITE,
        "the business name and the website could not be linked",
        "make business.legal_name the name the website shows, and the website one the "
        "business owns",
    ),
    TwilioCode(
        BUSINESS_ID,
        "the business registration number (EIN or other ID) could not be verified",
        "correct business.registration (type and number) to match the official record",
    ),
    TwilioCode(
        ADDRESS,
        "the business address could not be verified",
        "give the address as registered, a street address (no PO box)",
    ),
    TwilioCode(
        REPRESENTATIVE_1,
        "authorized representative 1 could not be verified",
        "correct authorized_representatives[0] (name, email at the business's domain, phone)",
    ),
    TwilioCode(
        REPRESENTATIVE_2,
        "authorized representative 2 could not be verified",
        "correct authorized_representatives[1] (name, email at the business's domain, phone)",
    ),
    TwilioCode(
        EMAIL_DOMAIN,
        "the email's domain does not match the website's domain, or cannot be trusted",
        "use an email at the business's own domain, not a free or disposable one",
    ),
    TwilioCode(
        REGISTRATION_AUTHORITY,
        "the registration authority is not accepted (Voice Integrity and CNAM need an EIN or DUNS)",
        "register the business with an EIN or DUNS number, or drop the product",
    ),
    TwilioCode(
        VOICE_WEBSITE,
        "the business website URL is not valid",
        "give business.website as a reachable https URL of the business",
    ),
    TwilioCode(
        VOICE_REPRESENTATIVE_PHONE,
        "no authorized representative has a valid +1 (US) phone number",
        "give an authorized representative a US phone number (+1)",
    ),
    TwilioCode(
        VOICE_ADDRESS,
        "the business address is not in the United States",
        "use the business's US address (country: US), or drop the voice product",
    ),
    TwilioCode(
        VOICE_REGISTRATION,
        "the business registration could not be verified",
        "correct business.registration to match the official record",
    ),
    TwilioCode(
        VI_PROFILE_NOT_APPROVED,
        "Voice Integrity was rejected: the business profile is not approved",
        "get the customer profile twilio-approved, then resubmit",
    ),
    TwilioCode(
        CNAM_PROFILE_NOT_APPROVED,
        "the trust product was rejected: the business profile is not approved",
        "get the customer profile twilio-approved, then resubmit",
    ),
    TwilioCode(
        CNAM_NAME_MISMATCH,
        "the CNAM display name does not match the business",
        "use a display name taken from the business's legal name",
    ),
    TwilioCode(
        CNAM_PROHIBITED,
        "the CNAM display name has prohibited content (a generic, city or state name, or a "
        "prohibited term)",
        "use the business's own name as display name",
    ),
    TwilioCode(
        CNAM_REQUIREMENTS,
        "CNAM does not meet the requirements (US local numbers only, display-name rules)",
        "cover only US local numbers (no toll-free, no Canadian ones)",
    ),
    TwilioCode(
        SUPPORTING_ITEM,
        "a supporting item the policy needs (document, profile, numbers) is missing or not usable",
        "assign what the policy needs; a secondary's primary must be twilio-approved first",
    ),
    TwilioCode(
        22214,
        "an end user the policy needs is missing",
        "fill in the profile's missing section",
    ),
    TwilioCode(22215, "an end user lacks a required field", "fill in the missing field"),
    TwilioCode(22217, "a document lacks a required field", "fill in the missing field"),
    TwilioCode(22218, "a value is not valid", "correct the value the message names"),
    TwilioCode(22219, "the address a document names is missing", "give the profile its address"),
)

CODES: Final[Mapping[int, TwilioCode]] = MappingProxyType({c.code: c for c in _TABLE})


def lookup(code: int | None) -> TwilioCode | None:
    return None if code is None else CODES.get(code)


def meaning(code: int) -> str:
    """Twilio's meaning of `code` (a generic phrase for codes not in the table)."""
    known = CODES.get(code)
    return known.meaning if known else f"Twilio error {code}"


# --- rejection reasons as recorded in state ---------------------------------------------
#
# A rejection reason is recorded as one string, "CODE: message" (the code first, Twilio's
# message after it), so the state keeps both without a schema change; reasons recorded
# before codes were kept (bare text) read back with code None.

_REASON: Final = re.compile(r"(\d{5}): (.*)", re.DOTALL)


def reason_text(code: int | None, message: str | None) -> str:
    """The recorded form of one rejection: the code and its message (Twilio's meaning when
    Twilio sent the code alone)."""
    text = (message or "").strip()
    if code is None:
        return text
    return f"{code}: {text or meaning(code)}"


def parse_reason(reason: str) -> tuple[int | None, str]:
    """(code, message) of a recorded reason."""
    found = _REASON.fullmatch(reason)
    if found is None:
        return None, reason
    return int(found.group(1)), found.group(2)


def explain(reason: str) -> str:
    """A recorded reason for people: Twilio's code, its meaning, the message Twilio sent
    (when it says more than the meaning) and what to fix."""
    code, message = parse_reason(reason)
    known = lookup(code)
    if code is None:
        return message
    if known is None:
        return f"error {code}: {message}"
    said = "" if message == known.meaning else f" ({message})"
    return f"error {code}, {known.meaning}{said}; fix: {known.fix}"
