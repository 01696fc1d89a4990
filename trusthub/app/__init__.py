"""The use cases, sequenced: load and check a workspace (with its caches), plan, save and
check plans, apply, refresh, status, scaffold; and the plan policy (`policy`: the options a
plan is made with, what a plan may go ahead with). The only place that combines the stages
and the shell; the CLI calls these.

May import: every stage below it (`apply`, `report`, `provider`, `state`, `plan`, `config`,
`rules`, `load`, `model`, `common`) and the sandbox (the default target).
"""
