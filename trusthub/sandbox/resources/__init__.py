"""The REST resources, one module per family; `ROUTES` is the whole surface."""

from __future__ import annotations

from typing import Any

from trusthub.sandbox.resources import (
    accounts,
    addresses,
    assignments,
    bundles,
    catalogue,
    entities,
    evaluations,
    event_sinks,
    messaging_brands,
    messaging_campaigns,
    messaging_services,
    messaging_tollfree,
    numbers,
)
from trusthub.sandbox.resources.common import PRODUCTS, PROFILES


def all_routes() -> list[tuple[str, dict[str, Any]]]:
    """(path template, {method: handler}) for every path the sandbox answers."""
    out: list[tuple[str, dict[str, Any]]] = []
    for spec in (PROFILES, PRODUCTS):
        out += bundles.routes(spec) + assignments.routes(spec) + evaluations.routes(spec)
    for entity in (entities.END_USERS, entities.DOCUMENTS):
        out += entities.routes(entity)
    out += messaging_brands.routes()
    out += messaging_tollfree.routes()
    out += messaging_campaigns.routes()
    out += messaging_services.routes()
    out += accounts.routes()
    out += event_sinks.routes()
    return out + catalogue.routes() + addresses.routes() + numbers.routes()
