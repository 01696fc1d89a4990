"""The events receiver (`trusthub events serve`): Twilio's Trust Hub status callbacks and
Event Streams deliveries, signature-checked, recorded in the state and its audit log as they
arrive, so `trusthub status` is current without a refresh. `vocabulary` is the one place
that says what each event means; `parsing` reads deliveries (pure); `recording` writes
them to the state, once each, newest wins; `receiver` is the WSGI app and its writer;
`server` the bounded waitress server.

Part of the shell, beside `app`. May import: `state`, `provider` (its `signatures`, the
SDK's check of Twilio's signatures), `model`, `common`, `errors`.
"""
