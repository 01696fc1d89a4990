"""Business rules beyond the schema.

Each rule is one module with a stable kebab-case `ID`, a docstring that is its user
documentation, and either `check(doc)` (one profile at a time; results are cached with the
file) or `check_all(docs)` (the whole workspace; cheap, run every time). Rules are written
for schema-valid input; a profile with schema errors is checked on the parts the schema
accepted (`trusted`: a rule that reads a rejected part is skipped for that profile), and
only valid profiles reach the workspace rules. A rule yields every problem it finds and
never raises for valid input.

A workspace rule whose problem is about another profile it names (a secondary's
`primary`) lists the JSON paths of such names in `REFERENCES`: when the profile named there
is one whose file is broken, the problem is dropped, since it only echoes that file's own
problem (one error at its cause, not one per secondary).

Workspace rules get the profiles in priority order: when two clash (same name, same number,
two primaries), the earlier one keeps it and the later one gets the problem. The loader
orders by path, with the files being validated after those only read for context, so a
clash is reported on the file the user asked about.

The registry is explicit: adding a rule means adding its module to a tuple below.
`schema` validates against the JSON Schemas; `file_checks` runs load, schema and the
per-profile rules on one file (in worker processes too).

May import: `load`, `model`, `common`, `errors`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Protocol

from trusthub.common.json_path import JsonPath, format_json_path
from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules import (
    a2p_brand_contact_email,
    a2p_campaign_brand_name,
    a2p_campaign_https,
    a2p_campaign_numbers,
    a2p_campaign_opt_out,
    a2p_campaign_use_case,
    a2p_public_company,
    a2p_sole_proprietor,
    blank_value,
    cnam_display_name,
    country_code,
    date_of_birth,
    distinct_representatives,
    email_syntax,
    individual_profile,
    industry_not_accepted,
    invisible_character,
    isv_notification_email,
    isv_primary_identity,
    no_po_box,
    one_primary_per_type,
    one_region,
    phone_number_unique,
    phone_number_valid,
    postal_code_format,
    primary_reference,
    primary_sid,
    region_code,
    registration_number,
    registration_other_type,
    status_callback_https,
    terms_accepted,
    tollfree_number,
    tollfree_opt_in_images,
    tollfree_opt_out,
    trust_product_numbers,
    trust_product_requirements,
    unique_friendly_names,
    unique_names,
    url_format,
)


class DocumentRule(Protocol):
    @property
    def ID(self) -> str: ...

    def check(self, doc: ProfileDoc) -> Iterable[Problem]: ...


class WorkspaceRule(Protocol):
    @property
    def ID(self) -> str: ...

    def check_all(self, docs: Sequence[ProfileDoc]) -> Iterable[Problem]: ...


DOCUMENT_RULES: Final[tuple[DocumentRule, ...]] = (
    registration_number,
    registration_other_type,
    phone_number_valid,
    email_syntax,
    url_format,
    status_callback_https,
    individual_profile,
    primary_sid,
    cnam_display_name,
    trust_product_requirements,
    trust_product_numbers,
    a2p_public_company,
    a2p_brand_contact_email,
    a2p_campaign_brand_name,
    a2p_campaign_opt_out,
    a2p_campaign_use_case,
    a2p_campaign_https,
    a2p_campaign_numbers,
    a2p_sole_proprietor,
    distinct_representatives,
    terms_accepted,
    no_po_box,
    industry_not_accepted,
    one_region,
    tollfree_number,
    tollfree_opt_out,
    tollfree_opt_in_images,
    date_of_birth,
    invisible_character,
    blank_value,
    country_code,
    region_code,
    postal_code_format,
)

WORKSPACE_RULES: Final[tuple[WorkspaceRule, ...]] = (
    unique_names,
    unique_friendly_names,
    primary_reference,
    isv_primary_identity,
    isv_notification_email,
    one_primary_per_type,
    phone_number_unique,
)

RULES: Final[Mapping[str, DocumentRule | WorkspaceRule]] = MappingProxyType(
    {**{r.ID: r for r in DOCUMENT_RULES}, **{r.ID: r for r in WORKSPACE_RULES}}
)


def document_problems(doc: ProfileDoc) -> list[Problem]:
    """What the per-profile rules find in one schema-valid profile."""
    return [problem for rule in DOCUMENT_RULES for problem in rule.check(doc)]


def workspace_problems(
    docs: Sequence[ProfileDoc], broken: Collection[str] = frozenset()
) -> list[Problem]:
    """What the cross-profile rules find in the schema-valid profiles of a workspace;
    `broken`: the names of profiles whose files are not valid (see `REFERENCES` above)."""
    return [p for rule in WORKSPACE_RULES for p in _echoes_dropped(rule, docs, broken)]


def _echoes_dropped(
    rule: WorkspaceRule, docs: Sequence[ProfileDoc], broken: Collection[str]
) -> Iterator[Problem]:
    references: Sequence[JsonPath] = getattr(rule, "REFERENCES", ())
    if not broken or not references:
        yield from rule.check_all(docs)
        return
    # (file, json path) of every reference to a broken profile.
    echoes = {
        (doc.path, format_json_path(path))
        for doc in docs
        for path in references
        if _value_at(doc.data, path) in broken
    }
    for problem in rule.check_all(docs):
        if (problem.location.path, problem.json_path) not in echoes:
            yield problem


def _value_at(data: Any, path: JsonPath) -> Any:
    for part in path:
        if isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        elif isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data
