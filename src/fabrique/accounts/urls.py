from django.urls import path

from fabrique.accounts.views import auth, organisations, profile, tokens

app_name = "accounts"

urlpatterns = [
    path("connexion/", auth.login_view, name="login"),
    path("deconnexion/", auth.logout_view, name="logout"),
    path("inscription/", auth.signup, name="signup"),
    path("inscription/envoyee/", auth.signup_sent, name="signup_sent"),
    path("inscription/renvoyer/", auth.signup_resend, name="signup_resend"),
    path(
        "inscription/confirmer/<uidb64>/<token>/",
        auth.signup_confirm,
        name="signup_confirm",
    ),
    path("mot-de-passe/oublie/", auth.password_reset, name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        auth.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        auth.password_reset_complete,
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", auth.password_change, name="password_change"),
    path(
        "mot-de-passe/change/", auth.password_change_done, name="password_change_done"
    ),
    path("profil/", profile.profile, name="profile"),
    path("profil/parametres/", profile.settings_page, name="settings"),
    path("profil/export.json", profile.export, name="export"),
    path("profil/supprimer/", profile.delete, name="delete"),
    path("profil/jetons/", tokens.create, name="token_create"),
    path(
        "profil/sessions/<int:session_id>/terminer/",
        profile.session_end,
        name="session_end",
    ),
    path("profil/jetons/<int:token_id>/revoquer/", tokens.revoke, name="token_revoke"),
    path("membres/<str:username>/", profile.public_profile, name="public_profile"),
    path("identite/<str:subject>", profile.identity, name="identity"),
    path("membres/<str:username>/role/", profile.change_role, name="change_role"),
    path(
        "organisations/<slug:slug>/membres/",
        organisations.members,
        name="organisation_members",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:member_id>/",
        organisations.member_update,
        name="organisation_member_update",
    ),
]
