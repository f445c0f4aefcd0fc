"""Peer nomination: behaviours are recognised by people, not counted.

A member nominates someone for a badge class open to nominations; when
``BADGES_NOMINATION_SECONDS`` other members have seconded it, the badge is
awarded.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import issuing
from .models import Award, BadgeClass, Nomination, Second


class NominationRefused(Exception):
    """The nomination or the second is not allowed; the message says why."""


def nominate(badge: BadgeClass, nominee: Any, by: Any, reason: str) -> Nomination:
    if not badge.nominations_open:
        raise NominationRefused(_("This badge is not awarded by nomination."))
    if nominee.pk == by.pk:
        raise NominationRefused(_("You cannot nominate yourself."))
    if Award.objects.filter(badge=badge, recipient=nominee).exists():
        raise NominationRefused(_("This person already has this badge."))
    try:
        with transaction.atomic():
            return Nomination.objects.create(
                badge=badge, nominee=nominee, nominated_by=by, reason=reason
            )
    except IntegrityError as exc:
        raise NominationRefused(_("This person is already nominated.")) from exc


@transaction.atomic
def second(nomination: Nomination, by: Any) -> Award | None:
    """Second a nomination; award the badge once enough members did."""
    if by.pk in (nomination.nominee_id, nomination.nominated_by_id):
        raise NominationRefused(_("The nominee and the nominator cannot second."))
    if nomination.award_id is not None:
        raise NominationRefused(_("This nomination is already granted."))
    Second.objects.get_or_create(nomination=nomination, by=by)
    if nomination.seconds.count() < settings.BADGES_NOMINATION_SECONDS:
        return None
    award = issuing.award(
        nomination.badge,
        nomination.nominee,
        via=Award.Via.NOMINATION,
        by=nomination.nominated_by,
        evidence=nomination.reason[:300],
    )
    nomination.award = award
    nomination.save(update_fields=["award"])
    return award
