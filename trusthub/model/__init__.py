"""The Trust Hub vocabulary: labels and policies (`mapping`), what each trust product
requires (`requirements`), review lifecycles, the desired resources built from the YAML,
what is personal data (`privacy`). Pure data and functions.

May import: `common`, `errors` only.
"""
