"""The kinds of fee Twilio charges, in one place: plans name them (`Action.fees`), the fee
budget of `trusthub.yaml` (`fees.max_per_apply`) is keyed by them, and the workspace schema
lists the same keys (a test checks it). Amounts: reference D.9, UNCONFIRMED as current."""

from __future__ import annotations

from collections.abc import Mapping

BRAND_REGISTRATION = "brand registration"
SECONDARY_VETTING = "secondary vetting"
CAMPAIGN_VETTING = "campaign vetting"
AUTHENTICATION_PLUS = "Authentication+"
# Importing a vetting (a political brand's Campaign Verify token). The reference (D.9)
# names no amount: whether Twilio charges an import is UNCONFIRMED, so it is counted (the
# stricter reading), as a kind of its own.
VETTING_IMPORT = "vetting import"

# The settings key of each fee kind (`fees.max_per_apply.<key>`) -> its name in plans.
FEES: Mapping[str, str] = {
    "brand_registration": BRAND_REGISTRATION,
    "secondary_vetting": SECONDARY_VETTING,
    "campaign_vetting": CAMPAIGN_VETTING,
    "authentication_plus": AUTHENTICATION_PLUS,
    "vetting_import": VETTING_IMPORT,
}

# How many actions of one plan may carry each fee before the plan is refused (--force
# overrides). The example workspace's plans fit.
DEFAULT_MAX_PER_APPLY = 10


def settings_key(fee: str) -> str:
    """The `fees.max_per_apply` key of a fee kind named as plans name it."""
    for key, name in FEES.items():
        if name == fee:
            return key
    raise KeyError(fee)
