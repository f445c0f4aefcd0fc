from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fabrique.catalog.models import Actor, Commons, Theme


def commons_list(request: HttpRequest) -> HttpResponse:
    commons = Commons.objects.filter(hidden=False)[:50]
    return render(request, "catalog/commons_list.html", {"commons_list": commons})


def commons_detail(request: HttpRequest, slug: str) -> HttpResponse:
    commons = get_object_or_404(Commons, slug=slug, hidden=False)
    return render(request, "catalog/commons_detail.html", {"commons": commons})


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug, hidden=False)
    return render(request, "catalog/actor_detail.html", {"actor": actor})


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    return render(request, "catalog/theme_detail.html", {"theme": theme})
