"""Where a profile keeps its phone numbers, email addresses and URLs, with JSON paths."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from trusthub.common.json_path import JsonPath


def _listed(data: Mapping[str, Any], *keys: str) -> Iterator[tuple[JsonPath, str]]:
    """Each string of the list at `keys`, with its path."""
    node: Any = data
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    for index, value in enumerate(node if isinstance(node, list) else []):
        if isinstance(value, str):
            yield (*keys, index), value


def _single(data: Mapping[str, Any], *keys: str) -> Iterator[tuple[JsonPath, str]]:
    node: Any = data
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    if isinstance(node, str):
        yield keys, node


def _representatives(data: Mapping[str, Any], field: str) -> Iterator[tuple[JsonPath, str]]:
    for index, rep in enumerate(data.get("authorized_representatives", [])):
        value = rep.get(field)
        if isinstance(value, str):
            yield ("authorized_representatives", index, field), value


def phone_numbers(data: Mapping[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    """Every phone number written in the profile: the person's, the representatives', the
    profile's own numbers and those listed for trust products."""
    yield from _single(data, "individual", "phone")
    yield from _representatives(data, "phone")
    yield from _listed(data, "phone_numbers")
    for product in sorted(data.get("trust_products", {})):
        yield from _listed(data, "trust_products", product, "numbers")
    for index, spec in enumerate(data.get("toll_free_verifications", [])):
        for path, value in _single(spec, "number"):
            yield ("toll_free_verifications", index, *path), value


def emails(data: Mapping[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    yield from _single(data, "individual", "email")
    yield from _representatives(data, "email")
    yield from _single(data, "notifications", "email")
    yield from _single(data, "trust_products", "a2p_messaging", "brand_contact_email")
    for index, spec in enumerate(data.get("toll_free_verifications", [])):
        for path, value in _single(spec, "notification_email"):
            yield ("toll_free_verifications", index, *path), value


def urls(data: Mapping[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    """Every URL of the profile except the status callback (see status_callback_https)."""
    yield from _single(data, "business", "website")
    yield from _listed(data, "business", "social_media_profile_urls")
    for index, spec in enumerate(data.get("toll_free_verifications", [])):
        for path, url in [*_single(spec, "business_website"), *_listed(spec, "opt_in_image_urls")]:
            yield ("toll_free_verifications", index, *path), url
