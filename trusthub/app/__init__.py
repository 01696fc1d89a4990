"""The imperative shell: load, read state, plan, apply. The CLI calls these."""
