"""The embedded Trust Hub sandbox: a faithful emulator of Trust Hub's REST API (and the API
2010 Addresses and IncomingPhoneNumbers it leans on), backed by its own SQLite file.

Use it in-process through a stock twilio SDK client
(`Sandbox.from_settings(settings).client()`), or over loopback HTTP
(`server.SandboxServer`, `trusthub sandbox serve`). Module map:

* `core`: `Sandbox`, the operator's handle (approve, reject, callbacks, faults, accounts,
  reset); `accounts`: the parent and its subaccounts, and which credentials act where.
* `app`: the WSGI app (faults, auth, routing); `resources/`: one module per API family.
* `store`: the SQLite file; `policies`, `entity_types`, `fields`: the catalogues and the
  attribute checks.
* `evaluation`: Evaluations; `review`/`reviewer`: the simulated review and its rules.
* `callbacks`: signed status callbacks and the outbox; `faults`: fault injection.
* `transport`/`server`: the two ways to reach the app. (The OpenAPI conformance checker
  that the tests hold the sandbox to is test support: `tests/support/conformance.py`.)

May import: `model`, `common` and `errors` only: the sandbox emulates Twilio, and shares
nothing with the client it answers but the vocabulary and a few small helpers.
"""

from __future__ import annotations

from trusthub.sandbox.accounts import AccountSummary
from trusthub.sandbox.core import BundleSummary, Sandbox, SandboxError
from trusthub.sandbox.faults import FaultSettings

__all__ = ["AccountSummary", "BundleSummary", "FaultSettings", "Sandbox", "SandboxError"]
