from django.urls import path

from fabrique.catalog.views import discussions
from fabrique.projects import funding_views, ledger_views, views

app_name = "projects"

urlpatterns = [
    # The contribution ledger.
    path(
        "communs/<slug:slug>/contributions/",
        ledger_views.contributions,
        {"kind": "commons"},
        name="commons_contributions",
    ),
    path(
        "defis/<slug:slug>/contributions/",
        ledger_views.contributions,
        {"kind": "challenge"},
        name="challenge_contributions",
    ),
    path("contributions/a-confirmer/", ledger_views.queue, name="contribution_queue"),
    path(
        "contributions/<int:pk>/<str:action>/",
        ledger_views.step,
        name="contribution_step",
    ),
    # Funding, from pledge to use.
    path(
        "communs/<slug:slug>/financement/",
        funding_views.record,
        name="funding_record",
    ),
    path(
        "financement/<int:pk>/verser/",
        funding_views.convert,
        name="funding_convert",
    ),
    path(
        "financement/<int:pk>/reception/",
        funding_views.acknowledge,
        name="funding_acknowledge",
    ),
    path(
        "financement/<int:pk>/depenses/",
        funding_views.expense,
        name="funding_expense",
    ),
    path("projets/", views.project_list, name="projects"),
    # "nouveau" is a reserved slug: no project takes it.
    path("projets/nouveau/", views.project_create, name="project_create"),
    path(
        "projets/contrats/sans-contribution/",
        views.using_without_contributing,
        name="free_riders",
    ),
    path("projets/<slug:slug>/", views.project_detail, name="project"),
    path("projets/<slug:slug>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<slug:slug>/suivre/", views.project_follow, name="project_follow"),
    path(
        "projets/<slug:slug>/discussions/",
        discussions.discussion_list,
        {"kind": "project"},
        name="discussions",
    ),
    path(
        "projets/<slug:slug>/discussions/<int:pk>/",
        discussions.discussion_thread,
        {"kind": "project"},
        name="discussion",
    ),
    path("projets/<slug:slug>/contrat/", views.project_contract, name="contract"),
    path(
        "projets/<slug:slug>/contrat/<slug:commons>/avis/",
        views.contract_review,
        name="contract_review",
    ),
    path(
        "projets/<slug:slug>/accompagnement/",
        views.project_accompaniment,
        name="accompaniment",
    ),
    path("donnees/", views.data_page, name="data"),
    path("data/", views.data_page, name="data_en"),
    path("donnees/<str:name>", views.data_download, name="data_download"),
]
