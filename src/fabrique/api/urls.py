"""URLs of /api/1/: the ninja routes, each answering errors in the envelope.

Django answers a path no route matches (404) and a method a route does not
serve (405) before ninja sees the request; both are wrapped here so that a
client gets the same ``{"error": …}`` envelope for them too.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt

from fabrique.api.errors import error_response
from fabrique.api.main import api


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    response = error_response(
        405,
        f"{request.method} is not allowed here; allowed: {', '.join(allowed)}.",
        details={"allowed": allowed},
    )
    response["Allow"] = ", ".join(allowed)
    return response


def enveloped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a bare 405 of ``view`` in the error envelope."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get(
            "Content-Type", ""
        ):
            allowed = response.get("Allow", "")
            return method_not_allowed(
                request, [m.strip() for m in allowed.split(",") if m.strip()]
            )
        return response

    return wrapper


RESOURCES = ("commons", "actors", "themes", "needs", "memberships", "discussions",
             "activity", "vehicles/modules", "vehicles/configurations",
             "vehicles/interface-types")  # fmt: skip


# The index and the catch-all store nothing: exempt from the CSRF check, so a
# POST to an unknown path answers 404 in the envelope, not the HTML 403 page.
@csrf_exempt
def index(request: HttpRequest) -> HttpResponse:
    """Where to start: the docs, the schema and the resources."""
    if request.method not in {"GET", "HEAD"}:
        return method_not_allowed(request, ["GET", "HEAD"])
    base = request.build_absolute_uri(request.path)
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "docs": f"{base}docs",
            "openapi": f"{base}openapi.json",
            "resources": {name: f"{base}{name}/" for name in RESOURCES},
        }
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    return error_response(404, f"No API route at {request.path}.")


def _wrap(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = enveloped(pattern.callback)
    return patterns


ninja_patterns, app_name, namespace = api.urls
urlpatterns = [
    path("", index, name="index"),
    *_wrap(list(ninja_patterns)),
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
app_name = "api"
