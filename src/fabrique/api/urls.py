from django.urls import path

from fabrique.api.main import api

urlpatterns = [path("", api.urls)]
