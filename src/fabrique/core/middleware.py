import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy and a strict Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault(
                "Content-Security-Policy", settings.CONTENT_SECURITY_POLICY
            )
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response


class InstanceLanguageMiddleware:
    """Serve the instance's language unless the visitor chose another.

    An instance speaks its own language first (``LANGUAGE_CODE``, French by
    default); the language switch sets a cookie that wins. The browser's
    ``Accept-Language`` is followed only when ``LANGUAGE_FROM_BROWSER`` is on.
    Place before ``LocaleMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.LANGUAGE_FROM_BROWSER:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class CsrfCookieMiddleware:
    """Give every visitor the CSRF cookie with the first page they read.

    Pages of visitors who are not signed in are cached for all of them and so
    carry no token; their forms take it from this cookie (``fabrique.js``).
    Place after ``CsrfViewMiddleware``, which then sends the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method == "GET"
            and settings.CSRF_COOKIE_NAME not in request.COOKIES
            and response.get("Content-Type", "").startswith("text/html")
        ):
            get_token(request)
        return response


#: The longest value a query parameter may carry (characters).
MAX_QUERY_VALUE = 2048
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


class MalformedInput(Exception):
    """A request parameter no page or route can use; ``str()`` says which."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _check_pairs(raw: str, source: str) -> None:
    """Refuse NUL bytes, invalid UTF-8 and oversized values in ``raw``
    (an urlencoded string, as in a query string or a form body)."""
    for pair in raw.split("&"):
        if not pair:
            continue
        name, _sep, value = pair.partition("=")
        raw_name = unquote_to_bytes(name.replace("+", " "))
        raw_value = unquote_to_bytes(value.replace("+", " "))
        try:
            field = raw_name.decode()
        except UnicodeDecodeError:
            raise MalformedInput(
                source, _("A parameter name is not valid UTF-8 text.")
            ) from None
        if "\x00" in field:
            raise MalformedInput(source, _("A parameter name holds a NUL byte."))
        try:
            text = raw_value.decode()
        except UnicodeDecodeError:
            raise MalformedInput(
                field,
                _("The parameter %(name)s is not valid UTF-8 text.") % {"name": field},
            ) from None
        if "\x00" in text:
            raise MalformedInput(
                field,
                _("The parameter %(name)s holds a NUL byte.") % {"name": field},
            )
        if source == "query" and len(text) > MAX_QUERY_VALUE:
            raise MalformedInput(
                field,
                _(
                    "The parameter %(name)s is %(length)s characters long; "
                    "the limit is %(limit)s."
                )
                % {"name": field, "length": len(text), "limit": MAX_QUERY_VALUE},
            )


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


#: Routes that check their query themselves and answer in a shape of their
#: own: Addok's geocoding routes (``{"title", "description"}``, as Addok's
#: clients expect). They touch no database: the index is in the process.
OWN_QUERY_CHECKS = frozenset({"places:search", "places:reverse"})


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def check_request(request: HttpRequest) -> None:
    """Raise :class:`MalformedInput` for text no database can store.

    PostgreSQL refuses NUL characters in text and every layer expects UTF-8:
    such input is refused here, once for every page and route, rather than
    failing deep inside a query.
    """
    raw_path = request.META.get("PATH_INFO", "")
    if "\x00" in raw_path:
        raise MalformedInput("path", _("The address holds a NUL byte."))
    if _view_name(request) not in OWN_QUERY_CHECKS:
        _check_pairs(request.META.get("QUERY_STRING", ""), "query")
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    # Multipart bodies are left to the view: reading them here would stop a
    # view from setting its own upload handlers; their text fields go through
    # forms, whose CharField refuses NUL (ProhibitNullCharactersValidator).
    content_type = request.content_type or ""
    if content_type not in {"application/x-www-form-urlencoded"} and not (
        content_type.endswith("json")
    ):
        return
    try:
        body = request.body
    except RequestDataTooBig:
        return  # the route answers 413 itself
    if content_type == "application/x-www-form-urlencoded":
        _check_pairs(body.decode("latin-1"), "body")
    else:
        if b"\x00" in body or _JSON_NUL.search(body):
            try:
                data = json.loads(body)
            except ValueError:
                return  # the route answers that the JSON is malformed
            if b"\x00" in body or _has_nul(data):
                raise MalformedInput(
                    "body", _("The request body holds a NUL character (\\u0000).")
                )


class MalformedInputMiddleware:
    """Answer 400 to NUL bytes, invalid UTF-8 and huge query values.

    The API gets its error envelope, pages a short 400 page. Place early,
    before anything reads the parameters.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except MalformedInput as exc:
            return self.refuse(request, exc)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, exc: MalformedInput) -> HttpResponse:
        if request.path.startswith("/api/"):
            from fabrique.api.errors import error_response

            return error_response(
                400,
                str(exc),
                details=[
                    {"field": exc.field, "message": str(exc), "type": "malformed"}
                ],
            )
        return render(request, "400.html", {"reason": str(exc)}, status=400)


#: Routes that take files → the setting holding their size limit in bytes.
#: Every other route accepts a body of at most DATA_UPLOAD_MAX_MEMORY_SIZE.
UPLOAD_LIMITS = {
    "api:list_versions": "TRANSPORT_MAX_UPLOAD",
    "api:transport_validations": "TRANSPORT_MAX_UPLOAD",
    "transport:resource_create": "TRANSPORT_MAX_UPLOAD",
    "transport:version_upload": "TRANSPORT_MAX_UPLOAD",
    "transport:validate": "TRANSPORT_MAX_UPLOAD",
    "api:search_csv": "GEOCODER_CSV_MAX_BYTES",
    "api:reverse_csv": "GEOCODER_CSV_MAX_BYTES",
    "places:search_csv": "GEOCODER_CSV_MAX_BYTES",
    "places:reverse_csv": "GEOCODER_CSV_MAX_BYTES",
    "catalog:image_add": "FABRIQUE_MAX_IMAGE_BYTES",
    "projects:funding_expense": "FABRIQUE_RECEIPT_MAX_BYTES",
    "api:attach_receipt": "FABRIQUE_RECEIPT_MAX_BYTES",
}
#: Room for the multipart boundaries and the form's other fields.
UPLOAD_SLACK = 64 * 1024


def upload_limit(request: HttpRequest) -> int:
    """The largest request body the route of ``request`` accepts, in bytes."""
    setting = UPLOAD_LIMITS.get(_view_name(request))
    if setting is None:
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + UPLOAD_SLACK
    return int(getattr(settings, setting)) + UPLOAD_SLACK


class UploadLimitMiddleware:
    """Refuse a request body larger than its route accepts before reading it.

    Django reads at most ``Content-Length`` bytes of a body (a body without
    one is read as empty), so comparing that header with the route's limit
    refuses an oversized upload before a byte of it is spooled to disk. The
    API answers 413 in its envelope, pages a 413 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            limit = upload_limit(request)
            if length > limit:
                return self.refuse(request, length, limit - UPLOAD_SLACK)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, length: int, limit: int) -> HttpResponse:
        message = _(
            "The request body weighs %(size)s bytes; this address accepts "
            "%(limit)s bytes at most."
        ) % {"size": length, "limit": limit}
        if request.path.startswith("/api/"):
            from fabrique.api.errors import error_response

            response = error_response(
                413, message, details={"limit_bytes": limit, "size_bytes": length}
            )
        else:
            response = render(
                request,
                "413.html",
                {"reason": message},
                status=413,
            )
        return response
