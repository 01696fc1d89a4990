"""Small helpers every stage shares, one of each, so that two stages never disagree on
what they do: private atomic file writes (`files`), loopback hosts (`net`), canonical JSON
(`canonical`), JSON paths and their formatting (`json_path`), invisible characters and
non-ASCII digits in values (`characters`), and the fingerprint of
trusthub's own code that stamps the caches (`fingerprint`).

May import: `errors` only.
"""
