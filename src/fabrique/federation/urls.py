from django.urls import path

from fabrique.federation import sources, views

app_name = "federation"

urlpatterns = [
    path(".well-known/fabrique-instance", views.well_known, name="well_known"),
    path("federation/changes", views.change_feed, name="changes"),
    path("federation/person", views.person_document, name="person_document"),
    path("reseau/", views.network, name="network"),
    path("reseau/instances.geojson", views.instances_geojson, name="instances_geojson"),
    path("reseau/comptes/", views.accounts_page, name="accounts"),
    path("reseau/membres/<str:username>/", views.person, name="person"),
    path("reseau/moissons/<int:pk>/", views.run_report, name="run"),
    path("reseau/sources/", sources.source_list, name="sources"),
    path("reseau/sources/ajouter/", sources.source_create, name="source_create"),
    path("reseau/sources/<int:pk>/", sources.source_edit, name="source_edit"),
    path("reseau/sources/<int:pk>/moissonner/", sources.source_run, name="source_run"),
    path(
        "reseau/sources/<int:pk>/supprimer/",
        sources.source_delete,
        name="source_delete",
    ),
    path("communs/<slug:slug>/fork/", views.fork, name="fork"),
]
