"""The ``openid_connect`` provider class allauth registers (see __init__)."""

from __future__ import annotations

import secrets
from typing import Any

from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
)
from django.http import HttpRequest, HttpResponse

from fabrique.accounts.oidc.views import FabriqueOIDCAdapter


class FabriqueOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = FabriqueOIDCAdapter
    # Our URL patterns (fabrique.accounts.oidc.urls) under the same names.
    package = "fabrique.accounts.oidc"

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        # A fresh nonce per attempt, kept in the attempt's state and checked
        # against the ID token on the way back.
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request,
            process,
            next_url,
            data,
            auth_params=auth_params,
            nonce=nonce,
            **kwargs,
        )

    def get_auth_params_from_request(
        self, request: HttpRequest, action: Any
    ) -> dict[str, Any]:
        # Only the configured parameters (acr_values…), never the query's.
        return self.get_auth_params()

    def get_scope_from_request(self, request: HttpRequest) -> list[str]:
        return self.get_scope()


provider_classes = [FabriqueOIDCProvider]
