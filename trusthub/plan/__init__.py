"""The plan: a pure function of (desired workspace, recorded state) -> Plan.

May import: `config` (plain settings), `rules`, `load`, `model`, `common`, `errors`; never the
shell.
"""
