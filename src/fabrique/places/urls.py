"""Addok's routes (with or without the trailing slash) and the search page."""

from django.urls import path, re_path

from . import job_pages, pages, views

app_name = "places"
urlpatterns = [
    re_path(r"^search/?$", views.search, name="search"),
    re_path(r"^reverse/?$", views.reverse, name="reverse"),
    re_path(r"^search/csv/?$", views.search_csv_view, name="search_csv"),
    re_path(r"^reverse/csv/?$", views.reverse_csv_view, name="reverse_csv"),
    path("geocodeur/", pages.geocoder_page, name="geocoder"),
    path("geocodeur/lots/<uuid:job_id>/", job_pages.batch_job, name="batch_job"),
    path(
        "geocodeur/lots/<uuid:job_id>/resultat.csv",
        job_pages.batch_result,
        name="batch_result",
    ),
]
