from django.urls import path

from fabrique.projects import ecosystem_views as views

app_name = "ecosystem"

urlpatterns = [
    path("ecosysteme/", views.graph_page, name="graph"),
    path("ecosysteme/carte/", views.map_page, name="map"),
    path("ecosysteme/carte.geojson", views.map_geojson, name="map_geojson"),
    path("tableau-de-bord/", views.dashboard_page, name="dashboard"),
    path(
        "tableau-de-bord/<slug:slug>.csv",
        views.dashboard_csv,
        name="dashboard_csv",
    ),
]
