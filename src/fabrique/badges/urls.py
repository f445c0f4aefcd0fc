from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    path(".well-known/did.json", views.well_known_did, name="did"),
    path("badges/", views.badge_list, name="list"),
    path("badges/verify/", views.verify_page, name="verify"),
    path("badges/mine/import/", views.import_external, name="import_external"),
    path("badges/status/<str:number>", views.status_list, name="status_list"),
    path("badges/revocations.json", views.ob2_revocations, name="ob2_revocations"),
    path("badges/issuers/<slug:slug>/did.json", views.issuer_did, name="issuer_did"),
    path("badges/issuers/<slug:slug>.json", views.ob2_issuer, name="ob2_issuer"),
    path("badges/classes/<slug:slug>/", views.badge_class, name="badge_class"),
    path(
        "badges/classes/<slug:slug>.json", views.ob2_badge_class, name="ob2_badge_class"
    ),
    path("badges/classes/<slug:slug>/image.png", views.badge_image, name="badge_image"),
    path("badges/classes/<slug:slug>/nominate/", views.nominate, name="nominate"),
    path("badges/classes/<slug:slug>/award/", views.award_create, name="award_create"),
    path("badges/classes/<slug:slug>/endorse/", views.endorse, name="endorse"),
    path("badges/nominations/<int:pk>/second/", views.second, name="second"),
    path("badges/awards/<slug:key>/", views.award_detail, name="award"),
    path("badges/awards/<slug:key>.json", views.ob2_assertion, name="ob2_assertion"),
    path(
        "badges/awards/<slug:key>/visibility/",
        views.award_visibility,
        name="award_visibility",
    ),
    path("badges/awards/<slug:key>/revoke/", views.award_revoke, name="award_revoke"),
    path(
        "badges/awards/<slug:key>/download/<str:form>",
        views.award_download,
        name="award_download",
    ),
]
