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
  every bundle `pending-review`, `in-review` or `twilio-approved` as locked, save that one
  remediation (the brand contact of an A2P product whose brand's Authentication+ FAILED;
  `plan.kinds.trust_product.TrustProductPlanner.locked_edit`, and the sandbox's
  `brand_review.contact_fix_allowed`). 60711 is a
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
* Toll-free verification codes (Twilio's error pages, ERR-n; the reference's section L
  gives the ranges 30441-30531 and 30800-30879): which code Twilio's review uses for which
  defect is UNCONFIRMED beyond the pages' titles. The sandbox's reviewer rejects a
  production sample without opt-out language with 30513 (Twilio's page: the opt-in or
  consent language is unclear; no page names a code for a missing opt-out alone) and an
  opt-in image URL that is not public https with 30509 (the opt-in URL is not
  accessible). `TOLL_FREE_NOT_RESUBMITTABLE` holds the codes Twilio says cannot be
  resubmitted (30481, a cancellation the customer asked for; 30879, a number not yet
  provisioned to Twilio, which Twilio says to delete and submit anew once the port is
  done): trusthub refuses `--resubmit` of a verification rejected with one of them.
* 18607, 18608 and 18610 belong to the customer-profile copy API, which trusthub does not
  use; they are listed so a reason carrying one still reads with its meaning.
* A secondary submitted before its primary is approved: Twilio documents the primary
  must be approved for the secondary to pass evaluation, without a rejection code. The
  sandbox rejects it with 22216 (a supporting item of the policy is missing or unusable).
* Primary customer profiles are made only in the Twilio Console. The API answers 400 with
  "restricted via API for Primary Customer Profiles" to a `POST /v1/CustomerProfiles` with a
  primary policy, to `Status=pending-review` on a draft primary and to `Status=draft` on an
  approved one, and "User cannot perform this status update" to `Status=pending-review` on
  an approved primary. The numeric code of both answers is UNCONFIRMED (seen only in
  third-party integrations); trusthub and its sandbox use 70002, Twilio's generic bad
  request (`PRIMARY_RESTRICTED`), so a client treats them as the refusals they are. The
  sandbox also refuses, with the same answer, any API edit of a primary bundle's friendly
  name, email or status callback (the stricter reading: the Console owns the bundle).
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
# Primary customer profiles through the API (code UNCONFIRMED: see the module docstring).
PRIMARY_RESTRICTED: Final = 70002
PRIMARY_RESTRICTED_MESSAGE: Final = (
    "This operation is restricted via API for Primary Customer Profiles; use the Twilio Console"
)
PRIMARY_STATUS_UPDATE_MESSAGE: Final = "User cannot perform this status update"

# Toll-free verification codes (messaging v1), in entries of their own.
TOLL_FREE_EDIT_EXPIRED: Final = 30437
TOLL_FREE_UNKNOWN: Final = 30440
TOLL_FREE_END_BUSINESS: Final = 30474
TOLL_FREE_CANCELLED: Final = 30481
TOLL_FREE_EMAIL_DOMAIN: Final = 30482
TOLL_FREE_CONTACT: Final = 30483
TOLL_FREE_NAME_RECORDS: Final = 30484
TOLL_FREE_REGISTRATION_DOCUMENTS: Final = 30485
TOLL_FREE_OPT_IN_URL: Final = 30509
TOLL_FREE_VERBAL_SCRIPT: Final = 30511
TOLL_FREE_OPT_IN_LANGUAGE: Final = 30513
TOLL_FREE_REGISTRATION_NUMBER: Final = 30527
TOLL_FREE_EDIT_WINDOW_EXPIRED: Final = 30824
TOLL_FREE_NOT_PROVISIONED: Final = 30879
VETTING_TOKEN_INVALID: Final = 30713
VETTING_TOKEN_EXPIRED: Final = 30714
VETTING_TOKEN_USED: Final = 30715
AUTHENTICATION_FAILED: Final = 21736
TOLL_FREE_NOT_RESUBMITTABLE: Final = frozenset({TOLL_FREE_CANCELLED, TOLL_FREE_NOT_PROVISIONED})

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
    TwilioCode(
        18607,
        "the customer profile cannot be copied",
        "create the profile in the account instead of copying it",
    ),
    TwilioCode(18608, "the customer profile was already copied", "use the copy made before"),
    TwilioCode(
        18610,
        "the copy failed: an address the profile uses was deleted",
        "give the profile its address again, then copy it",
    ),
)

