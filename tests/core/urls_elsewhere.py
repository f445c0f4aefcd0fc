"""A URL configuration where the home page lives elsewhere (test_url_tag)."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("ailleurs/", lambda request: HttpResponse(), name="home")]
