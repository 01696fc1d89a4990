"""Loading: safe YAML with locations, discovery of profile files, and the documents read
from them. Pure apart from reading the files it is given.

May import: `model`, `common`, `errors`.
"""
