from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fabrique.catalog.models import Actor


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug, hidden=False)
    return render(request, "catalog/actor_detail.html", {"actor": actor})
