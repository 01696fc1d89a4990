"""The use cases, sequenced: load and check a workspace (with its caches), plan, apply,
refresh, scaffold. The only place that combines the stages and the shell; the CLI calls
these.

May import: every stage below it (`apply`, `report`, `provider`, `state`, `plan`, `config`,
`rules`, `load`, `model`, `common`) and the sandbox (the default target).
"""
