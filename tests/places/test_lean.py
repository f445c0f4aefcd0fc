"""The lean path answers the geocoder's JSON routes as Django's stack does.

Each request is sent twice: to :class:`GeocoderRoutes` (with a fallback that
records what it is handed) and through Django's test client, with its whole
middleware; what the lean path answers must be the same bytes, status and
headers, and what it does not answer must reach the fallback.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.places import engine
from fabrique.places.lean import GeocoderRoutes, not_found

pytestmark = pytest.mark.django_db

FELL_THROUGH = b"fallback"
#: Headers Django's stack sets on these answers that the lean path keeps.
KEPT = (
    "Content-Type",
    "Access-Control-Allow-Origin",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Content-Security-Policy",
    "Permissions-Policy",
)


def fallback(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("299 Fallback", [("Content-Type", "text/plain")])
    return [FELL_THROUGH]


def call(
    app: Any, path: str, query: str = "", method: str = "GET", **extra: str
) -> tuple[int, dict[str, str], bytes]:
    environ: dict[str, Any] = {
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": method,
        "HTTP_HOST": "testserver",  # the test client's
        "wsgi.input": io.BytesIO(),
        **extra,
    }
    setup_testing_defaults(environ)
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


def same_as_django(client: Any, path: str, query: str) -> bool:
    """Assert the lean answer is Django's; False when the lean path passed."""
    status, headers, body = call(GeocoderRoutes(fallback), path, query)
    if body == FELL_THROUGH:
        return False
    response = client.get(f"{path}?{query}")
    assert status == response.status_code, (path, query)
    assert body == response.content, (path, query)
    for name in KEPT:
        assert headers.get(name) == response.get(name), (name, path, query)
    assert headers["Content-Length"] == str(len(body))
    return True


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/search/", {"q": "12 rue de rivoli paris", "limit": 2}),
        ("/search", {"q": "rivoli", "type": "street", "lat": 48.86, "lon": 2.34}),
        ("/search/", {"q": "rivoli", "autocomplete": "0", "postcode": "75004"}),
        ("/search/", {}),
        ("/search/", {"q": ""}),
        ("/search/", {"q": "x", "limit": "ten"}),
        ("/search/", {"q": "x", "lat": "nan", "lon": "2"}),
        ("/search/", {"q": "a" * 10_240}),
        ("/search/", {"q": "\x00\x01"}),
        ("/reverse/", {"lat": 44.3499, "lon": 2.5751}),
        ("/reverse", {"lat": "x", "lon": "2"}),
        ("/reverse/", {}),
        ("/api/1/geocoder/search/", {"q": "12 rue de rivoli", "limit": 3}),
        ("/api/1/geocoder/search", {"q": "rivoli", "autocomplete": "false"}),
        ("/api/1/geocoder/reverse/", {"lat": 44.3499, "lon": 2.5751}),
        ("/api/1/geocoder/reverse", {"lat": "44.3499", "lon": "2.5751", "limit": 2}),
    ],
)
def test_lean_answers_are_djangos(client, path, params):
    assert same_as_django(client, path, urlencode(params))


@pytest.mark.parametrize(
    "query",
    [
        "q=x&colour=red",  # unknown: the API names it in its envelope
        "q=x&limit=ten",  # not of the schema's type (422)
        "q=x&limit=1000",  # an error: the API's envelope
        "q=%FF",  # not UTF-8
        "q=a%00b",  # NUL
        "limit=5",  # no q (422)
        "q=x&lat=nan&lon=2",
    ],
)
def test_the_api_envelope_is_left_to_django(client, query):
    assert not same_as_django(client, "/api/1/geocoder/search/", query)
    response = client.get(f"/api/1/geocoder/search/?{query}")
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"]


def test_repeated_parameters_of_the_api_go_to_django(client):
    assert not same_as_django(client, "/api/1/geocoder/search/", "q=x&q=y")


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/search/", "POST"),
        ("/search/", "HEAD"),
        ("/search/csv/", "POST"),
        ("/searches/", "GET"),
        ("/", "GET"),
        ("/api/1/geocoder/jobs/x/", "GET"),
    ],
)
def test_other_requests_go_to_django(path, method):
    assert call(GeocoderRoutes(fallback), path, "q=x", method)[2] == FELL_THROUGH


def test_a_host_django_refuses_goes_to_django(client):
    app = GeocoderRoutes(fallback)
    assert call(app, "/search/", "q=x", HTTP_HOST="evil.example")[2] == FELL_THROUGH
    assert client.get("/search/?q=x", HTTP_HOST="evil.example").status_code == 400


