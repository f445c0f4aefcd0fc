from django.urls import path, re_path

from fabrique.catalog.views import (
    actors,
    commons,
    community,
    dcat,
    discussions,
    history,
    listing,
    metadata_check,
    software_standards,
    themes,
)

app_name = "catalog"


def _history_routes(prefix: str, kind: str) -> list:
    return [
        path(
            f"{prefix}/<slug:slug>/historique/",
            history.history,
            {"kind": kind},
            name=f"{kind}_history",
        ),
        path(
            f"{prefix}/<slug:slug>/historique/comparer/",
            history.diff,
            {"kind": kind},
            name=f"{kind}_diff",
        ),
        path(
            f"{prefix}/<slug:slug>/historique/<int:number>/",
            history.revision_detail,
            {"kind": kind},
            name=f"{kind}_revision",
        ),
        path(
            f"{prefix}/<slug:slug>/historique/<int:number>/restaurer/",
            history.revert,
            {"kind": kind},
            name=f"{kind}_revert",
        ),
        path(
            f"{prefix}/<slug:slug>/suivre/",
            community.follow,
            {"kind": kind},
            name=f"{kind}_follow",
        ),
    ]


urlpatterns = [
    path("communs/", listing.commons_list, name="commons_list"),
    path("communs/nouveau/", commons.commons_create, name="commons_create"),
    path(
        "communs/importer/",
        software_standards.import_page,
        name="commons_import",
    ),
    path(
        "communs/valider/",
        metadata_check.metadata_check,
        name="metadata_check",
    ),
    path(
        "communs/<slug:slug>/",
        dcat.negotiated(commons.commons_detail),
        name="commons",
    ),
    re_path(
        r"^communs/(?P<slug>[-a-zA-Z0-9_]+)\.(?P<suffix>ttl|rdf|jsonld|nt)$",
        dcat.commons_rdf,
        name="commons_rdf",
    ),
    path("catalogue", dcat.catalogue, name="catalogue"),
    re_path(
        r"^catalogue\.(?P<suffix>ttl|rdf|jsonld|nt)$",
        dcat.catalogue_rdf,
        name="catalogue_rdf",
    ),
    path(
        "communs/<slug:slug>/publiccode.yml",
        software_standards.publiccode_yml,
        name="commons_publiccode",
    ),
    path(
        "communs/<slug:slug>/codemeta.json",
        software_standards.codemeta_json,
        name="commons_codemeta",
    ),
    path(
        "communs/<slug:slug>/okh.toml",
        software_standards.okh_toml,
        name="commons_okh",
    ),
    path("communs/<slug:slug>/modifier/", commons.commons_edit, name="commons_edit"),
    path("communs/<slug:slug>/images/", commons.image_add, name="image_add"),
    path(
        "communs/<slug:slug>/images/<int:pk>/retirer/",
        commons.image_remove,
        name="image_remove",
    ),
    path("communs/<slug:slug>/communaute/", community.community, name="community"),
    path("communs/<slug:slug>/communaute/rejoindre/", community.join, name="join"),
    path(
        "communs/<slug:slug>/communaute/<int:pk>/accepter/",
        community.decide,
        {"decision": "approve"},
        name="membership_approve",
    ),
    path(
        "communs/<slug:slug>/communaute/<int:pk>/refuser/",
        community.decide,
        {"decision": "decline"},
        name="membership_decline",
    ),
    path(
        "communs/<slug:slug>/communaute/<int:pk>/quitter/",
        community.leave,
        name="membership_leave",
    ),
    path("communs/<slug:slug>/besoins/", community.need_add, name="need_add"),
    path(
        "communs/<slug:slug>/besoins/<int:pk>/statut/",
        community.need_status,
        name="need_status",
    ),
    path(
        "communs/<slug:slug>/discussions/",
        discussions.discussion_list,
        name="discussions",
    ),
    path(
        "communs/<slug:slug>/discussions/<int:pk>/",
        discussions.discussion_thread,
        name="discussion",
    ),
    *_history_routes("communs", "commons"),
    path("acteurs/", listing.actor_list, name="actor_list"),
    path("acteurs/nouveau/", actors.actor_create, name="actor_create"),
    path("acteurs/<slug:slug>/", actors.actor_detail, name="actor"),
    path("acteurs/<slug:slug>/modifier/", actors.actor_edit, name="actor_edit"),
    path("acteurs/<slug:slug>/lieux/", actors.place_add, name="place_add"),
    path(
        "acteurs/<slug:slug>/lieux/<int:pk>/retirer/",
        actors.place_remove,
        name="place_remove",
    ),
    path(
        "acteurs/<slug:slug>/discussions/",
        discussions.discussion_list,
        {"kind": "actor"},
        name="actor_discussions",
    ),
    path(
        "acteurs/<slug:slug>/discussions/<int:pk>/",
        discussions.discussion_thread,
        {"kind": "actor"},
        name="actor_discussion",
    ),
    *_history_routes("acteurs", "actor"),
    path("themes/", themes.theme_index, name="themes"),
    path("themes/<slug:slug>/", themes.theme_detail, name="theme"),
]