_TOLL_FREE_TABLE: Final = (
    TwilioCode(
        TOLL_FREE_EDIT_EXPIRED,
        "the toll-free verification's 7-day edit window has expired: an edit is taken as "
        "a new submission, without priority",
        "delete the verification and submit it anew (it joins the normal review queue)",
    ),
    TwilioCode(
        TOLL_FREE_UNKNOWN,
        "the toll-free verification was rejected for an unknown reason",
        "ask Twilio support why, then resubmit it (trusthub apply --resubmit NAME)",
    ),
    TwilioCode(
        TOLL_FREE_END_BUSINESS,
        "the toll-free verification must be submitted for the end business, not the ISV",
        "give the end business's name, website and registration in the profile",
    ),
    TwilioCode(
        TOLL_FREE_CANCELLED,
        "the toll-free verification was cancelled at the customer's request",
        "it cannot be resubmitted: remove it from the profile, or submit a new one",
    ),
    TwilioCode(
        TOLL_FREE_EMAIL_DOMAIN,
        "the business email of the toll-free verification must use an official domain",
        "use a notification_email at the business's own domain",
    ),
    TwilioCode(
        TOLL_FREE_CONTACT,
        "the toll-free verification's contact must be a representative of the business",
        "name a representative of the business as contact",
    ),
    TwilioCode(
        TOLL_FREE_NAME_RECORDS,
        "the business name does not match the official records",
        "give business.legal_name exactly as registered",
    ),
    TwilioCode(
        TOLL_FREE_REGISTRATION_DOCUMENTS,
        "official business registration documents are required",
        "give the business registration as the authority records it",
    ),
    TwilioCode(
        TOLL_FREE_OPT_IN_URL,
        "the opt-in URL of the toll-free verification is not accessible",
        "give opt_in_image_urls that are public https URLs reachable without a login; if "
        "they were only down, resubmit it unchanged (trusthub apply --resubmit NAME)",
    ),
    TwilioCode(
        TOLL_FREE_VERBAL_SCRIPT,
        "a verbal opt-in needs the consent script",
        "link the verbal consent script in opt_in_image_urls",
    ),
    TwilioCode(
        TOLL_FREE_OPT_IN_LANGUAGE,
        "the opt-in or consent language is unclear",
        "make the consent explicit, and give message_sample opt-out language "
        '("Reply STOP to opt out")',
    ),
    TwilioCode(
        TOLL_FREE_REGISTRATION_NUMBER,
        "the business registration number is missing or invalid",
        "correct business.registration.number",
    ),
    TwilioCode(
        TOLL_FREE_EDIT_WINDOW_EXPIRED,
        "the 7-day edit window after the toll-free verification's rejection has expired",
        "delete the verification and submit it anew (trusthub plans it; the new one goes "
        "to the back of Twilio's review queue)",
    ),
    TwilioCode(
        TOLL_FREE_NOT_PROVISIONED,
        "the toll-free number is not provisioned to Twilio (a port not yet finished)",
        "finish the port, then delete the verification and submit it anew",
    ),
    # A2P brand vettings and Authentication+ (reference D.4, D.5, L). The reference gives
    # only the ranges' meaning; which code of a range means what is UNCONFIRMED, and these
    # are the sandbox's readings (`trusthub.sandbox.brand_vetting`, `brand_review`).
    TwilioCode(
        VETTING_TOKEN_INVALID,
        "the vetting token is not a valid Campaign Verify token",
        "copy brand.campaign_verify_token exactly as Campaign Verify issued it",
    ),
    TwilioCode(
        VETTING_TOKEN_EXPIRED,
        "the Campaign Verify token has expired",
        "ask Campaign Verify for a new token and put it in brand.campaign_verify_token",
    ),
    TwilioCode(
        VETTING_TOKEN_USED,
        "the Campaign Verify token was imported for another brand",
        "use the token Campaign Verify issued for this brand",
    ),
    TwilioCode(
        AUTHENTICATION_FAILED,
        "the brand contact did not complete Authentication+ (TCR's email) in 7 days",
        "change brand_contact_email to a monitored address on the business's domain; the "
        "plan then asks TCR for a new check (a new fee)",
    ),
)

CODES: Final[Mapping[int, TwilioCode]] = MappingProxyType(
    {c.code: c for c in (*_TABLE, *_TOLL_FREE_TABLE)}
)


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
