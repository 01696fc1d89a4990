"""A workspace with `defaults:` in trusthub.yaml: the ISV's primary, and clients that write
only what is their own."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"

SETTINGS = """\
defaults:
  roles:
    secondary:
      primary: acme-isv
      notifications:
        email: trust@acme-messaging.example.com
        status_callback: https://hooks.acme-messaging.example.com/twilio/trusthub
      terms_of_service_accepted: true
      business:
        identity: Direct Customer
        regions_of_operation: [USA and Canada]
  directories:
    clients:
      notifications:
        status_callback: https://hooks.acme-messaging.example.com/twilio/clients
    clients/eu:
      business:
        regions_of_operation: [Europe]
"""


def client(name: str, **changes: Any) -> dict[str, Any]:
    """A client's own part of a profile: its identity, nothing the ISV shares."""
    number = 1000 + sum(map(ord, name)) % 9000
    data: dict[str, Any] = {
        "apiVersion": "trusthub/v1",
        "kind": "CustomerProfile",
        "name": name,
        "role": "secondary",
        "type": "business",
        "business": {
            "legal_name": f"{name.title()} LLC",
            "type": "Limited Liability Corporation",
            "industry": "Healthcare",
            "registration": {"type": "EIN", "number": f"83-271{number:04d}"[:10]},
            "website": f"https://{name}.example.com",
        },
        "address": {
            "street": "2100 Guadalupe Street",
            "city": "Austin",
            "region": "TX",
            "postal_code": "78705",
            "country": "US",
        },
        "authorized_representatives": [
            {
                "first_name": "Priya",
                "last_name": "Raman",
                "email": f"priya@{name}.example.com",
                "phone": "+15125550111",
                "business_title": "Operations Manager",
                "job_position": "GM",
            }
        ],
    }
    data.update(changes)
    return data


def write_profile(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "profiles").mkdir(parents=True)
    shutil.copy(REPO / "profiles" / "acme-isv.yaml", root / "profiles" / "acme-isv.yaml")
    (root / "trusthub.yaml").write_text(SETTINGS, encoding="utf-8")
    write_profile(root / "profiles" / "top-client.yaml", client("top-client"))
    write_profile(root / "profiles" / "clients" / "us-client.yaml", client("us-client"))
    write_profile(root / "profiles" / "clients" / "eu" / "eu-client.yaml", client("eu-client"))
    return root
