from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fabrique.catalog.models import Commons


def commons_list(request: HttpRequest) -> HttpResponse:
    commons = Commons.objects.filter(hidden=False)[:50]
    return render(request, "catalog/commons_list.html", {"commons_list": commons})
