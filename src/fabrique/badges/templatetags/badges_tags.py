"""Badges shown on other pages: profiles, actors, commons and challenges.

Only awards their recipients accepted and made public, never revoked ones.
"""

from __future__ import annotations

from typing import Any

from django import template

from fabrique.badges.models import Award, BadgeClass

register = template.Library()


def _shown() -> Any:
    return Award.objects.filter(
        accepted=True, public=True, revoked__isnull=True
    ).select_related("badge", "recipient")


@register.inclusion_tag("badges/_awards.html")
def badges_of_person(person: Any, own: bool = False) -> dict[str, Any]:
    """The person's badges; on their own profile, the private ones too."""
    awards = (
        Award.objects.filter(recipient=person).select_related("badge")
        if own
        else _shown().filter(recipient=person)
    )
    from fabrique.badges.models import ExternalBadge

    others = ExternalBadge.objects.filter(owner=person)
    if not own:
        others = others.filter(public=True)
    return {
        "awards": list(awards),
        "external": list(others),
        "show_person": False,
        "own": own,
    }


@register.inclusion_tag("badges/_awards.html")
def badges_recognised_at(target: Any) -> dict[str, Any]:
    """Who was recognised for work on this commons or challenge."""
    field = "challenge" if target._meta.model_name == "challenge" else "commons"
    awards = _shown().filter(**{field: target})
    return {"awards": list(awards), "show_person": True, "own": False}


@register.inclusion_tag("badges/_issued.html")
def badges_issued_by(actor: Any) -> dict[str, Any]:
    """The badge classes an organisation issues, and its members' public badges."""
    classes = BadgeClass.objects.filter(issuer__actor=actor)
    return {"classes": list(classes)}
