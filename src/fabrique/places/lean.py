"""Addok's JSON routes on a lean path, in front of Django's stack.

``/search``, ``/reverse`` (with or without the trailing slash) and their
twins under ``/api/1/geocoder/`` read no session, set no CSRF cookie, render
no template and query no database; going through Django's middleware,
URL resolver and request objects cost more than the search of a full
address. :class:`GeocoderRoutes` is a WSGI application that answers these
routes itself and hands every other request to the application behind it
(Django's). The answers are the bytes the views write (``views`` and
``api``), with the same status, ``Content-Type`` and headers.

What the lean path does not answer exactly as the views, it does not answer:
any method but GET, a host not in ``ALLOWED_HOSTS``, plain HTTP when
``SECURE_SSL_REDIRECT`` is on, and on the API's routes a parameter the API
would refuse in its own envelope (unknown, repeated, not of its type,
malformed text) or any error — those go to Django, which answers as before.
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings

from fabrique.geocoder.errors import GeocoderError

from .answers import collection
from .engine import IndexUnavailable, get_index
from .params import (
    FALSE,
    FILTERS,
    TRUE,
    ParamError,
    Params,
    reverse_options,
    search_options,
)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

JSON_TYPE = "application/json; charset=utf-8"  # as views.JSON_TYPE
ERROR_TYPE = "application/json"  # JsonResponse's default, as Addok's errors
STATUS = {
    200: "200 OK",
    400: "400 Bad Request",
    404: "404 Not Found",
    503: "503 Service Unavailable",
}
SEARCH, REVERSE = "search", "reverse"
ADDOK_ROUTES = {
    "/search": SEARCH,
    "/search/": SEARCH,
    "/reverse": REVERSE,
    "/reverse/": REVERSE,
}
API_ROUTES = {
    "/api/1/geocoder/search": SEARCH,
    "/api/1/geocoder/search/": SEARCH,
    "/api/1/geocoder/reverse": REVERSE,
    "/api/1/geocoder/reverse/": REVERSE,
}
API_PARAMS = {
    SEARCH: frozenset(
        {"q", "limit", "autocomplete", "lat", "lon", "type", "postcode", "citycode"}
    ),
    REVERSE: frozenset({"lat", "lon", "type", "limit"}),
}
#: Values the API's schema reads as this module does (else Django answers).
_INTEGER = re.compile(r"[0-9]{1,3}")
_FLOAT = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,15})?")
_BOOLEAN = TRUE | FALSE
_TEXT_LIMIT = 2048  # MalformedInputMiddleware's MAX_QUERY_VALUE


def security_headers() -> list[tuple[str, str]]:
    """The headers Django's stack adds to these answers (settings read once)."""
    headers = [("X-Content-Type-Options", "nosniff")]
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", str(settings.SECURE_REFERRER_POLICY)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(
            ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
        )
    headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS))
    if settings.CONTENT_SECURITY_POLICY:
        headers.append(("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY))
    headers.append(
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
    )
    return headers


class Query(dict[str, str]):
    """A query string as ``request.GET`` reads it: each name's last value,
    and all the pairs in order (``pairs``)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


class TooManyFields(Exception):
    """More fields than Django reads (it answers 400 itself)."""


def is_secure(environ: dict[str, Any]) -> bool:
    """Whether the request came over HTTPS, as ``request.is_secure()`` says."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, secure_value = proxy
        value = environ.get(header)
        if value is not None:
            return bool(value.split(",", 1)[0].strip() == secure_value)
    return bool(environ.get("wsgi.url_scheme") == "https")


def hsts_header() -> tuple[str, str] | None:
    """SecurityMiddleware's Strict-Transport-Security, for HTTPS answers."""
    seconds = settings.SECURE_HSTS_SECONDS
    if not seconds:
        return None
    value = f"max-age={seconds}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return ("Strict-Transport-Security", value)


class HostCheck:
    """Django's check of the ``Host`` header (``request.get_host()``)."""

    def __init__(self) -> None:
        from django.http.request import split_domain_port, validate_host

        self.split, self.validate = split_domain_port, validate_host
        allowed = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        self.allowed = allowed
        self.forwarded = settings.USE_X_FORWARDED_HOST

    def __call__(self, environ: dict[str, Any], secure: bool) -> bool:
        if self.forwarded and "HTTP_X_FORWARDED_HOST" in environ:
            host = environ["HTTP_X_FORWARDED_HOST"]
        elif "HTTP_HOST" in environ:
            host = environ["HTTP_HOST"]
        else:
            host = environ.get("SERVER_NAME", "")
            port = str(environ.get("SERVER_PORT", ""))
            if port != ("443" if secure else "80"):
                host = f"{host}:{port}"
        domain, _port = self.split(host)
        return bool(domain) and bool(self.validate(domain, self.allowed))


def read_query(environ: dict[str, Any]) -> Query:
    """The query string read as Django's ``request.GET`` reads it (``QueryDict``)."""
    raw = environ.get("QUERY_STRING", "")
    text = raw.encode("iso-8859-1").decode(errors="replace")
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError:
        raise TooManyFields from None
    return Query(pairs)


def api_can_answer(params: Query, route: str) -> bool:
    """Whether the API's schema reads ``params`` as the Addok routes do."""
    allowed = API_PARAMS[route]
    if len(params.pairs) != len(params):
        return False  # a name given twice
    for name, value in params.pairs:
        if name not in allowed:
            return False
        if len(value) > _TEXT_LIMIT or "\x00" in value or "\ufffd" in value:
            return False
        if name == "limit" and not _INTEGER.fullmatch(value):
            return False
        if name in ("lat", "lon") and not _FLOAT.fullmatch(value):
            return False
        if name == "autocomplete" and value not in _BOOLEAN:
            return False
    return "q" in params if route == SEARCH else True


def search(params: Params) -> dict[str, Any]:
    """As :func:`views.run_search`."""
    options = search_options(params)
    results = get_index().search(**options)
    filters = {k: [options[k]] for k in FILTERS if k in options}
    center = None
    if options["lat"] is not None:
        center = (options["lat"], options["lon"])
    return collection(results, query=options["text"], filters=filters,
                      center=center, limit=options["limit"])  # fmt: skip


def reverse(params: Params) -> dict[str, Any]:
    """As :func:`views.run_reverse`."""
    options = reverse_options(params)
    results = get_index().reverse(**options)
    filters = {"type": [options["type"]]} if options["type"] else None
    return collection(results, filters=filters, limit=options["limit"])


CALLS = {SEARCH: search, REVERSE: reverse}


def addok_answer(route: str, params: Params) -> tuple[int, str, dict[str, Any]]:
    """Status, content type and body of an Addok route (as ``views._answer``)."""
    try:
        return 200, JSON_TYPE, CALLS[route](params)
    except ParamError as exc:
        error = (exc.status, exc.title, exc.description)
    except GeocoderError as exc:
        error = (400, "Invalid parameter", str(exc))
    except IndexUnavailable as exc:
        error = (503, "Service Unavailable", str(exc))
    status, title, description = error
    return status, ERROR_TYPE, {"title": title, "description": description}


class GeocoderRoutes:
    """WSGI: the geocoder's JSON routes here, every other request to ``fallback``.

    With ``api=False`` only Addok's own routes are answered, for any
    ``Host`` (a server of the geocoder alone, as Addok's, where ``fallback``
    answers the rest).
    """

    def __init__(self, fallback: WSGIApp, *, api: bool = True) -> None:
        self.fallback = fallback
        self.routes = {**ADDOK_ROUTES, **(API_ROUTES if api else {})}
        self.headers = security_headers()
        self.hsts = hsts_header()
        self.redirect = bool(settings.SECURE_SSL_REDIRECT)
        self.host_check = HostCheck() if api else None

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        route = self.routes.get(path)
        if route is None or environ.get("REQUEST_METHOD") != "GET":
            return self.fallback(environ, start_response)
        secure = is_secure(environ)
        if (self.redirect and not secure) or (
            self.host_check is not None and not self.host_check(environ, secure)
        ):
            return self.fallback(environ, start_response)
        try:
            params = read_query(environ)
        except TooManyFields:
            return self.fallback(environ, start_response)
        if path in ADDOK_ROUTES:
            status, content_type, body = addok_answer(route, params)
        else:
            if not api_can_answer(params, route):
                return self.fallback(environ, start_response)
            status, content_type, body = addok_answer(route, params)
            if status != 200:  # the API's envelope: Django writes it
                return self.fallback(environ, start_response)
        data = json.dumps(body).encode()
        headers = [
            ("Content-Type", content_type),
            ("Access-Control-Allow-Origin", "*"),
            ("Content-Length", str(len(data))),
            *self.headers,
        ]
        if secure and self.hsts:
            headers.append(self.hsts)
        start_response(STATUS[status], headers)
        return [data]


def not_found(
    environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    """What a server of the geocoder alone answers elsewhere (Addok's shape)."""
    data = json.dumps(
        {"title": "Not Found", "description": "Routes: /search/, /reverse/."}
    ).encode()
    start_response(
        STATUS[404],
        [("Content-Type", ERROR_TYPE), ("Content-Length", str(len(data)))],
    )
    return [data]


def warm() -> None:
    """Open the index now, before gunicorn forks its workers (with preload).

    The objects made so far (modules, settings, the index's tables) are then
    moved out of the garbage collector's sight (``gc.freeze``): a worker's
    collections would otherwise write to every page holding them, and each
    worker would end up with a copy of the pages it shares at first.
    """
    # Not built yet (answered 503 until it is) or unreadable: the server still
    # starts, and the first request tries again.
    with contextlib.suppress(IndexUnavailable, OSError):
        get_index()
    gc.collect()
    gc.freeze()
