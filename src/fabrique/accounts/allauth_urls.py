"""django-allauth's pages, under /accounts/, around ours.

Our own pages keep signing in with a password, signing up (with the charter
and its confirmation link), signing out and resetting or changing a
password; allauth's names for them point to ours, so its second-factor,
provider and session pages lead back to them. allauth's own versions of
those pages, and its sign-in by e-mailed code or phone, are left out.
"""

from __future__ import annotations

from allauth.account import urls as account_urls
from allauth.mfa import urls as mfa_urls
from allauth.socialaccount import urls as socialaccount_urls
from allauth.urls import build_provider_urlpatterns
from allauth.usersessions import urls as usersessions_urls
from django.urls import URLPattern, URLResolver, include, path

from fabrique.accounts.views import auth, profile

# allauth pages replaced by ours, and those of methods we do not offer.
REPLACED = {
    "account_login",
    "account_logout",
    "account_signup",
    "account_email",
    "account_reset_password",
    "account_change_password",
    "account_set_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_password_reset_code",
    "account_complete_password_reset",
    "account_password_reset_completed",
    "account_request_login_code",
    "account_confirm_login_code",
    "account_verify_phone",
    "account_change_phone",
    "account_email_verification_sent",
    "account_confirm_email",
}

urlpatterns: list[URLPattern | URLResolver] = [
    path("connexion/", auth.login_view, name="account_login"),
    path("deconnexion/", auth.logout_view, name="account_logout"),
    path("inscription/", auth.signup, name="account_signup"),
    path("mot-de-passe/oublie/", auth.password_reset, name="account_reset_password"),
    path("mot-de-passe/changer/", auth.password_change, name="account_change_password"),
    path("mot-de-passe/changer/", auth.password_change, name="account_set_password"),
    path("profil/parametres/", profile.settings_page, name="account_email"),
    *(
        pattern
        for pattern in account_urls.urlpatterns
        if getattr(pattern, "name", None) not in REPLACED
    ),
    path("2fa/", include(mfa_urls)),
    path("3rdparty/", include(socialaccount_urls)),
    path("sessions/", include(usersessions_urls)),
    *build_provider_urlpatterns(),
]
