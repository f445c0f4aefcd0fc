from django.urls import path

from fabrique.community import search, views

app_name = "community"

urlpatterns = [
    path("communautes/", views.domain_list, name="domains"),
    # "nouveau" is a reserved slug: no domain takes it.
    path("communautes/nouveau/", views.domain_create, name="domain_create"),
    path("communautes/<slug:slug>/", views.domain_detail, name="domain"),
    path("communautes/<slug:slug>/rejoindre/", views.domain_join, name="domain_join"),
    path("communautes/<slug:slug>/besoin/", views.need_create, name="need_create"),
    path("besoins/<slug:slug>/", views.need_detail, name="need"),
    path("besoins/<slug:slug>/porter/", views.need_carry, name="need_carry"),
    path(
        "besoins/<slug:slug>/decoupage/",
        views.split_request,
        name="split_request",
    ),
    path(
        "besoins/<slug:slug>/decoupage/<int:pk>/refus/",
        views.split_decline,
        name="split_decline",
    ),
    path(
        "besoins/<slug:slug>/sous-domaine/",
        views.subdomain_add,
        name="subdomain_add",
    ),
    path(
        "besoins/<slug:slug>/nouveau-defi/",
        views.challenge_create,
        name="challenge_create",
    ),
    path("defis/<slug:slug>/", views.challenge_detail, name="challenge"),
    path(
        "defis/<slug:slug>/suggestions/",
        views.challenge_matching,
        name="challenge_matching",
    ),
    path("defis/<slug:slug>/inviter/", views.challenge_invite, name="challenge_invite"),
    path("pour-vous/", views.for_me, name="for_me"),
    path(
        "pour-vous/suggestions/",
        views.suggestions_opt_out,
        name="suggestions_opt_out",
    ),
    path(
        "invitations/<int:pk>/<str:action>/",
        views.invitation_answer,
        name="invitation_answer",
    ),
    path("recherche/", search.site_search, name="search"),
    path("defis/<slug:slug>/rejoindre/", views.challenge_join, name="challenge_join"),
    path("defis/<slug:slug>/quitter/", views.challenge_leave, name="challenge_leave"),
    path(
        "defis/<slug:slug>/etat/",
        views.challenge_transition,
        name="challenge_transition",
    ),
    path("defis/<slug:slug>/beta/", views.beta_add, name="beta_add"),
    path(
        "defis/<slug:slug>/experiences/",
        views.experiment_add,
        name="experiment_add",
    ),
    path(
        "defis/<slug:slug>/beta/<int:pk>/retour/",
        views.beta_feedback_add,
        name="beta_feedback_add",
    ),
    path(
        "defis/<slug:slug>/experiences/<int:pk>/retour/",
        views.feedback_add,
        name="feedback_add",
    ),
]
