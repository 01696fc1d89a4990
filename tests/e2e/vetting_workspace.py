"""The workspace of the brand-vetting tests (a political brand with a Campaign Verify
token, a public company's brand), their own so they do not depend on the example's files."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from tests.support.console import console_primaries

TOKEN: Final = "cv|1.0|tcr|10dlc|9975c339-d46f-49b7-a399-0123456789ab|GQ3EXAMPLETOKENAXXBUNBT2AgL"

SETTINGS = """apiVersion: trusthub/v1
kind: Workspace
name: vetting
sandbox:
  review_delay: 0
"""

PRIMARY = """apiVersion: trusthub/v1
kind: CustomerProfile
name: acme-isv
role: primary
sid: BUf05d83172ffb9b8de2e18c6fdbdb18fd
type: business
business:
  legal_name: Acme Messaging, Inc.
  identity: ISV Reseller or Partner
  type: Corporation
  industry: Technology
  registration: {type: EIN, number: "47-1234567"}
  regions_of_operation: [USA and Canada]
  website: https://acme-messaging.example.com
address:
  {street: 500 Howard Street, city: San Francisco, region: CA, postal_code: "94105", country: US}
authorized_representatives:
  - {first_name: Dana, last_name: Whitfield, email: dana.whitfield@acme-messaging.example.com,
     phone: "+14155550123", business_title: Head of Compliance, job_position: Director}
notifications: {email: trust@acme-messaging.example.com}
terms_of_service_accepted: true
"""


def secondary(name: str, legal: str, domain: str, ein: str, a2p: str) -> str:
    return f"""apiVersion: trusthub/v1
kind: CustomerProfile
name: {name}
role: secondary
primary: acme-isv
type: business
business:
  legal_name: {legal}
  identity: Direct Customer
  type: Corporation
  industry: Retail
  registration: {{type: EIN, number: "{ein}"}}
  regions_of_operation: [USA and Canada]
  website: https://{domain}
address:
  {{street: 233 South Wacker Drive, city: Chicago, region: IL, postal_code: "60606", country: US}}
authorized_representatives:
  - {{first_name: Grace, last_name: Adeyemi, email: grace.adeyemi@{domain},
     phone: "+13125550160", business_title: Director, job_position: Director}}
notifications: {{email: trust+{name}@acme-messaging.example.com}}
terms_of_service_accepted: true
trust_products:
  a2p_messaging:
{a2p}"""


POLITICAL = secondary(
    "parks-for-all",
    "Parks For All Committee, Inc.",
    "parks-for-all.example.org",
    "36-4817210",
    f"""    company_type: non_profit
    brand:
      type: low_volume_standard      # a political committee skips the secondary vetting
      campaign_verify_token: "{TOKEN}"
""",
)

PUBLIC = secondary(
    "lakeshore-holdings",
    "Lakeshore Holdings, Inc.",
    "lakeshore-holdings.example.com",
    "36-4817211",
    """    company_type: public
    stock_exchange: NASDAQ
    stock_ticker: LKSH
    brand_contact_email: brand@lakeshore-holdings.example.com
    brand: {type: standard}
""",
)


def make_workspace(tmp_path: Path, *profiles: tuple[str, str]) -> Path:
    ws = tmp_path / "ws"
    (ws / "profiles").mkdir(parents=True)
    (ws / "trusthub.yaml").write_text(SETTINGS, encoding="utf-8")
    (ws / "profiles" / "acme-isv.yaml").write_text(PRIMARY, encoding="utf-8")
    for name, text in profiles:
        (ws / "profiles" / f"{name}.yaml").write_text(text, encoding="utf-8")
    console_primaries(ws)  # made in the Twilio Console
    return ws
