"""URLs of /api/1/: the ninja routes, each answering errors in the envelope.

Django answers a path no route matches (404) and a method a route does not
serve (405) before ninja sees the request; both are wrapped here so that a
client gets the same ``{"error": …}`` envelope for them too.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path

from fabrique.api.errors import error_response
from fabrique.api.main import api


def enveloped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a bare 405 of ``view`` in the error envelope."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get(
            "Content-Type", ""
        ):
            allowed = response.get("Allow", "")
            response = error_response(
                405,
                f"{request.method} is not allowed here; allowed: {allowed}.",
                details={"allowed": [m.strip() for m in allowed.split(",") if m]},
            )
            response["Allow"] = allowed
        return response

    return wrapper


def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    return error_response(404, f"No API route at {request.path}.")


def _wrap(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = enveloped(pattern.callback)
    return patterns


ninja_patterns, app_name, namespace = api.urls
urlpatterns = [
    *_wrap(list(ninja_patterns)),
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
app_name = "api"
