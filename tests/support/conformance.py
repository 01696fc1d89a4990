"""Conformance to Twilio's OpenAPI specs: each request and response is checked against
`twilio_trusthub_v1.json`, `twilio_api_v2010_addresses_numbers.json`,
`twilio_api_v2010_accounts.json` (subaccounts) and `twilio_messaging_v1_compliance.json`
(A2P brands, toll-free verifications), vendored in
`tests/support/openapi/` (see its README). Test support only: nothing in `trusthub/` uses it.

`Conformance.check_request(method, url, query, form)` and `check_response(method, url,
status, body)` return drift messages (empty: conforms). A path, method, query or form
parameter the spec does not know is always a drift, so nothing slips through untested.
`CheckingHttpClient` wraps any twilio HttpClient and checks every exchange; the sandbox's
tests use it on the sandbox's answers, the provider's tests on the provider's requests.

Responses are held to the spec more strictly than the spec's own examples: every property
must be present (Twilio always sends them all), no undeclared property may appear, and
formats (`date-time`, `uri`, RFC 2822 dates, E.164) are checked. Error responses (4xx/5xx)
must have Twilio's error body with a matching `status`. `DOCUMENTED_EXTRAS` adds the one
operation Twilio documents that the spec has only a path for (`/2fa`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from twilio.http import HttpClient
from twilio.http.response import Response

SPEC_DIR: Final = Path(__file__).resolve().parent / "openapi"
SPEC_FILES: Final = (
    "twilio_trusthub_v1.json",
    "twilio_api_v2010_addresses_numbers.json",
    "twilio_api_v2010_accounts.json",
    "twilio_messaging_v1_compliance.json",
)

ERROR_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string", "minLength": 1},
        "more_info": {"type": "string", "format": "uri"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["code", "message", "more_info", "status"],
    "additionalProperties": False,
}

# Operations Twilio documents whose path the vendored spec lists without an operation,
# added here so a request to them is checked, not a drift. `POST .../{BN}/2fa` starts a
# new Authentication+ check (reference D.5.7, D.5.9: a path with no operation and no SDK
# method); its answer is UNCONFIRMED, held to the brand registration a resubmission
# answers with, 202 (`trusthub.sandbox.resources.messaging_brands.TWO_FA_STATUS`).
DOCUMENTED_EXTRAS: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "twilio_messaging_v1_compliance.json": {
        "/v1/a2p/BrandRegistrations/{BrandRegistrationSid}/2fa": {
            "post": {
                "parameters": [
                    {
                        "in": "path",
                        "name": "BrandRegistrationSid",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^BN[0-9a-fA-F]{32}$"},
                    }
                ],
                "responses": {
                    "202": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": "#/components/schemas/messaging.v1.brand_registrations"
                                }
                            }
                        }
                    }
                },
            }
        }
    }
}

_ISO: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_RFC2822: Final = re.compile(
    r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"
)
_FORMATS = FormatChecker()


@_FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _ISO.fullmatch(value):
        return False
    datetime.fromisoformat(value)
    return True


@_FORMATS.checks("date-time-rfc-2822")
def _rfc2822(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_RFC2822.fullmatch(value)) and parsedate_to_datetime(value) is not None


@_FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@_FORMATS.checks("uri-reference")
def _uri_reference(value: object) -> bool:
    return not isinstance(value, str) or value.startswith("/") or _uri(value)


@_FORMATS.checks("uri-map")
def _uri_map(value: object) -> bool:
    # Absolute URLs (Trust Hub's `links`) or, as API 2010 answers its `subresource_uris`
    # (the Accounts spec's own examples), paths relative to the API's host.
    if not isinstance(value, dict):
        return True
    return all(isinstance(v, str) and _uri_reference(v) for v in value.values())


@_FORMATS.checks("phone-number")
def _phone(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"\+[1-9]\d{1,14}", value))


@_FORMATS.checks("iso-country-code")
def _country(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"[A-Z]{2}", value))


class ConformanceError(AssertionError):
    """Raised by a strict CheckingHttpClient at the first drift."""


def _to_json_schema(node: Any, components: Mapping[str, Any], *, strict: bool) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: inline `$ref`s, turn `nullable` into a null type,
    and (strict) require every declared property and no other."""
    if isinstance(node, list):
        return [_to_json_schema(n, components, strict=strict) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = components[node["$ref"].rsplit("/", 1)[-1]]
        resolved = _to_json_schema(target, components, strict=strict)
        extra = {k: v for k, v in node.items() if k != "$ref"}
        if extra.get("nullable"):
            return {"anyOf": [resolved, {"type": "null"}]}
        return resolved
    out = {
        k: _to_json_schema(v, components, strict=strict)
        for k, v in node.items()
        if not k.startswith("x-") and k not in ("description", "example", "examples", "properties")
    }
    if isinstance(node.get("properties"), dict):
        # Property names are not keywords: a property called `description` (a campaign's)
        # is kept.
        out["properties"] = {
            name: _to_json_schema(prop, components, strict=strict)
            for name, prop in node["properties"].items()
        }
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    properties = out.get("properties")
    if isinstance(properties, dict):
        for name, prop in properties.items():
            # API 2010 names relative links `*uri` (the SDK makes them absolute) and absolute
            # ones `*url`; the spec marks both `format: uri`, which only fits the latter.
            if (name == "uri" or name.endswith("_uri")) and prop.get("format") == "uri":
                prop["format"] = "uri-reference"
        if strict:
            out.setdefault("required", sorted(properties))
            out.setdefault("additionalProperties", False)
    return out


@dataclass
class Operation:
    host: str
    template: str
    method: str
    pattern: re.Pattern[str]
    path_params: dict[str, Any] = field(default_factory=dict)
    query_params: dict[str, tuple[Any, bool]] = field(
        default_factory=dict
    )  # name -> (schema, required)
    form: dict[str, Any] = field(default_factory=dict)
    form_required: tuple[str, ...] = ()
    responses: dict[int, Any] = field(default_factory=dict)  # status -> schema or None

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


def _load_operations(spec_dir: Path) -> list[Operation]:
    operations = []
    for file in SPEC_FILES:
        doc = json.loads((spec_dir / file).read_text(encoding="utf-8"))
        for template, methods in DOCUMENTED_EXTRAS.get(file, {}).items():
            for method, op in methods.items():
                doc["paths"].setdefault(template, {}).setdefault(method, op)
        components = doc.get("components", {}).get("schemas", {})
        default_server = doc.get("servers", [{}])[0].get("url", "")
        for template, item in doc["paths"].items():
            server = (item.get("servers") or [{"url": default_server}])[0]["url"]
            regex = "".join(
                re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+?)"
                for i, p in enumerate(re.split(r"\{(\w+)\}", template))
            )
            for method in ("get", "post", "delete", "put", "patch"):
                op = item.get(method)
                if op is None:
                    continue
                o = Operation(
                    urlsplit(server).hostname or "", template, method.upper(), re.compile(regex)
                )
                for p in op.get("parameters", []):
                    if "$ref" in p:  # a shared parameter (components/parameters)
                        p = doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]
                    if p["in"] == "header":
                        continue  # headers are not checked
                    schema = _to_json_schema(p.get("schema", {}), components, strict=False)
                    if p["in"] == "path":
                        o.path_params[p["name"]] = schema
                    elif p["in"] == "query":
                        o.query_params[p["name"]] = (schema, bool(p.get("required")))
                body = op.get("requestBody", {}).get("content", {})
                form = body.get("application/x-www-form-urlencoded", {}).get("schema")
                if form:
                    o.form = {
                        k: _to_json_schema(v, components, strict=False)
                        for k, v in form.get("properties", {}).items()
                    }
                    o.form_required = tuple(form.get("required", ()))
                for code, response in op.get("responses", {}).items():
                    schema = response.get("content", {}).get("application/json", {}).get("schema")
                    o.responses[int(code)] = (
                        None if schema is None else _to_json_schema(schema, components, strict=True)
                    )
                operations.append(o)
    return operations


