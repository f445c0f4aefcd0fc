"""The contribution ledger on other apps' pages (an actor's page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from fabrique.projects.models import Contribution

register = template.Library()

RECENT = 10


@register.inclusion_tag("projects/_actor_contributions.html")
def actor_contributions(actor: Any) -> dict[str, Any]:
    """The latest confirmed entries given by an organisation (or, for a
    person's page, by that person), on commons and challenges still shown."""
    given = Q(actor=actor)
    if actor.user_id:
        given |= Q(contributor_id=actor.user_id, actor__isnull=True)
    entries = (
        Contribution.objects.filter(given, status=Contribution.Status.CONFIRMED)
        .exclude(commons__hidden=True)
        .exclude(challenge__hidden=True)
        .select_related("commons", "challenge", "confirmed_by")
        .order_by("-created", "-pk")[:RECENT]
    )
    return {"entries": list(entries)}


@register.inclusion_tag("projects/_actor_funding.html")
def actor_funding(actor: Any) -> dict[str, Any]:
    """What a funder gave, per currency (still pledged, granted, received,
    spent, balance), and its latest pledges and grants to commons still shown;
    nothing for a hidden funder."""
    from fabrique.projects import funding

    if actor.hidden:
        return {"figures": [], "rows": []}
    rows = (
        funding.visible()
        .filter(funder=actor, commons__hidden=False)
        .select_related("commons", "acknowledged_by", "created_by")
        .order_by("-date", "-pk")[:RECENT]
    )
    return {
        "figures": list(funding.money(funder=actor).values()),
        "rows": list(rows),
    }
