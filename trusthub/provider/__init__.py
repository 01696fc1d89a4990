"""The imperative shell toward Trust Hub: the `TrustHubProvider` protocol apply and refresh
are written against (`api`), its adapter on the official twilio SDK (`twilio_sdk`), aimed
at real Twilio or at the embedded sandbox (`connect`), and the errors Twilio's answers
become (`errors`). Nothing from `twilio` or `requests` leaves this package.

May import: `plan`, `config`, `model`, `errors`.
"""
