"""The example workspace (profiles/ and the root trusthub.yaml) carries every A2P 10DLC path
the README walks through: a standard brand with two campaigns, a low-volume standard brand,
a public company naming its Authentication+ contact (in a subaccount trusthub creates) and a
sole proprietor (a starter profile). That it validates clean: test_cases.py."""

from __future__ import annotations

from typing import Any

from tests.support.example import example_documents


def _brands() -> dict[str, dict[str, Any]]:
    """Profile name -> its A2P section, for the example profiles that register a brand."""
    out: dict[str, dict[str, Any]] = {}
    for name, doc in example_documents().items():
        a2p = (doc.get("trust_products") or {}).get("a2p_messaging") or {}
        if "brand" in a2p:
            out[name] = a2p
    return out


def test_the_example_carries_every_kind_of_a2p_brand() -> None:
    brands = _brands()
    kinds = {
        name: (a2p["brand"]["type"], a2p.get("company_type"), len(a2p.get("campaigns", [])))
        for name, a2p in brands.items()
    }
    assert kinds == {
        "brightsmile-dental": ("standard", "private", 2),
        "harbor-yoga-studio": ("low_volume_standard", "private", 1),
        "northwind-outfitters": ("standard", "public", 1),
        "brightframe-photo": ("sole_proprietor", None, 1),
    }
    assert brands["northwind-outfitters"]["brand_contact_email"].endswith(
        "@northwind-outfitters.example.com"
    )
    documents = example_documents()
    assert documents["northwind-outfitters"]["account"] == "northwind"
    assert documents["brightframe-photo"]["type"] == "individual"
