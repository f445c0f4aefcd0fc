from django.urls import path

from fabrique.transport.formats import views

urlpatterns = [
    path(
        "transport/versions/<int:pk>/apercu/",
        views.version_page,
        name="format_version",
    ),
    path(
        "transport/versions/<int:pk>/gbfs.geojson",
        views.gbfs_geojson,
        name="format_gbfs_geojson",
    ),
    path(
        "transport/versions/<int:pk>/netex.geojson",
        views.netex_geojson,
        name="format_netex_geojson",
    ),
]
