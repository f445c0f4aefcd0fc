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


class ProviderFormActionMiddleware:
    """On the pages of the instance as OpenID provider (consent, logout), let
    the form's answer redirect to the client instance that asked: only to a
    return address registered for that client (CSP ``form-action``)."""

    VIEWS = frozenset({"idp:oidc:authorization", "idp:oidc:logout"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            not settings.IDP_ENABLED
            or match is None
            or match.view_name not in self.VIEWS
        ):
            return response
        params = request.GET if request.method == "GET" else request.POST
        uri = params.get("redirect_uri") or params.get("post_logout_redirect_uri")
        client_id = params.get("client_id") or _audience(params.get("id_token_hint"))
        if not uri or not client_id:
            return response
        from allauth.idp.oidc.models import Client

        client = Client.objects.filter(id=client_id).first()
        if client is None or uri not in (
            client.get_redirect_uris() + client.get_post_logout_redirect_uris()
        ):
            return response
        from fabrique.settings import extend_form_action

        policy = response.get(
            "Content-Security-Policy", settings.CONTENT_SECURITY_POLICY
        )
        if policy:
            response["Content-Security-Policy"] = extend_form_action(policy, [uri])
        return response


def _audience(id_token: str | None) -> str:
    """The client an ID token was issued to (read only to pick a return
    address among that client's registered ones)."""
    if not id_token:
        return ""
    import jwt

    try:
        audience = jwt.decode(id_token, options={"verify_signature": False}).get("aud")
    except jwt.PyJWTError:
        return ""
    if isinstance(audience, list):
        return str(audience[0]) if len(audience) == 1 else ""
    return str(audience or "")