def _coerce(value: str, schema: Mapping[str, Any]) -> Any:
    """A form or query string as the type its schema declares."""
    types = schema.get("type")
    kinds = types if isinstance(types, list) else [types]
    if "integer" in kinds and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in kinds:
        try:
            return float(value)
        except ValueError:
            return value
    if "boolean" in kinds and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


class Conformance:
    def __init__(self, spec_dir: Path = SPEC_DIR) -> None:
        self.operations = _load_operations(spec_dir)
        self._validators: dict[int, Draft202012Validator] = {}
        self._lock = threading.Lock()

    def _validator(self, schema: Any) -> Draft202012Validator:
        key = id(schema)
        with self._lock:
            validator = self._validators.get(key)
            if validator is None:
                validator = Draft202012Validator(schema, format_checker=_FORMATS)
                self._validators[key] = validator
        return validator

    def _errors(self, schema: Any, value: Any, where: str) -> Iterator[str]:
        for error in self._validator(schema).iter_errors(value):
            path = "".join(
                f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
            )
            yield f"{where}{path}: {error.message}"

    def operation(self, method: str, url: str) -> tuple[Operation | None, dict[str, str], str]:
        """The operation for a request, its path parameters, and a drift when none fits."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        on_twilio = host.endswith("twilio.com")
        path_known = False
        for op in self.operations:
            match = op.pattern.fullmatch(parts.path)
            if match is None or (on_twilio and op.host != host):
                continue
            path_known = True
            if op.method == method.upper():
                return op, match.groupdict(), ""
        if path_known:
            return None, {}, f"{method} {parts.path}: method not in the spec for this path"
        return None, {}, f"{method} {url}: path not in the spec"

    def check_request(
        self,
        method: str,
        url: str,
        query: Mapping[str, Sequence[str]] | None = None,
        form: Mapping[str, Sequence[str]] | None = None,
    ) -> list[str]:
        op, path_args, drift = self.operation(method, url)
        if op is None:
            return [drift]
        drifts: list[str] = []
        for name, value in path_args.items():
            schema = op.path_params.get(name)
            if schema is not None:
                drifts += self._errors(schema, value, f"{op.name}: path parameter {name}")
        query_all = {
            k: list(v) for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()
        }
        for k, values in (query or {}).items():
            query_all.setdefault(k, []).extend(values)
        for name, values in query_all.items():
            if name not in op.query_params:
                drifts.append(f"{op.name}: query parameter {name} not in the spec")
                continue
            schema = op.query_params[name][0]
            for value in values:
                drifts += self._errors(schema, _coerce(value, schema), f"{op.name}: query {name}")
        for name, (_schema, required) in op.query_params.items():
            if required and name not in query_all:
                drifts.append(f"{op.name}: required query parameter {name} missing")
        for name, values in (form or {}).items():
            schema = op.form.get(name)
            if schema is None:
                drifts.append(f"{op.name}: form parameter {name} not in the spec")
                continue
            types = schema.get("type")
            if "array" in (types if isinstance(types, list) else [types]):
                drifts += self._errors(
                    schema,
                    [_coerce(v, schema.get("items", {})) for v in values],
                    f"{op.name}: form {name}",
                )
                continue
            for value in values:
                if value == "" and schema.get("format") == "uri" and name not in op.form_required:
                    # An optional URL sent empty clears it: a form has no null, and the
                    # spec's `format: uri` cannot say so (see the sandbox's callback_url).
                    continue
                drifts += self._errors(schema, _coerce(value, schema), f"{op.name}: form {name}")
        for name in op.form_required:
            if name not in (form or {}):
                drifts.append(f"{op.name}: required form parameter {name} missing")
        return drifts

    def check_response(
        self, method: str, url: str, status: int, body: str | bytes | None
    ) -> list[str]:
        op, _args, drift = self.operation(method, url)
        where = f"{method} {urlsplit(url).path} -> {status}"
        text = body.decode() if isinstance(body, bytes) else (body or "")
        if status >= 400:
            try:
                payload = json.loads(text)
            except ValueError:
                return [f"{where}: error body is not JSON"]
            drifts = list(self._errors(ERROR_SCHEMA, payload, f"{where}: error body"))
            if isinstance(payload, dict) and payload.get("status") != status:
                drifts.append(f"{where}: error body status {payload.get('status')} != {status}")
            return drifts
        if op is None:
            return [drift]
        if status not in op.responses:
            return [f"{where}: status not in the spec (expected {sorted(op.responses)})"]
        schema = op.responses[status]
        if schema is None:
            return [] if not text else [f"{where}: the spec has no body, got {len(text)} bytes"]
        try:
            payload = json.loads(text)
        except ValueError:
            return [f"{where}: body is not JSON"]
        return list(self._errors(schema, payload, where))


def _as_lists(values: Mapping[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in (values or {}).items():
        if v is None:
            continue
        items = v if isinstance(v, list | tuple) else [v]
        out[k] = [str(i) for i in items]
    return out


class CheckingHttpClient(HttpClient):  # type: ignore[misc]
    """Checks every request and response passing through `inner` against the specs.
    Drifts accumulate in `request_drifts` and `response_drifts` (both in `drifts`); with
    `strict=True` the first one raises."""

    def __init__(
        self, inner: HttpClient, conformance: Conformance, *, strict: bool = False
    ) -> None:
        super().__init__(inner.logger, False, inner.timeout)
        self.inner = inner
        self.conformance = conformance
        self.strict = strict
        self.request_drifts: list[str] = []
        self.response_drifts: list[str] = []
        self.exchanges = 0
        self.seen: set[tuple[str, str]] = set()  # (method, path) of every request
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        # Reach the wrapped client's extras, e.g. `.sandbox` on the in-process transport.
        inner = self.__dict__.get("inner")
        if inner is None:
            raise AttributeError(name)
        return getattr(inner, name)

    @property
    def drifts(self) -> list[str]:
        return [*self.request_drifts, *self.response_drifts]

    def _record(self, into: list[str], drifts: list[str]) -> None:
        if not drifts:
            return
        with self._lock:
            into += drifts
        if self.strict:
            raise ConformanceError("\n".join(drifts))

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        form = _as_lists(data) if method.upper() == "POST" else None
        drifts = self.conformance.check_request(method, url, _as_lists(params), form)
        self._record(self.request_drifts, drifts)
        response: Response = self.inner.request(
            method, url, params, data, headers, auth, timeout, allow_redirects
        )
        with self._lock:
            self.exchanges += 1
            self.seen.add(
                (method.upper(), url.split("?", 1)[0].split("://", 1)[-1].split("/", 1)[-1])
            )
        drifts = self.conformance.check_response(method, url, response.status_code, response.text)
        self._record(self.response_drifts, drifts)
        return response
