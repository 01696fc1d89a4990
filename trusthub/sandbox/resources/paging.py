"""List pages in the two envelopes Twilio uses.

Trust Hub (`/v1`): `{"<key>": [...], "meta": {page, page_size, first_page_url,
previous_page_url, url, next_page_url, key}}` with absolute URLs. API 2010:
`{"<key>": [...], page, page_size, start, end, uri, first_page_uri, next_page_uri,
previous_page_uri}` with relative URIs. `PageToken` is a keyset bound (`PA<seq>`: after,
`PB<seq>`: before), so pages stay consistent while objects are added; `Page` alone is an
offset.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import urlencode

from trusthub.sandbox.protocol import Reply, Request, bad_parameter
from trusthub.sandbox.store import Filter, Row, Store

DEFAULT_SIZE: Final = 50
MAX_SIZE: Final = 1000
_TOKEN: Final = re.compile(r"P([AB])(\d+)")


@dataclass(frozen=True, slots=True)
class PageRequest:
    size: int
    number: int
    after: int | None = None
    before: int | None = None

    @property
    def offset(self) -> int:
        return 0 if self.after is not None or self.before is not None else self.number * self.size


def _int(req: Request, name: str, default: int, low: int, high: int) -> int:
    raw = req.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_parameter(name, f"{raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise bad_parameter(name, f"must be between {low} and {high}")
    return value


def page_request(req: Request) -> PageRequest:
    size = _int(req, "PageSize", DEFAULT_SIZE, 1, MAX_SIZE)
    number = _int(req, "Page", 0, 0, 10**9)
    token = req.get("PageToken")
    if not token:
        return PageRequest(size, number)
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise bad_parameter("PageToken", "not a token this API handed out")
    seq = int(match.group(2))
    return PageRequest(size, number, after=seq if match.group(1) == "A" else None,
                       before=seq if match.group(1) == "B" else None)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    first_seq: int | None
    last_seq: int | None
    has_next: bool


Style = Literal["v1", "2010"]


def envelope(
    req: Request, key: str, page: Page, pr: PageRequest, echo: Mapping[str, str], style: Style
) -> Reply:
    """The list reply; `echo` holds the filters, repeated in every page URL."""

    def link(number: int, token: str | None) -> str:
        params = {**echo, "PageSize": str(pr.size), "Page": str(number)}
        if token:
            params["PageToken"] = token
        query = urlencode(params)
        return f"{req.origin}{req.path}?{query}" if style == "v1" else f"{req.path}?{query}"

    current = req.get("PageToken")
    next_url = link(pr.number + 1, f"PA{page.last_seq}") if page.has_next else None
    previous_url = (
        link(pr.number - 1, f"PB{page.first_seq}")
        if pr.number > 0 and page.first_seq is not None
        else None
    )
    if style == "v1":
        meta = {
            "page": pr.number,
            "page_size": pr.size,
            "first_page_url": link(0, None),
            "previous_page_url": previous_url,
            "url": link(pr.number, current),
            "next_page_url": next_url,
            "key": key,
        }
        return Reply(200, {key: page.items, "meta": meta})
    start = pr.number * pr.size
    return Reply(
        200,
        {
            key: page.items,
            "end": start + max(len(page.items) - 1, 0),
            "first_page_uri": link(0, None),
            "next_page_uri": next_url,
            "page": pr.number,
            "page_size": pr.size,
            "previous_page_uri": previous_url,
            "start": start,
            "uri": link(pr.number, current),
        },
    )


def list_stored(
    store: Store,
    req: Request,
    *,
    kind: str,
    key: str,
    render: Callable[[Row], dict[str, Any]],
    parent: str | None = None,
    where: Sequence[Filter] = (),
    echo: Mapping[str, str] | None = None,
    style: Style = "v1",
) -> Reply:
    pr = page_request(req)
    with store.read() as tx:
        rows, more = tx.page(
            kind,
            parent=parent,
            where=where,
            limit=pr.size,
            after=pr.after,
            before=pr.before,
            offset=pr.offset,
        )
        items = [render(r) for r in rows]
    page = Page(items, rows[0].seq if rows else None, rows[-1].seq if rows else None, more)
    return envelope(req, key, page, pr, echo or {}, style)


def list_static(
    req: Request,
    *,
    key: str,
    items: Sequence[dict[str, Any]],
    echo: Mapping[str, str] | None = None,
    style: Style = "v1",
) -> Reply:
    """A page of a fixed catalogue (or of a list that only grows at its end, such as the
    accounts); positions stand in for `seq` (1-based)."""
    pr = page_request(req)
    if pr.before is not None:
        start = max(pr.before - 1 - pr.size, 0)
        end = pr.before - 1
    else:
        start = pr.after if pr.after is not None else pr.offset
        end = start + pr.size
    chunk = list(items[start:end])
    page = Page(chunk, start + 1 if chunk else None, start + len(chunk) if chunk else None,
                end < len(items))  # fmt: skip
    return envelope(req, key, page, pr, echo or {}, style)


def filter_echo(req: Request, names: Sequence[str]) -> dict[str, str]:
    """The filters the request used, in a stable order, for the page URLs."""
    return {n: v for n in names if (v := req.get(n)) is not None and v != ""}
