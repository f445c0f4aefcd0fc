"""One error envelope for every error of every API route (``fabrique.api.errors``).

The routes are enumerated from the OpenAPI schema, so a new route is held to
the envelope without touching this file.
"""

from __future__ import annotations

import pytest

from fabrique.api.common import get_or_404
from fabrique.api.errors import ApiError
from fabrique.api.main import api
from fabrique.catalog import services
from fabrique.catalog.models import Commons
from tests.api.conftest import ApiClient
from tests.api.routes import PUBLIC_API_WRITES, api_routes
from tests.catalog.factories import make_commons

pytestmark = pytest.mark.django_db

ROUTES = api_routes(api.get_openapi_schema())
OBJECT_READS = [r for r in ROUTES if r.method == "GET" and "{" in r.path]
NUMERIC_QUERIES = [
    (route, name)
    for route in ROUTES
    if route.method == "GET"
    for name, kind in route.query[:1] + tuple(q for q in route.query if q[0] == "page")
    if kind in {"integer", "number"}
]
WRITES = [
    r
    for r in ROUTES
    if r.method != "GET" and (r.method, r.path) not in PUBLIC_API_WRITES
]
BODY_WRITES = [r for r in WRITES if r.body is not None and not r.multipart]
UPLOADS = [r for r in WRITES if r.multipart]


