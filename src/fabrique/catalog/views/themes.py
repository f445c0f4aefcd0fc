"""Theme pages: every theme, and the commons of one theme."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fabrique.catalog.models import Need, Theme


def theme_index(request: HttpRequest) -> HttpResponse:
    themes = Theme.objects.annotate(
        count=Count("commons", filter=Q(commons__hidden=False))
    )
    return render(request, "catalog/theme_index.html", {"themes": themes})


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    commons = (
        theme.commons.filter(hidden=False)
        .prefetch_related("themes")
        .annotate(open_needs=Count("needs", filter=Q(needs__status=Need.Status.OPEN)))
        .order_by("-updated")
    )
    page = Paginator(commons, 24).get_page(request.GET.get("page"))
    return render(request, "catalog/theme_detail.html", {"theme": theme, "page": page})
