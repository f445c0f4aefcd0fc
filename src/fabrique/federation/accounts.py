"""Contributors across instances: linked accounts and what a person did on
the other instances (as harvested with the commons)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fabrique.federation import claims
from fabrique.federation.changes import actor_uri
from fabrique.federation.fetching import Fetcher, Stopped
from fabrique.federation.harvesters import is_http
from fabrique.federation.models import LinkedAccount, RemoteCommons, RemoteInstance


def own_uri(user: Any) -> str:
    actor = getattr(user, "person_actor", None)
    return actor_uri(user, actor)


def issuer_key(issuer: str, *, fetcher: Fetcher | None = None) -> str:
    """The public key an instance publishes (known, else read once)."""
    known = RemoteInstance.objects.filter(url=issuer.rstrip("/")).first()
    if known is not None and known.public_key:
        return known.public_key
    if not is_http(issuer):
        raise claims.ClaimError("the claim's issuer is not an http(s) address")
    fetch = fetcher or Fetcher(max_pages=2, seconds=20)
    try:
        described = fetch.json(issuer.rstrip("/") + "/.well-known/fabrique-instance")
    except Stopped as exc:
        raise claims.ClaimError(f"the issuer could not be read: {exc}") from exc
    key = str((described or {}).get("public_key") or "")
    if not key:
        raise claims.ClaimError("the issuer publishes no public key")
    return key


def link(user: Any, token: str, *, fetcher: Fetcher | None = None) -> LinkedAccount:
    """Link ``user`` to the account a claim names, once its signature and
    its target (``user`` here) are checked."""
    payload = claims.read(token)
    verified = claims.verify(token, issuer_key(payload["iss"], fetcher=fetcher))
    if not is_http(verified["sub"]):
        raise claims.ClaimError("the claim's account is not an http(s) address")
    if verified["links"] != own_uri(user):
        raise claims.ClaimError("the claim links another account than yours here")
    linked, _ = LinkedAccount.objects.get_or_create(
        user=user,
        actor_uri=verified["sub"][:500],
        defaults={"instance_url": verified["iss"][:500]},
    )
    return linked


def remote_contributions(user: Any) -> list[dict[str, Any]]:
    """What ``user``'s linked accounts did on other instances: the harvested
    commons naming them as contributors or in their ledger."""
    uris = list(
        LinkedAccount.objects.filter(user=user).values_list("actor_uri", flat=True)
    )
    if not uris:
        return []
    query = Q()
    for uri in uris:
        query |= Q(contributors__icontains=uri) | Q(ledger__icontains=uri)
    found = []
    rows = RemoteCommons.objects.filter(query, commons__hidden=False)
    for remote in rows.select_related("commons")[:200]:
        roles = [c.get("role", "") for c in remote.contributors if c.get("uri") in uris]
        lines = [
            line
            for line in remote.ledger
            if (line.get("contributor") or {}).get("uri") in uris
        ]
        if roles or lines:
            found.append(
                {
                    "commons": remote.commons,
                    "origin": remote.origin_instance,
                    "roles": [r for r in roles if r],
                    "ledger": lines,
                }
            )
    return found
