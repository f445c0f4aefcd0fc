from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fabrique.catalog.models import Commons


def commons_detail(request: HttpRequest, slug: str) -> HttpResponse:
    commons = get_object_or_404(Commons, slug=slug, hidden=False)
    return render(request, "catalog/commons_detail.html", {"commons": commons})
