from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token


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
