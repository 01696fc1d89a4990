"""What a plan is made with: the one place it is decided.

`plan_options` derives the planner's options from the settings. There is no permissive
default to fall back on: a primary profile is submitted through the API only on the
sandbox, because real Trust Hub refuses such submissions.
"""

from __future__ import annotations

from trusthub.config.settings import Settings
from trusthub.plan.engine import PlanOptions

# The targets on which a primary profile may be submitted through the API. Anything else
# (real Twilio, or a target added later) gets the safe answer: submit in the Console.
_SUBMITS_PRIMARY_VIA_API = frozenset({"sandbox"})


def plan_options(settings: Settings) -> PlanOptions:
    return PlanOptions(submit_primary_via_api=settings.target in _SUBMITS_PRIMARY_VIA_API)
