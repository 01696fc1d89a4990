"""Rendering results for people and machines. Pure: every renderer returns a `str`."""
