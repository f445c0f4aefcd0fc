from django.urls import include, path, re_path

from fabrique.catalog.views import dcat as dcat_views
from fabrique.transport import realtime_views, views

app_name = "transport"

urlpatterns = [
    path("", include("fabrique.transport.report_urls")),
    path("", include("fabrique.transport.formats.urls")),
    path("transport/", views.dataset_list, name="dataset_list"),
    path("transport/jeux/nouveau/", views.dataset_create, name="dataset_create"),
    path("transport/jeux/<slug:slug>/", views.dataset_detail, name="dataset"),
    re_path(
        r"^transport/jeux/(?P<slug>[-a-zA-Z0-9_]+)\.(?P<suffix>ttl|rdf|jsonld|nt)$",
        dcat_views.dataset_rdf,
        name="dataset_rdf",
    ),
    path(
        "transport/jeux/<slug:slug>/modifier/", views.dataset_edit, name="dataset_edit"
    ),
    path(
        "transport/jeux/<slug:slug>/suivre/",
        views.dataset_follow,
        name="dataset_follow",
    ),
    path(
        "transport/jeux/<slug:slug>/reutilisations/",
        views.reuse_create,
        name="reuse_create",
    ),
    path(
        "transport/jeux/<slug:slug>/ressources/nouvelle/",
        views.resource_create,
        name="resource_create",
    ),
    path(
        "transport/ressources/<int:pk>/versions/nouvelle/",
        views.version_upload,
        name="version_upload",
    ),
    path(
        "transport/ressources/<int:pk>/recuperer/",
        views.resource_fetch,
        name="resource_fetch",
    ),
    path(
        "transport/ressources/<int:pk>/temps-reel/",
        realtime_views.realtime_page,
        name="realtime",
    ),
    path("transport/versions/<int:pk>/", views.version_detail, name="version"),
    path(
        "transport/versions/<int:pk>/progression/",
        views.version_progress,
        name="version_progress",
    ),
    path(
        "transport/versions/<int:pk>/fichier/", views.version_file, name="version_file"
    ),
    path(
        "transport/versions/<int:pk>/relancer/",
        views.version_retry,
        name="version_retry",
    ),
]
