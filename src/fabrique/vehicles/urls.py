from django.urls import path

from fabrique.vehicles import views

app_name = "vehicles"

urlpatterns = [
    path("vehicules/", views.catalogue, name="catalogue"),
    path("vehicules/modules/<slug:slug>/", views.module_detail, name="module"),
    path(
        "vehicules/modules/<slug:slug>/modifier/",
        views.module_edit,
        name="module_edit",
    ),
    path(
        "vehicules/modules/<slug:slug>/ports/ajouter/",
        views.port_add,
        name="port_add",
    ),
    path(
        "vehicules/modules/<slug:slug>/ports/<int:pk>/",
        views.port_update,
        name="port_update",
    ),
    path(
        "vehicules/modules/<slug:slug>/ports/<int:pk>/supprimer/",
        views.port_remove,
        name="port_remove",
    ),
    path(
        "vehicules/modules/<slug:slug>/pieces/ajouter/",
        views.part_add,
        name="part_add",
    ),
    path(
        "vehicules/modules/<slug:slug>/pieces/<int:pk>/",
        views.part_update,
        name="part_update",
    ),
    path(
        "vehicules/modules/<slug:slug>/pieces/<int:pk>/supprimer/",
        views.part_remove,
        name="part_remove",
    ),
    path("vehicules/interfaces/", views.interfaces, name="interfaces"),
    path(
        "vehicules/interfaces/<slug:key>/proposer/",
        views.interface_propose,
        name="interface_propose",
    ),
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
