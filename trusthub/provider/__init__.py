"""The imperative shell toward Trust Hub: the official twilio SDK, aimed at real Twilio or
at the embedded sandbox.

May import: `plan`, `config`, `model`, `errors`.
"""
