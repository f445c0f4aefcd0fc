"""Enumerate every route of the site, for the permission tests.

Web routes come from Django's URL resolver (so any ``path()`` added anywhere
is found); API routes come from the OpenAPI schema of the ninja API, which
also gives their methods and request bodies. Each route gets a concrete URL
whose parameters point at the sample objects of the permission test world
(every object there has primary key ``SAMPLE_PK`` and slug ``SAMPLE_SLUG``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

SAMPLE_PK = 900001
SAMPLE_SLUG = "sample"
SAMPLE_USERNAME = "owner"
API_PREFIX = "api/1/"

# API operations that take a POST but store nothing and need no account: the
# Addok-compatible batch geocoding of an uploaded CSV file.
PUBLIC_API_WRITES = {
    ("POST", "/api/1/geocoder/search/csv/"),
    ("POST", "/api/1/geocoder/reverse/csv/"),
    # On-demand GTFS validation: open to anyone by design, rate-limited per
    # client; the sample body's address is refused, so nothing is stored here.
    ("POST", "/api/1/transport/validations/"),
    # A vehicle's check and completion compute an answer and store nothing.
    ("POST", "/api/1/vehicles/check/"),
    ("POST", "/api/1/vehicles/complete/"),
}


@dataclass(frozen=True)
class WebRoute:
    name: str  # "namespace:name", or the route text when unnamed
    route: str  # the joined pattern text, for messages
    url: str


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str  # as in the OpenAPI schema: /api/1/needs/{need_id}/
    url: str
    body: dict[str, Any] | None
    query: tuple[tuple[str, str], ...] = ()  # (name, JSON type) of query params
    multipart: bool = False  # body sent as a form with each field as a file
    secured: bool = False  # the operation needs a signed-in caller, even to read
    required_query: tuple[tuple[str, Any], ...] = ()  # (name, sample value)


def _sample(name: str, converter: Any = None) -> str:
    if name in {"number", "a", "b"} or "revision" in name:
        return "1"
    if name == "username":
        return SAMPLE_USERNAME
    if isinstance(converter, IntConverter) or name == "pk" or name.endswith("_id"):
        return str(SAMPLE_PK)
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000001"
    return SAMPLE_SLUG


def _fill_route(text: str, converters: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        return _sample(name, converters.get(name))

    return re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", replace, text)


def _fill_regex(text: str) -> str:
    """Turn a URL regex into one matching URL, named groups set to samples."""
    text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    out, i = [], 0
    while i < len(text):
        if text.startswith("(?P<", i):
            name = text[i + 4 : text.index(">", i)]
            depth, j = 0, i
            while True:  # skip to the matching parenthesis
                if text[j] == "\\":
                    j += 2
                    continue
                depth += text[j] == "("
                depth -= text[j] == ")"
                j += 1
                if depth == 0:
                    break
            out.append(_sample(name))
            i = j
        elif text[i] == "\\":
            out.append(text[i + 1])
            i += 2
        elif text[i] in "?*+":
            i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _piece(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return _fill_route(str(pattern), pattern.converters)
    return _fill_regex(str(pattern))


def web_routes() -> list[WebRoute]:
    """Every URL pattern outside the API, with a concrete sample URL."""
    found: list[WebRoute] = []

    def walk(patterns: list[Any], namespaces: list[str], pieces: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = (
                    [*namespaces, pattern.namespace]
                    if pattern.namespace
                    else namespaces
                )
                walk(pattern.url_patterns, ns, [*pieces, pattern.pattern])
            elif isinstance(pattern, URLPattern):
                parts = [*pieces, pattern.pattern]
                route = "".join(str(p) for p in parts)
                url = "/" + "".join(_piece(p) for p in parts)
                if url.startswith("/" + API_PREFIX):
                    continue
                name = ":".join([*namespaces, pattern.name]) if pattern.name else route
                found.append(WebRoute(name=name, route=route, url=url))

    walk(get_resolver().url_patterns, [], [])
    return found


def api_resolver_routes() -> list[str]:
    """The route texts of every URL pattern under the API prefix."""
    routes: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif text.startswith(API_PREFIX):
                routes.append(text)

    walk(get_resolver().url_patterns, "")
    return routes


# API bodies from the OpenAPI schema ------------------------------------------

_STRING_CANDIDATES = (
    SAMPLE_SLUG, "commons", "https://example.org/x", "x",
    "2026-01-01",  # dates
    "Sample question?",  # needs are written as questions
)  # fmt: skip


def example(schema: dict[str, Any], components: dict[str, Any], name: str = "") -> Any:
    """A small valid value for ``schema``: only required fields, first choices."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components, name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0], components, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            field: example(schema["properties"][field], components, field)
            for field in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "string":
        pattern = schema.get("pattern")
        for candidate in _STRING_CANDIDATES:
            if len(candidate) >= schema.get("minLength", 0) and (
                pattern is None or re.search(pattern, candidate)
            ):
                return candidate
        raise ValueError(f"no sample string for {name!r} matching {pattern!r}")
    return None


def api_routes(schema: dict[str, Any]) -> list[ApiRoute]:
    """Every operation of the OpenAPI ``schema`` with a sample URL and body."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            url = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    value = _sample(
                        parameter["name"],
                        IntConverter()
                        if parameter["schema"].get("type") == "integer"
                        else None,
                    )
                    url = url.replace("{" + parameter["name"] + "}", value)
            content = operation.get("requestBody", {}).get("content", {})
            body = None
            multipart = False
            if "application/json" in content:
                body = example(content["application/json"]["schema"], components)
            elif "multipart/form-data" in content:
                body = example(content["multipart/form-data"]["schema"], components)
                multipart = True
            query = tuple(
                (p["name"], p["schema"].get("type", ""))
                for p in operation.get("parameters", [])
                if p["in"] == "query"
            )
            required_query = tuple(
                (p["name"], example(p["schema"], components, p["name"]))
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p.get("required")
            )
            found.append(
                ApiRoute(
                    method.upper(),
                    path,
                    url,
                    body,
                    query,
                    multipart=multipart,
                    secured=bool(operation.get("security")),
                    required_query=required_query,
                )
            )
    return found
