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
