"""A person as the network sees them: what an instance publishes about one of
its members (roles in communities, badges awarded and public), and reading
that document for the accounts linked here.

The document holds only what the person's public profile already shows. The
instance that reads it keeps it on the :class:`LinkedAccount`, bounded and
with only http(s) addresses, and refuses a document about another person.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from fabrique.federation import instance
from fabrique.federation.changes import actor_uri, origin_of
from fabrique.federation.fetching import Fetcher, Stopped
from fabrique.federation.harvesters import is_http
from fabrique.federation.models import LinkedAccount

#: Roles and badges kept per linked account.
MAX_ROWS = 200


def user_for(uri: str) -> Any | None:
    """The active member of this instance whose actor URI is ``uri``."""
    base = instance.base_url()
    if not uri.startswith(base + "/"):
        return None
    try:
        match = resolve(uri[len(base) :].split("?", 1)[0])
    except Resolver404:
        return None
    users = get_user_model().objects.filter(deleted=False, is_active=True)
    if match.view_name == "accounts:public_profile":
        user = users.filter(username=match.kwargs.get("username", "")).first()
    elif match.view_name == "catalog:actor":
        user = users.filter(
            person_actor__slug=match.kwargs.get("slug", ""),
            person_actor__hidden=False,
        ).first()
    else:
        return None
    # The URI the feed gives this person, and no other of their addresses.
    if user is None or actor_uri(user, _actor(user)) != uri:
        return None
    return user


def _actor(user: Any) -> Any | None:
    try:
        return user.person_actor
    except ObjectDoesNotExist:
        return None


def document(user: Any) -> dict[str, Any]:
    """What this instance publishes about ``user``: roles and public badges."""
    from fabrique.badges.models import Award
    from fabrique.catalog.models import CommunityMembership

    base = instance.base_url()
    memberships = (
        CommunityMembership.objects.filter(
            user=user,
            status=CommunityMembership.Status.ACTIVE,
            commons__hidden=False,
        )
        .select_related("commons__remote")
        .order_by("commons__title", "pk")[:MAX_ROWS]
    )
    awards = (
        Award.objects.filter(
            recipient=user, accepted=True, public=True, revoked__isnull=True
        )
        .select_related("badge__issuer")
        .order_by("-issued", "-pk")[:MAX_ROWS]
    )
    return {
        "uri": actor_uri(user, _actor(user)),
        "name": user.public_name,
        "instance": base,
        "roles": [
            {
                "commons": origin_of(m.commons)[0],
                "title": m.commons.title,
                "role": m.role,
                "since": m.created.isoformat(),
            }
            for m in memberships
        ],
        "badges": [
            {
                "name": a.badge.name,
                "issuer": a.badge.issuer.name,
                "issued": a.issued.isoformat(),
                "url": base + a.get_absolute_url(),
            }
            for a in awards
        ],
    }


def document_url(linked: LinkedAccount) -> str:
    return (
        linked.instance_url.rstrip("/")
        + reverse("federation:person_document")
        + "?"
        + urlencode({"uri": linked.actor_uri})
    )


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _address(value: Any) -> str:
    text = str(value or "").strip()
    return text[:500] if is_http(text) else ""


def clean(data: Any, linked: LinkedAccount) -> tuple[list[dict], list[dict]]:
    """The roles and badges of a person document, bounded and safe; raises
    Stopped when it is not a document about this linked account."""
    if not isinstance(data, dict):
        raise Stopped("the person document is not an object")
    if data.get("uri") != linked.actor_uri:
        raise Stopped(
            f"the document is about {_text(data.get('uri'), 200)!r}, "
            f"not {linked.actor_uri[:200]!r}: refused"
        )
    roles = []
    for row in (data.get("roles") or [])[:MAX_ROWS]:
        if isinstance(row, dict) and _address(row.get("commons")):
            roles.append(
                {
                    "commons": _address(row.get("commons")),
                    "title": _text(row.get("title"), 200) or _address(row["commons"]),
                    "role": _text(row.get("role"), 40),
                    "since": _text(row.get("since"), 40),
                }
            )
    badges = []
    for row in (data.get("badges") or [])[:MAX_ROWS]:
        if isinstance(row, dict) and _text(row.get("name"), 200):
            badges.append(
                {
                    "name": _text(row.get("name"), 200),
                    "issuer": _text(row.get("issuer"), 200),
                    "issued": _text(row.get("issued"), 40),
                    "url": _address(row.get("url")),
                }
            )
    return roles, badges


def refresh(linked: LinkedAccount, *, fetcher: Fetcher | None = None) -> bool:
    """Read the person document of a linked account again; keep its roles
    and badges, or the reason it could not be read. True when read."""
    fetch = fetcher or Fetcher(max_pages=2, seconds=30)
    try:
        data = fetch.json(document_url(linked))
        roles, badges = clean(data, linked)
    except Stopped as exc:
        LinkedAccount.objects.filter(pk=linked.pk).update(
            problem=str(exc)[:500], checked=timezone.now()
        )
        return False
    linked.roles, linked.badges, linked.problem = roles, badges, ""
    linked.checked = timezone.now()
    LinkedAccount.objects.filter(pk=linked.pk).update(
        roles=roles, badges=badges, problem="", checked=linked.checked
    )
    return True


def refresh_instance(url: str, *, fetcher: Fetcher | None = None) -> int:
    """Refresh every account linked to one on the instance at ``url``."""
    base = url.rstrip("/")
    count = 0
    rows = LinkedAccount.objects.filter(instance_url__in=[base, base + "/"])
    for linked in rows.order_by("pk")[:1000]:
        count += refresh(linked, fetcher=fetcher)
    return count
