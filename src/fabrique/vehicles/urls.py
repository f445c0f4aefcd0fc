from django.urls import path

from fabrique.vehicles import views

app_name = "vehicles"

urlpatterns = [
    path("vehicules/", views.catalogue, name="catalogue"),
    path("vehicules/modules/<slug:slug>/", views.module_detail, name="module"),
    path("vehicules/configurateur/", views.configurator, name="configurator"),
    path(
        "vehicules/configurations/enregistrer/",
        views.configuration_save,
        name="configuration_save",
    ),
    path(
        "vehicules/configurations/<slug:slug>/",
        views.configuration_detail,
        name="configuration",
    ),
    path(
        "vehicules/configurations/<slug:slug>/modifier/",
        views.configuration_update,
        name="configuration_update",
    ),
    path(
        "vehicules/configurations/<slug:slug>/fork/",
        views.configuration_fork,
        name="configuration_fork",
    ),
    path(
        "vehicules/configurations/<slug:slug>/nomenclature/",
        views.configuration_bom,
        name="configuration_bom",
    ),
    path(
        "vehicules/configurations/<slug:slug>/nomenclature.csv",
        views.configuration_bom_csv,
        name="configuration_bom_csv",
    ),
    path(
        "vehicules/configurations/<slug:slug>/okh.toml",
        views.configuration_okh,
        name="configuration_okh",
    ),
]
