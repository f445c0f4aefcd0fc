"""Staff and moderators add a second factor before anything else, when the
site requires it (FABRIQUE_REQUIRE_2FA_FOR_STAFF)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from fabrique.accounts.adapters import needs_second_factor

# Pages reachable before the second factor is added: the ones adding it,
# signing out, static files and the language switch.
OPEN_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/deconnexion/",
    "/accounts/reauthenticate/",
    "/i18n/",
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REQUIRE_2FA_FOR_STAFF
            and needs_second_factor(request.user)
            and not request.path.startswith((*OPEN_PREFIXES, settings.STATIC_URL))
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=request.user).exists():
                messages.warning(
                    request,
                    _(
                        "Your role requires a second factor: add a passkey or an "
                        "authenticator app to continue."
                    ),
                )
                return redirect("mfa_index")
        return self.get_response(request)
