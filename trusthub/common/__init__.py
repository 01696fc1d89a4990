"""Small helpers every stage shares, one of each, so that two stages never disagree on
what they do: private atomic file writes (`files`), loopback hosts (`net`), canonical JSON
(`canonical`), JSON paths and their formatting (`json_path`).

May import: `errors` only.
"""
