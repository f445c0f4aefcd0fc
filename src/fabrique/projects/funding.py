"""Funding of commons: funders' pledges (promised) and grants (paid)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from fabrique.catalog.models import Actor, Commons
from fabrique.catalog.services import can_manage_actor, normalise_text
from fabrique.core import activity
from fabrique.projects.models import Funding


def record_funding(
    *,
    user: Any,
    funder: Actor,
    commons: Commons,
    kind: str,
    amount: Decimal | str | int,
    currency: str = "EUR",
    purpose: str,
    date: datetime.date | None = None,
) -> Funding:
    """Record a pledge or a grant of ``funder`` (whose account manages it)."""
    if not can_manage_actor(user, funder):
        raise PermissionDenied(
            _("Only the administrators of %(funder)s may record its funding.")
            % {"funder": funder}
        )
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValidationError({"amount": _("The amount is not a number.")}) from exc
    if not value.is_finite() or value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    funding = Funding(
        funder=funder,
        commons=commons,
        kind=kind,
        amount=value,
        currency=(currency or "").strip().upper(),
        purpose=normalise_text(purpose or ""),
        date=date or datetime.date.today(),
        created_by=user,
    )
    funding.full_clean()
    with transaction.atomic():
        funding.save()
        activity.record(
            commons,
            user=user,
            verb=f"funding_{funding.kind}",
            summary=f"{funder.name}: {funding.amount} {funding.currency}",
            data={"funding": funding.pk},
        )
    return funding


def totals(commons: Commons) -> dict[tuple[str, str], Decimal]:
    """Sums per (kind, currency) for ``commons``; currencies are never mixed."""
    rows = (
        commons.fundings.values("kind", "currency")
        .annotate(total=Sum("amount"))
        .order_by("kind", "currency")
    )
    return {(row["kind"], row["currency"]): row["total"] for row in rows}


def by_funder(funder: Actor) -> dict[tuple[str, str], Decimal]:
    """Sums per (kind, currency) given by ``funder`` across commons."""
    rows = (
        funder.fundings.values("kind", "currency")
        .annotate(total=Sum("amount"))
        .order_by("kind", "currency")
    )
    return {(row["kind"], row["currency"]): row["total"] for row in rows}
