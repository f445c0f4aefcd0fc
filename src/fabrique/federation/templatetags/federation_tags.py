"""The network on a person's pages: their accounts on other instances, with
the roles, badges and contributions they have there (and where from)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.dateparse import parse_datetime

from fabrique.catalog.models import CommunityMembership
from fabrique.federation import accounts
from fabrique.federation.models import LinkedAccount, RemoteCommons

register = template.Library()
ROLES = dict(CommunityMembership.Role.choices)


def _roles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Roles there, each commons linked to its copy here when harvested."""
    uris = [row.get("commons", "") for row in rows]
    here = {
        remote.origin_uri: remote.commons
        for remote in RemoteCommons.objects.filter(
            origin_uri__in=uris, commons__hidden=False
        ).select_related("commons")
    }
    return [
        {
            **row,
            "label": ROLES.get(row.get("role", ""), row.get("role", "")),
            "href": here[row["commons"]].get_absolute_url()
            if row.get("commons") in here
            else row.get("commons", ""),
        }
        for row in rows
    ]


def _badges(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "when": parse_datetime(row.get("issued") or "")} for row in rows]


@register.inclusion_tag("federation/_linked.html")
def network_of_person(
    person: Any, own: bool = False, always: bool = False
) -> dict[str, Any]:
    """``person``'s linked accounts with what they hold and did there; shown
    when there is one (``always``: also to say there is none; ``own``: on
    their own profile, with the way to link one)."""
    linked = list(LinkedAccount.objects.filter(user=person).order_by("linked", "pk"))
    for one in linked:
        one.role_rows = _roles(one.roles)  # type: ignore[attr-defined]
        one.badge_rows = _badges(one.badges)  # type: ignore[attr-defined]
    return {
        "linked": linked,
        "contributions": accounts.remote_contributions(person) if linked else [],
        "own": own,
        "always": always or own,
    }
