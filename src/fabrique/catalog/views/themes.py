from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fabrique.catalog.models import Theme


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    return render(request, "catalog/theme_detail.html", {"theme": theme})
