"""Login and callback views of the OpenID Connect providers."""

from __future__ import annotations

import hmac
from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2CallbackView,
    OAuth2LoginView,
)
from allauth.socialaccount.providers.openid_connect.views import (
    OpenIDConnectOAuth2Adapter,
)
from django.http import Http404, HttpRequest, HttpResponse

from fabrique.core.ratelimit import client_key, ratelimit

# Where the session keeps what signing out at the provider needs.
LOGOUT_SESSION_KEY = "fabrique_oidc_logout"


class FabriqueOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's adapter, checking the nonce and reading signed userinfo."""

    # The attempt's state (set by the callback view before completing).
    state: dict[str, Any] | None = None

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any
    ) -> Any:
        id_token_str = kwargs["response"].get("id_token")
        if not id_token_str:
            raise OAuth2Error("The provider sent no ID token")
        id_token = self._decode_id_token(app, id_token_str)
        expected = (self.state or {}).get("nonce") or ""
        if not expected or not hmac.compare_digest(
            str(id_token.get("nonce", "")), expected
        ):
            raise OAuth2Error("The ID token's nonce is not the one sent")
        data: dict[str, Any] = {"id_token": id_token}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            # OpenID Connect Core §5.3.2: the answer must be about the same
            # person as the ID token.
            if str(userinfo.get("sub")) != str(id_token.get("sub")):
                raise OAuth2Error("The userinfo answer is about another subject")
            data["userinfo"] = userinfo
        request.session[LOGOUT_SESSION_KEY] = {
            "provider_id": self.provider_id,
            "id_token": id_token_str,
        }
        return self.get_provider().sociallogin_from_response(request, data)

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        # Always verified, even when received straight from the token
        # endpoint: a misdirected or proxied answer is caught too.
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )

    def _fetch_user_info(self, access_token: str) -> dict[str, Any]:
        from allauth.socialaccount.adapter import get_adapter

        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as sess:
            response = sess.get(self.profile_url, headers=headers)
            response.raise_for_status()
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/jwt":
            return response.json()
        # A signed answer (ProConnect): verified with the provider's keys,
        # issued by it, for us.
        app = self.get_provider().app
        return jwtkit.verify_and_decode(
            credential=response.text.strip(),
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class CallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider: Any) -> Any:
        state, response = super()._get_state(request, provider)
        assert isinstance(self.adapter, FabriqueOIDCAdapter)
        self.adapter.state = state
        return state, response


@login_not_required
@ratelimit("oidc", "RATELIMIT_LOGIN", key=client_key)
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Send the person to the provider (authorisation request with PKCE)."""
    try:
        view = OAuth2LoginView.adapter_view(FabriqueOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
@ratelimit(
    "oidc", "RATELIMIT_LOGIN", key=client_key, methods=frozenset({"GET", "POST"})
)
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Come back from the provider: check the answer, sign in or sign up."""
    try:
        view = CallbackView.adapter_view(FabriqueOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
