"""An A2P campaign's sample messages fit its use case: what TCR rejects most after a
missing brand name or opt-out language is samples that say something other than the use
case promises (Twilio's error 30893, "sample messages don't fit the use case").

The checks, per use case (`CHECKS` below, the one place they are decided), are kept
conservative: each looks only for signals that leave little doubt, so a campaign it
passes may still be rejected, but one it flags would almost surely be.

* `2FA`: at least one sample shows the one-time code (4 to 10 digits, a code of capital
  letters and digits, or a placeholder such as `{code}`, `[OTP]`, `<pin>`, `XXXXXX`).
  A 2FA campaign whose samples carry no code does not show what it sends.
* Transactional use cases (`2FA`, `ACCOUNT_NOTIFICATION`, `CUSTOMER_CARE`,
  `DELIVERY_NOTIFICATION`, `FRAUD_ALERT`, `SECURITY_ALERT`): no sample is promotional
  (`20% off`, `$10 off`, a coupon or promo code, `shop now`, `buy now`, a limited-time
  offer, a flash sale, a free gift, `save 20%`). Promotions belong to a `MARKETING` (or
  `MIXED`) campaign; carriers filter promotions sent under a transactional use case.
* `CHARITY`: the brand is a non-profit (`company_type: non_profit`). TCR reserves the
  charity use case for registered 501(c)(3) charities; the reference does not confirm how
  Twilio's use-case list treats a for-profit brand (UNCONFIRMED), so the stricter reading is
  taken: a `public` or `private` company is refused the use case.

Not checked: `MARKETING` and `MIXED` (promotional or not, their samples fit), and
`POLITICAL` (it needs a Campaign Verify token on the brand's vetting, which a profile does
not declare: nothing in the file to check), nor the use cases carriers approve case by case.

Severity: the sample checks are **warnings**: they read free text, and a false positive
must never block a plan; `validate` shows them (and code scanning, through SARIF) for the
reviewer to judge. The charity check is an **error**: it reads a declared field, not
prose, and a for-profit brand has no way to make that campaign pass.

Fails::

    campaigns:
      - use_case: 2FA
        message_samples:
          - "BrightSmile: use this link to sign in. Reply STOP to opt out."   # no code
      - use_case: ACCOUNT_NOTIFICATION
        message_samples:
          - "BrightSmile: 20% off whitening this month! Reply STOP to opt out."  # promotes
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from trusthub.errors import Problem, Severity
from trusthub.load.profile_document import ProfileDoc

ID: Final = "a2p-campaign-use-case"

# A one-time code as a sample shows it: digits, capitals with digits, or a placeholder.
# Capitals are case-sensitive: "10am" is not a code.
CODE: Final = re.compile(
    r"\b\d{4,10}\b"
    r"|\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,10}\b"
    r"|[{\[<(]{1,2}\s*[\w.-]*(?i:code|otp|pin|passcode|token)[\w.-]*\s*[}\]>)]{1,2}"
    r"|\bX{4,10}\b|[#*]{4,10}",
    re.ASCII,  # a code is sent in ASCII digits
)
# Promotion that leaves little doubt; words such as "offer" or "deal" alone do not count.
PROMOTIONAL: Final = re.compile(
    r"\d+\s?%\s?off\b|\$\s?\d+(?:\.\d\d)?\s+off\b|\bcoupons?\b|\bpromo(?:tion(?:al)?)?\s+codes?\b"
    r"|\bshop\s+now\b|\bbuy\s+now\b|\blimited[-\s]time\b|\bflash\s+sale\b|\bfree\s+gifts?\b"
    r"|\bsave\s+(?:up\s+to\s+)?(?:\$\s?\d+|\d+\s?%)",
    re.IGNORECASE | re.ASCII,
)
TRANSACTIONAL: Final = frozenset(
    {
        "2FA",
        "ACCOUNT_NOTIFICATION",
        "CUSTOMER_CARE",
        "DELIVERY_NOTIFICATION",
        "FRAUD_ALERT",
        "SECURITY_ALERT",
    }
)
# A brand's company types that cannot use CHARITY (government: not decided, not refused).
FOR_PROFIT: Final = frozenset({"public", "private"})

_CAMPAIGNS: Final = ("trust_products", "a2p_messaging", "campaigns")


@dataclass(frozen=True, slots=True)
class Finding:
    field: tuple[str | int, ...]  # under the campaign
    message: str


@dataclass(frozen=True, slots=True)
class Check:
    """One check: the use cases it applies to, what it finds in a campaign (given the A2P
    section, for the brand's facts), and how much it weighs."""

    use_cases: frozenset[str]
    find: Callable[[str, Sequence[str], Mapping[str, Any]], Iterator[Finding]]
    severity: Severity


def _no_code(use_case: str, samples: Sequence[str], a2p: Mapping[str, Any]) -> Iterator[Finding]:
    if samples and not any(CODE.search(s) for s in samples):
        yield Finding(
            ("message_samples",),
            f"use case {use_case}: no sample message shows the one-time code; write the "
            'code as it is sent (for example "<brand>: your login code is 482913. Reply '
            'STOP to opt out.") or choose the use case the messages fit (TCR rejects samples '
            "that do not fit the use case, error 30893)",
        )


def _promotional(
    use_case: str, samples: Sequence[str], a2p: Mapping[str, Any]
) -> Iterator[Finding]:
    for index, sample in enumerate(samples):
        found = PROMOTIONAL.search(sample)
        if found is not None:
            yield Finding(
                ("message_samples", index),
                f"use case {use_case} is for transactional messages, but sample message "
                f"{index + 1} promotes ({found.group(0)!r}); send promotions in a MARKETING "
                "(or MIXED) campaign and keep this campaign's samples to what its use case "
                "says (TCR rejects samples that do not fit the use case, error 30893)",
            )


def _charity_for_profit(
    use_case: str, samples: Sequence[str], a2p: Mapping[str, Any]
) -> Iterator[Finding]:
    company_type = a2p.get("company_type")
    if company_type in FOR_PROFIT:
        yield Finding(
            ("use_case",),
            f"use case CHARITY is for registered 501(c)(3) charities, and the brand's "
            f"company_type is {company_type}; choose the use case the messages fit (for "
            "example MARKETING or MIXED), or, for a non-profit, set company_type: non_profit",
        )


CHECKS: Final[tuple[Check, ...]] = (
    Check(frozenset({"2FA"}), _no_code, "warning"),
    Check(TRANSACTIONAL, _promotional, "warning"),
    Check(frozenset({"CHARITY"}), _charity_for_profit, "error"),
)


def check(doc: ProfileDoc) -> Iterator[Problem]:
    a2p = (doc.data.get("trust_products") or {}).get("a2p_messaging") or {}
    for index, campaign in enumerate(a2p.get("campaigns") or []):
        use_case = campaign.get("use_case")
        samples = [s for s in campaign.get("message_samples") or [] if isinstance(s, str)]
        for rule in CHECKS:
            if use_case not in rule.use_cases:
                continue
            for finding in rule.find(use_case, samples, a2p):
                yield doc.problem(
                    (*_CAMPAIGNS, index, *finding.field),
                    ID,
                    finding.message,
                    severity=rule.severity,
                )
