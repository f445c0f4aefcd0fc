"""The instance as the network's OpenID provider, and network identities.

A person is named across the network by the pair (issuer, subject) of the
instance holding their account: :func:`identity_uri` makes one URI of it,
the same on every instance that person signs in to.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings


def identity_uri(issuer: str, subject: str) -> str:
    """The URI of the person ``subject`` of the provider ``issuer``.

    >>> identity_uri("https://a.example.org/", "42")
    'https://a.example.org/accounts/identite/42'
    """
    return f"{issuer.rstrip('/')}/accounts/identite/{quote(str(subject), safe='')}"


class IdentityProviderAdapter(DefaultOIDCAdapter):
    """The instance as the network's OpenID provider."""

    def get_issuer(self) -> str:
        # One stable issuer, whatever host a request came by: the pair
        # (issuer, subject) names the person across the network.
        return settings.SITE_URL

    def get_claims(
        self,
        purpose: Any,
        user: Any,
        client: Any,
        scopes: Any,
        email: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        claims = super().get_claims(purpose, user, client, scopes, email, **kwargs)
        # Names are private fields here: the public name stands for them.
        for private in ("given_name", "family_name"):
            claims.pop(private, None)
        if "profile" in scopes:
            claims["name"] = user.public_name
        return claims
