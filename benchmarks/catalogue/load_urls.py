"""The product's URLs plus the bare view of the load benchmark."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fabrique.urls import urlpatterns as product_urlpatterns

# About the size of a short product page, so the transfer cost is comparable.
BARE_PAGE = (
    "<!DOCTYPE html><html lang=fr><head><meta charset=utf-8>"
    "<title>Bare · Fabrique</title></head><body><main><h1>Bare</h1>"
    + "<p>Fabrique, la plateforme ouverte des communs de la mobilité.</p>" * 60
    + "</main></body></html>"
).encode()


def bare(request: HttpRequest) -> HttpResponse:
    """Return a fixed page: no database, no template."""
    return HttpResponse(BARE_PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), *product_urlpatterns]
