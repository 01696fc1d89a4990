"""Rendering results for people and machines. Pure: every renderer returns a `str`.

May import: `plan`, `config`, `rules`, `load`, `model`, `common`, `errors`.
"""