def assert_envelope(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert isinstance(error["message"], str)
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


SECURED_READS = [r for r in ROUTES if r.method == "GET" and r.secured]


def reader_of(route, anonymous: ApiClient, as_owner: ApiClient) -> ApiClient:
    """Anyone for public reads; a signed-in caller for the personal ones."""
    return as_owner if route.secured else anonymous


@pytest.mark.parametrize("route", OBJECT_READS, ids=lambda r: r.path)
def test_a_missing_object_is_a_404_envelope(anonymous, as_owner, route):
    url = route.url.replace("900001", "123456789").replace("sample", "no-such-thing")
    client = reader_of(route, anonymous, as_owner)
    assert_envelope(client.get(url, **dict(route.required_query)), 404, "not_found")


@pytest.mark.parametrize(
    ("route", "name"), NUMERIC_QUERIES, ids=lambda x: getattr(x, "path", x)
)
def test_a_bad_query_parameter_is_a_422_envelope_naming_it(
    anonymous, as_owner, route, name
):
    client = reader_of(route, anonymous, as_owner)
    response = client.get(route.url, **{**dict(route.required_query), name: "zero"})
    error = assert_envelope(response, 422)
    assert name in {detail["field"] for detail in error["details"]}


@pytest.mark.parametrize("route", SECURED_READS, ids=lambda r: r.path)
def test_a_personal_read_without_a_caller_is_a_401_envelope(anonymous, route):
    response = anonymous.get(route.url, **dict(route.required_query))
    assert_envelope(response, 401, "unauthorized")


@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r.method} {r.path}")
def test_an_anonymous_write_is_a_401_envelope(anonymous, route):
    response = anonymous.send(route.method, route.url, route.body)
    assert_envelope(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("route", BODY_WRITES, ids=lambda r: f"{r.method} {r.path}")
def test_a_malformed_json_body_is_a_400_envelope(as_owner, route):
    response = as_owner.send(route.method, route.url, raw=b'{"title": "unfinished')
    assert_envelope(response, 400, "bad_request")


@pytest.mark.parametrize("route", UPLOADS, ids=lambda r: f"{r.method} {r.path}")
def test_an_upload_without_its_file_is_a_422_envelope_naming_it(as_owner, route):
    response = as_owner.send(route.method, route.url, raw=b'{"title": "unfinished')
    error = assert_envelope(response, 422, "validation_error")
    fields = {detail["field"].split(".")[0] for detail in error["details"]}
    assert fields & set(route.body or {}), error


def test_a_validation_error_lists_every_faulty_field(as_owner):
    response = as_owner.post(
        "/api/1/commons/", {"title": "", "kind": "spaceship", "tags": "not a list"}
    )
    error = assert_envelope(response, 422, "validation_error")
    fields = {detail["field"] for detail in error["details"]}
    assert fields == {"title", "summary", "kind", "tags"}
    assert all(detail["message"] for detail in error["details"])


def test_an_edit_conflict_is_a_409_envelope_with_the_current_revision(as_owner):
    commons = make_commons()
    url = f"/api/1/commons/{commons.slug}/"
    as_owner.patch(url, {"base_revision": 1, "summary": "A"})
    error = assert_envelope(
        as_owner.patch(url, {"base_revision": 1, "summary": "B"}), 409, "edit_conflict"
    )
    assert error["details"]["current_revision"] == 2


def test_a_forbidden_write_is_a_403_envelope(owner, as_stranger):
    commons = make_commons(user=owner)
    assert_envelope(as_stranger.delete(f"/api/1/commons/{commons.slug}/"), 403)


def test_a_body_over_the_size_limit_is_a_413_envelope(as_owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"title": "T", "summary": "S", "kind": "data", "description": "x" * 2000}
    assert_envelope(as_owner.post("/api/1/commons/", body), 413, "payload_too_large")
    assert not Commons.objects.exists()


def test_the_api_root_points_to_the_docs_and_resources(anonymous):
    body = anonymous.get("/api/1/").json()
    assert body["openapi"] == "http://testserver/api/1/openapi.json"
    assert body["resources"]["commons"] == "http://testserver/api/1/commons/"
    assert_envelope(anonymous.post("/api/1/", {}), 405, "method_not_allowed")


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def test_an_unknown_path_is_a_404_envelope_whatever_the_method(method):
    from django.test import Client

    # A browser-like client, with CSRF checks on and no token: an unknown path
    # is still the API's JSON 404, not Django's HTML 403 page.
    client = Client(enforce_csrf_checks=True)
    for path in ("/api/1/no/such/route/", "/api/1/commons/x/y/z/"):
        response = client.generic(method, path)
        if method == "HEAD":
            assert response.status_code == 404
            continue
        assert_envelope(response, 404, "not_found")
    if method not in {"GET", "HEAD"}:
        root = client.generic(method, "/api/1/")
        assert_envelope(root, 405, "method_not_allowed")


def test_an_unsupported_method_is_a_405_envelope_listing_the_allowed_ones(as_owner):
    response = as_owner.send("PUT", "/api/1/commons/", {})
    error = assert_envelope(response, 405, "method_not_allowed")
    assert sorted(error["details"]["allowed"]) == ["GET", "POST"]


def test_an_unexpected_failure_is_a_500_envelope_without_internals(
    as_owner, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "create_commons", broken)
    response = as_owner.post(
        "/api/1/commons/", {"title": "T", "summary": "S", "kind": "data"}
    )
    error = assert_envelope(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "secret internal detail" in caplog.text, "the failure is logged"
    assert error["details"] is None
    assert not Commons.objects.exists()


def test_a_rate_limited_write_is_a_429_envelope(settings, as_owner):
    from django.core.cache import cache

    cache.clear()
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_API_WRITE = "1/60"
    body = {"title": "T", "summary": "S", "kind": "data"}
    assert as_owner.post("/api/1/commons/", body).status_code == 201
    error = assert_envelope(as_owner.post("/api/1/commons/", body), 429, "rate_limited")
    assert error["details"]["retry_after"] >= 1


def test_errors_are_described_in_the_openapi_schema():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "get" or (method.upper(), path) in PUBLIC_API_WRITES:
                continue
            described = {str(status) for status in operation["responses"]}
            for status in ("401", "403", "404", "409", "422", "429"):
                assert status in described, (method, path, status)


def test_an_invalid_token_is_refused_with_the_envelope():
    client = ApiClient("fab_not-a-real-token")
    response = client.post("/api/1/commons/", {"title": "T"})
    assert_envelope(response, 401, "unauthorized")


def test_a_lookup_finds_its_one_row_and_two_rows_give_the_first_in_order():
    older = make_commons(title="Vélo partagé", kind="software")
    newer = make_commons(title="Covoiturage", kind="software")
    Commons.objects.filter(pk=older.pk).update(updated=newer.updated.replace(year=2020))
    queryset = Commons.objects.all()  # newest first
    assert get_or_404(queryset, "commons", slug=older.slug) == older
    assert get_or_404(queryset, "commons", kind="software") == newer
    with pytest.raises(ApiError) as raised:
        get_or_404(queryset, "commons", slug="absent")
    assert raised.value.status == 404
    assert "slug='absent'" in str(raised.value.message)
