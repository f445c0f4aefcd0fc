"""Every route refuses text no database can store, and never fails on it.

Enumerated like the route permission test (``tests/api/routes.py``): every
page URL pattern and every API operation gets each query parameter — and
each field of its form or JSON body — holding a NUL byte, invalid UTF-8
(``%FF``) or a 10 KB value. NUL bytes and invalid UTF-8 answer 400 (in the
error envelope on the API); a 10 KB value may be accepted or refused, but
never with a 500. Run on SQLite and on PostgreSQL, which refuses NUL in
text and enforces column lengths.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from django.test import Client

from fabrique.api.main import api
from tests.api.conftest import ApiClient, token_for
from tests.api.routes import api_routes, web_routes
from tests.api.test_route_permissions import owner_form, world  # noqa: F401

pytestmark = pytest.mark.django_db

SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]
WEB_ROUTES = web_routes()
API_ROUTES = api_routes(SCHEMA)

#: Query parameters the pages read (filters, search, paging), sent to every page.
PAGE_PARAMETERS = (
    "q", "kind", "theme", "maturity", "licence", "page", "sort", "verb", "type",
    "next", "date", "stop", "topic", "severity", "filtre", "part", "tag",
)  # fmt: skip

# Encoded as they travel in a query string or an urlencoded form.
ENCODED = {"nul": "a%00b", "invalid_utf8": "a%FFb", "10kb": "x" * 10_000}
# As text inside a JSON body (invalid UTF-8 cannot be in a str: see below).
JSON_TEXT = {"nul": "a\x00b", "10kb": "x" * 10_000}
REFUSED = {"nul", "invalid_utf8"}


def _query(names: Any, value: str) -> str:
    return "&".join(f"{quote(name)}={value}" for name in names)


def _check(response, payload: str, where: str, *, api_route: bool) -> None:
    assert response.status_code < 500, (where, response.content[:300])
    if payload in REFUSED:
        assert response.status_code == 400, (where, response.status_code)
    if api_route and response.status_code >= 400:
        body = response.json()
        assert set(body["error"]) == {"code", "message", "details"}, where


def _string_fields(schema: dict[str, Any]) -> list[str]:
    """Top-level properties of a body schema that take a string."""
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    fields = []
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        for option in options:
            while "$ref" in option:
                option = COMPONENTS[option["$ref"].rsplit("/", 1)[1]]
            if option.get("type") == "string" and "enum" not in option:
                fields.append(name)
                break
    return fields


def _json_schema(route) -> dict[str, Any]:
    operation = SCHEMA["paths"][route.path][route.method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema", {})


@pytest.mark.parametrize("route", WEB_ROUTES, ids=lambda r: r.name)
def test_pages_refuse_hostile_parameters_cleanly(world, route):  # noqa: F811
    client = Client()
    client.force_login(world["owner"])
    form = parse_qsl(owner_form(world["owner"], route.url), keep_blank_values=True)
    for payload, value in ENCODED.items():
        url = f"{route.url}?{_query(PAGE_PARAMETERS, value)}"
        response = client.get(url)
        _check(response, payload, f"GET {url[:80]}", api_route=False)
        if form:
            body = _query([name for name, _ in form], value)
            response = client.post(
                route.url, body, content_type="application/x-www-form-urlencoded"
            )
            _check(response, payload, f"POST {route.url}", api_route=False)


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_api_refuses_hostile_parameters_in_its_envelope(
    world,  # noqa: F811
    geocoder_index,
    route,
):
    client = ApiClient(token_for(world["owner"]))
    headers = client._headers()
    base = route.url
    sample = dict(route.required_query)
    for payload, value in ENCODED.items():
        names = [name for name, _ in route.query] or ["q"]
        query = _query(names, value)
        fixed = "&".join(
            f"{k}={quote(str(v))}" for k, v in sample.items() if k not in names
        )
        url = f"{base}?{query}" + (f"&{fixed}" if fixed else "")
        response = client.client.generic(
            route.method,
            url,
            json.dumps(route.body)
            if route.body is not None and not route.multipart
            else "",
            content_type="application/json",
            headers=headers,
        )
        if response.streaming:
            b"".join(response.streaming_content)
        _check(response, payload, f"{route.method} {url[:90]}", api_route=True)
    if route.body is None or route.multipart:
        return
    for field in _string_fields(_json_schema(route)):
        for payload, text in JSON_TEXT.items():
            body = {**route.body, field: text}
            response = client.send(route.method, route.url, body)
            _check(
                response, payload, f"{route.method} {route.url} {field}", api_route=True
            )
        # Invalid UTF-8 cannot be written in JSON text: send the raw bytes.
        raw = (
            json.dumps({**route.body, field: "a?b"}).encode().replace(b"a?b", b"a\xffb")
        )
        response = client.send(route.method, route.url, raw=raw)
        _check(
            response,
            "invalid_utf8",
            f"{route.method} {route.url} {field}",
            api_route=True,
        )