def test_plain_http_goes_to_django_when_it_redirects_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app = GeocoderRoutes(fallback)
    assert call(app, "/search/", "q=rivoli")[2] == FELL_THROUGH
    status, _headers, _body = call(
        app, "/search/", "q=rivoli", HTTP_X_FORWARDED_PROTO="https"
    )
    assert status == 200


def test_https_answers_carry_the_hsts_header(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    status, headers, _body = call(
        GeocoderRoutes(fallback), "/search/", "q=rivoli", HTTP_X_FORWARDED_PROTO="https"
    )
    assert status == 200
    response = client.get("/search/?q=rivoli", HTTP_X_FORWARDED_PROTO="https")
    assert headers["Strict-Transport-Security"] == "max-age=3600"
    assert response["Strict-Transport-Security"] == "max-age=3600"
    _status, headers, _body = call(GeocoderRoutes(fallback), "/search/", "q=rivoli")
    assert "Strict-Transport-Security" not in headers


def test_the_geocoder_alone_answers_404_elsewhere():
    app = GeocoderRoutes(not_found, api=False)
    status, headers, body = call(app, "/api/1/geocoder/search/", "q=rivoli")
    assert status == 404
    assert json.loads(body)["title"] == "Not Found"
    status, headers, body = call(app, "/search", "q=rivoli")
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"


def test_a_missing_index_is_a_503(settings, tmp_path):
    settings.GEOCODER_INDEX = tmp_path / "none"
    engine.reset()
    status, _headers, body = call(GeocoderRoutes(fallback), "/search/", "q=rivoli")
    assert status == 503
    assert set(json.loads(body)) == {"title", "description"}


def test_the_lean_path_queries_no_database(django_assert_num_queries):
    app = GeocoderRoutes(fallback)
    with django_assert_num_queries(0):
        for path, query in (
            ("/search/", "q=rivoli"),
            ("/search/", ""),
            ("/reverse/", "lat=44.35&lon=2.57"),
            ("/api/1/geocoder/search", "q=rivoli"),
        ):
            assert call(app, path, query)[2] != FELL_THROUGH


NAMES = st.sampled_from(
    ["q", "limit", "autocomplete", "lat", "lon", "type", "postcode", "citycode",
     "lng", "colour"]
)  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["rivoli", "12 rue de rivoli", "0", "1", "5", "101", "true",
                     "no", "48.85", "-2.3", "nan", "street", "75004", " "]),
)  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    path=st.sampled_from(
        ["/search/", "/search", "/reverse/", "/api/1/geocoder/search/",
         "/api/1/geocoder/reverse"]
    ),
    params=st.lists(st.tuples(NAMES, VALUES), max_size=5),
)  # fmt: skip
def test_any_query_is_answered_as_django_answers_it(client, path, params):
    query = urlencode(params)
    answered = same_as_django(client, path, query)
    if not path.startswith("/api/"):
        assert answered  # Addok's routes never leave the lean path


def test_the_geocoder_alone_imports_no_database_nor_template_and_freezes(places_index):
    code = (
        "import gc, sys, fabrique.geocoder_wsgi\n"
        "print(' '.join(m for m in sys.modules if m.startswith("
        "('django.db', 'django.template', 'django.contrib', 'ninja'))))\n"
        "print(gc.get_freeze_count())"
    )
    env = {**os.environ, "FABRIQUE_GEOCODER_INDEX": str(places_index)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    *imported, frozen = out.stdout.splitlines()
    assert imported == [""]
    # What the workers share is out of the garbage collector's sight.
    assert int(frozen) > 10_000


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=5)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(self.socket_path)


def test_geocoder_serve_answers_search_with_preloaded_workers(places_index, tmp_path):
    sock = tmp_path / "geocoder.sock"
    env = {**os.environ, "FABRIQUE_GEOCODER_INDEX": str(places_index)}
    server = subprocess.Popen(
        [sys.executable, "-m", "fabrique", "geocoder-serve", "--bind",
         f"unix:{sock}", "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.1)
        connection = UnixConnection(str(sock))
        connection.request("GET", "/search/?q=12+rue+de+rivoli&limit=1")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/json; charset=utf-8"
        [feature] = json.loads(response.read())["features"]
        assert feature["properties"]["id"] == "75104_8158_00012"
        connection.request("GET", "/search/")
        response = connection.getresponse()
        assert response.status == 400
        assert json.loads(response.read())["title"] == "Missing parameter"
        connection.request("GET", "/api/1/geocoder/search/?q=rivoli")
        response = connection.getresponse()
        assert response.status == 404
        response.read()
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
