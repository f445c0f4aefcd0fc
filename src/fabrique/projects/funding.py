"""Funding of commons: funders' pledges (promised) and grants (paid).

Every record is checked before it counts on a public chart: the funder is an
organisation recorded by one of its administrators, or a person recording
for themselves (shown as such); the currency is an ISO 4217 currency (from
pycountry's list; gold, bond units and test codes refused); the date is
neither in the future nor before ``FUNDING_EARLIEST``; the amount is above
zero and at most ``FUNDING_MAX_AMOUNT``, stored to the cent; and the same
record twice is refused — the API also takes an ``Idempotency-Key``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from fabrique.catalog.models import Actor, ActorMember, Commons
from fabrique.catalog.services import normalise_text
from fabrique.core import activity
from fabrique.projects.models import Funding

#: ISO 4217 codes that are not money one pays a commons with: precious
#: metals, bond-market units, special drawing rights, testing, "no currency".
NOT_MONEY = frozenset(
    {"XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU",
     "XUA", "XTS", "XXX", "XAD"}
)  # fmt: skip
CENT = Decimal("0.01")


def currencies() -> list[str]:
    """The ISO 4217 codes a funding may be recorded in, sorted."""
    return sorted(c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in NOT_MONEY)


def may_fund_as(user: Any, funder: Actor) -> bool:
    """An administrator of the organisation, or the person on their own page.
    Site staff do not record money in someone else's name."""
    if not getattr(user, "is_authenticated", False):
        return False
    if funder.user_id is not None:
        return bool(funder.user_id == user.pk)
    return bool(
        funder.is_organisation
        and funder.members.filter(user=user, role=ActorMember.Role.ADMIN).exists()
    )


def _amount(amount: Decimal | str | int) -> Decimal:
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise ValidationError({"amount": _("The amount is not a number.")}) from exc
    if not value.is_finite() or value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if value > settings.FUNDING_MAX_AMOUNT:
        raise ValidationError(
            {
                "amount": _("The amount is above %(max)s: check it.")
                % {"max": settings.FUNDING_MAX_AMOUNT}
            }
        )
    if value != value.quantize(CENT):
        raise ValidationError({"amount": _("The amount has more than two decimals.")})
    return value.quantize(CENT)


def _currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code in NOT_MONEY or pycountry.currencies.get(alpha_3=code) is None:
        raise ValidationError(
            {"currency": _("%(code)s is not an ISO 4217 currency.") % {"code": code}}
        )
    return code


def _date(value: datetime.date | None) -> datetime.date:
    today = datetime.date.today()
    day = value or today
    if day > today:
        raise ValidationError({"date": _("The date is in the future.")})
    if day < settings.FUNDING_EARLIEST:
        raise ValidationError(
            {
                "date": _("The date is before %(day)s.")
                % {"day": settings.FUNDING_EARLIEST.isoformat()}
            }
        )
    return day


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
    idempotency_key: str = "",
) -> Funding:
    """Record a pledge or a grant of ``funder``, checked (see the module).

    With an ``idempotency_key`` already used by ``user``, the first record is
    returned and nothing new is stored."""
    if not may_fund_as(user, funder):
        raise PermissionDenied(
            _(
                "Only the administrators of %(funder)s may record its funding "
                "(a person records only their own)."
            )
            % {"funder": funder}
        )
    key = (idempotency_key or "").strip()[:64]
    if key:
        earlier = Funding.objects.filter(created_by=user, idempotency_key=key).first()
        if earlier is not None:
            return earlier
    funding = Funding(
        funder=funder,
        commons=commons,
        kind=kind,
        amount=_amount(amount),
        currency=_currency(currency),
        purpose=normalise_text(purpose or ""),
        date=_date(date),
        created_by=user,
        idempotency_key=key,
    )
    funding.full_clean()
    twin = Funding.objects.filter(
        funder=funder,
        commons=commons,
        kind=funding.kind,
        amount=funding.amount,
        currency=funding.currency,
        date=funding.date,
    ).exists()
    if twin:
        raise ValidationError(
            _(
                "This %(kind)s of %(amount)s %(currency)s on %(date)s is "
                "already recorded."
            )
            % {
                "kind": funding.get_kind_display(),
                "amount": funding.amount,
                "currency": funding.currency,
                "date": funding.date.isoformat(),
            }
        )
    try:
        with transaction.atomic():
            funding.save()
            activity.record(
                commons,
                user=user,
                verb=f"funding_{funding.kind}",
                summary=f"{funder.name}: {funding.amount} {funding.currency}",
                data={"funding": funding.pk},
            )
    except IntegrityError:  # the same key sent twice at once
        earlier = Funding.objects.filter(created_by=user, idempotency_key=key).first()
        if key and earlier is not None:
            return earlier
        raise
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
