"""Carrying a plan out against Trust Hub, recording every step as it happens.

May import: `provider`, `state` (through the `Recorder` protocol), `plan`, `config`,
`model`, `errors`.
"""
