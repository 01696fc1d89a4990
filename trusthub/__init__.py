"""trusthub: compliance-as-code for Twilio Trust Hub."""

from __future__ import annotations

__version__ = "0.1.0"
