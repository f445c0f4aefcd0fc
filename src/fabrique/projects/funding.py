"""Funding of commons: funders' pledges (promised) and grants (paid).

Every record is checked before it counts on a public chart: the funder is an
organisation recorded by one of its administrators, or a person recording
for themselves (shown as such); the currency is an ISO 4217 currency (from
pycountry's list; gold, bond units and test codes refused); the date is
neither in the future nor before ``FUNDING_EARLIEST``; the amount is above
zero and at most ``FUNDING_MAX_AMOUNT``, stored to the cent; and the same
record twice is refused — the API also takes an ``Idempotency-Key``.

From pledge to use: a pledge is converted into one or more grants, each
linked to it and never more than what remains of it; a grant counts as
received once a holder of the commons acknowledges it (who and when are
public); the holders then record what they spent of it — never more than
what is left — each expense with a receipt (PDF, PNG or JPEG, checked by
content) or a link to one. Totals keep currencies apart and count a converted
amount once: a pledge counts only for what is not paid yet.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import pycountry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.catalog.models import Actor, ActorMember, Commons
from fabrique.catalog.services import normalise_text
from fabrique.core import activity
from fabrique.core.uploads import ImageRejected, reencode_image
from fabrique.projects import ledger
from fabrique.projects.models import Expense, Funding

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
    pledge: Funding | None = None,
) -> Funding:
    """Record a pledge or a grant of ``funder``, checked (see the module).

    A grant with a ``pledge`` pays (part of) that pledge: same funder, same
    commons, same currency, at most what remains of it.

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
    if pledge is not None:
        _check_pledge(funding, pledge)
    twin = Funding.objects.filter(
        funder=funder,
        commons=commons,
        kind=funding.kind,
        amount=funding.amount,
        currency=funding.currency,
        date=funding.date,
        pledge=pledge,
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
            if pledge is not None:
                # Under a lock: two grants at once never exceed the pledge.
                locked = Funding.objects.select_for_update().get(pk=pledge.pk)
                _check_remaining(funding.amount, remaining(locked), locked.currency)
                funding.pledge = locked
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


class FundingError(Exception):
    """A funding step that does not fit the record's state."""


def _check_remaining(amount: Decimal, left: Decimal, currency: str) -> None:
    if amount > left:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(left)s %(currency)s remain of this pledge: a grant "
                    "cannot pay more."
                )
                % {"left": left, "currency": currency}
            }
        )


def _check_pledge(grant: Funding, pledge: Funding) -> None:
    """A grant paying ``pledge`` is the same funder's, to the same commons, in
    the same currency, for at most what remains."""
    if grant.kind != Funding.Kind.GRANT or pledge.kind != Funding.Kind.PLEDGE:
        raise ValidationError(
            {"pledge": _("Only a grant pays a pledge, and only a pledge is paid.")}
        )
    if pledge.funder_id != grant.funder_id or pledge.commons_id != grant.commons_id:
        raise ValidationError(
            {"pledge": _("A pledge is paid by its own funder to its own commons.")}
        )
    if pledge.currency != grant.currency:
        raise ValidationError(
            {
                "currency": _("This pledge is in %(currency)s: pay it in the same.")
                % {"currency": pledge.currency}
            }
        )
    _check_remaining(grant.amount, remaining(pledge), pledge.currency)


def remaining(pledge: Funding) -> Decimal:
    """What a pledge still promises: its amount less the grants paid on it."""
    paid = pledge.grants.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return max(pledge.amount - paid, Decimal(0))


def convert(
    pledge: Funding,
    *,
    user: Any,
    amount: Decimal | str | int,
    purpose: str = "",
    date: datetime.date | None = None,
    idempotency_key: str = "",
) -> Funding:
    """Pay (part of) ``pledge`` as a grant, recorded by the funder's side."""
    return record_funding(
        user=user,
        funder=pledge.funder,
        commons=pledge.commons,
        kind=Funding.Kind.GRANT,
        amount=amount,
        currency=pledge.currency,
        purpose=purpose or pledge.purpose,
        date=date,
        idempotency_key=idempotency_key,
        pledge=pledge,
    )


def _funder_side(user: Any, funding: Funding) -> bool:
    """The person who recorded it, the person funder, or a member of the
    funding organisation: they do not vouch for their own money."""
    funder = funding.funder
    return bool(
        funding.created_by_id == user.pk
        or funder.user_id == user.pk
        or funder.members.filter(user=user).exists()
    )


def may_acknowledge(user: Any, grant: Funding) -> bool:
    """A holder of the receiving commons, not on the funder's side."""
    return bool(
        grant.kind == Funding.Kind.GRANT
        and ledger.decides_for(user, grant.commons)
        and not _funder_side(user, grant)
    )


def acknowledge(grant: Funding, *, by: Any) -> Funding:
    """A holder of the commons says the grant was received: from then on it
    counts as received, with who said so and when. Saying it again changes
    nothing."""
    if grant.kind != Funding.Kind.GRANT:
        raise FundingError(_("Only a grant is received; a pledge is a promise."))
    if not may_acknowledge(by, grant):
        raise PermissionDenied(
            _(
                "Only a holder of %(commons)s, not on the funder's side, may say "
                "this grant was received."
            )
            % {"commons": grant.commons}
        )
    with transaction.atomic():
        row = Funding.objects.select_for_update().get(pk=grant.pk)
        if row.acknowledged_at is None:
            row.acknowledged_by = by
            row.acknowledged_at = timezone.now()
            row.save(update_fields=["acknowledged_by", "acknowledged_at"])
            activity.record(
                row.commons,
                user=by,
                verb="funding_acknowledged",
                summary=f"{row.funder.name}: {row.amount} {row.currency}",
                data={"funding": row.pk},
            )
    grant.acknowledged_by, grant.acknowledged_at = (
        row.acknowledged_by,
        row.acknowledged_at,
    )
    return grant


def may_spend(user: Any, grant: Funding) -> bool:
    """The receiving commons' holders record what they spent."""
    return grant.kind == Funding.Kind.GRANT and ledger.decides_for(user, grant.commons)


def unspent(grant: Funding) -> Decimal:
    spent = grant.expenses.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return max(grant.amount - spent, Decimal(0))


#: What a receipt may be, told by its first bytes; images are re-encoded.
RECEIPT_TYPES = {"PDF": "pdf", "PNG": "png", "JPEG": "jpg"}


def _receipt(file: IO[bytes] | Any) -> ContentFile[bytes]:
    """The receipt as stored: a PDF as sent (it is served as a download), a
    PNG or JPEG decoded from its pixels into a new file; anything else, or
    larger than ``FABRIQUE_RECEIPT_MAX_BYTES``, is refused with the reason."""
    limit = settings.FABRIQUE_RECEIPT_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if not size:
        raise ValidationError({"receipt": _("The receipt file is empty.")})
    if size > limit:
        raise ValidationError(
            {
                "receipt": _(
                    "The receipt weighs %(size)s bytes; the limit is %(limit)s bytes."
                )
                % {"size": size, "limit": limit}
            }
        )
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        content = file.read()
        if b"%%EOF" not in content[-2048:]:
            raise ValidationError(
                {"receipt": _("The receipt is a damaged or truncated PDF.")}
            )
        return ContentFile(content, name="receipt.pdf")
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        try:
            content, checked = reencode_image(file, name=_("The receipt"))
        except ImageRejected as exc:
            raise ValidationError({"receipt": exc.messages}) from exc
        return ContentFile(content, name=f"receipt.{checked.extension}")
    raise ValidationError(
        {"receipt": _("A receipt is a PDF, PNG or JPEG file; this one is not.")}
    )


def _receipt_url(url: str) -> str:
    url = normalise_text(url or "")
    if not url:
        return ""
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError(
            {"receipt_url": _("A link to a receipt starts with https:// or http://.")}
        )
    return url


def record_expense(
    grant: Funding,
    *,
    user: Any,
    amount: Decimal | str | int,
    purpose: str,
    date: datetime.date | None = None,
    receipt: IO[bytes] | Any = None,
    receipt_url: str = "",
    idempotency_key: str = "",
) -> Expense:
    """Record what the commons spent of a received grant, with its proof."""
    if not may_spend(user, grant):
        raise PermissionDenied(
            _("Only a holder of %(commons)s records what it spent.")
            % {"commons": grant.commons}
        )
    if grant.acknowledged_at is None:
        raise FundingError(
            _("This grant is not acknowledged as received yet: say so first.")
        )
    key = (idempotency_key or "").strip()[:64]
    if key:
        earlier = Expense.objects.filter(created_by=user, idempotency_key=key).first()
        if earlier is not None:
            return earlier
    expense = Expense(
        grant=grant,
        amount=_amount(amount),
        purpose=normalise_text(purpose or ""),
        date=_date(date),
        receipt_url=_receipt_url(receipt_url),
        created_by=user,
        idempotency_key=key,
    )
    if expense.date < grant.date:
        raise ValidationError({"date": _("The date is before the grant's.")})
    if receipt is not None:
        expense.receipt = _receipt(receipt)  # type: ignore[assignment]
    if not receipt and not expense.receipt_url:
        raise ValidationError(
            {"receipt": _("Give a receipt: a file (PDF, PNG, JPEG) or a link.")}
        )
    expense.full_clean(exclude=["receipt"])
    with transaction.atomic():
        locked = Funding.objects.select_for_update().get(pk=grant.pk)
        left = unspent(locked)
        if expense.amount > left:
            raise ValidationError(
                {
                    "amount": _("Only %(left)s %(currency)s of this grant are unspent.")
                    % {"left": left, "currency": locked.currency}
                }
            )
        expense.save()
        activity.record(
            grant.commons,
            user=user,
            verb="funding_spent",
            summary=f"{expense.amount} {grant.currency}: {expense.purpose}",
            data={"funding": grant.pk, "expense": expense.pk},
        )
    return expense


def attach_receipt(expense: Expense, *, user: Any, file: IO[bytes] | Any) -> Expense:
    """Add a receipt file to an expense that has none (a holder of the
    commons); the file is checked as when the expense is recorded."""
    grant = expense.grant
    if not may_spend(user, grant):
        raise PermissionDenied(
            _("Only a holder of %(commons)s records what it spent.")
            % {"commons": grant.commons}
        )
    if expense.receipt:
        raise FundingError(_("This expense has a receipt already."))
    expense.receipt = _receipt(file)  # type: ignore[assignment]
    expense.save(update_fields=["receipt"])
    activity.record(
        grant.commons,
        user=user,
        verb="funding_receipt",
        summary=expense.purpose,
        data={"funding": grant.pk, "expense": expense.pk},
    )
    return expense


# Totals ----------------------------------------------------------------------


def visible() -> QuerySet[Funding]:
    """Pledges and grants shown: neither they nor their funder are hidden."""
    return Funding.objects.filter(hidden=False, funder__hidden=False)


def visible_expenses() -> QuerySet[Expense]:
    return Expense.objects.filter(
        hidden=False, grant__hidden=False, grant__funder__hidden=False
    )


@dataclass
class Money:
    """One currency's figures: ``pledged`` is what pledges still promise (a
    paid part counts once, as granted); ``received`` the grants a holder
    acknowledged; ``balance`` what is received and not spent."""

    currency: str
    pledged: Decimal = Decimal(0)
    granted: Decimal = Decimal(0)
    received: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    @property
    def balance(self) -> Decimal:
        return self.received - self.spent

    @property
    def committed(self) -> Decimal:
        """Promised and paid, each once."""
        return self.pledged + self.granted


def money(**where: Any) -> dict[str, Money]:
    """Figures per currency of the visible funding matching ``where`` (field
    lookups on Funding, such as ``commons=``), sorted by currency."""
    found: dict[str, Money] = defaultdict(lambda: Money(""))
    rows = visible().filter(**where)
    for row in rows.values("kind", "currency").annotate(s=Sum("amount")).order_by():
        figures = found[row["currency"]]
        if row["kind"] == Funding.Kind.PLEDGE:
            figures.pledged += row["s"]
        else:
            figures.granted += row["s"]
    for row in (
        rows.filter(kind=Funding.Kind.GRANT, acknowledged_at__isnull=False)
        .values("currency")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        found[row["currency"]].received += row["s"]
    # Paid parts of pledges count once, as granted. A grant is hidden with its
    # pledge too (it is not then a grant of this pledge to count out).
    paid = rows.filter(kind=Funding.Kind.GRANT, pledge__isnull=False).filter(
        pledge__hidden=False
    )
    for row in paid.values("currency").annotate(s=Sum("amount")).order_by():
        found[row["currency"]].pledged -= row["s"]
    expenses = visible_expenses().filter(**{f"grant__{k}": v for k, v in where.items()})
    for row in expenses.values("grant__currency").annotate(s=Sum("amount")).order_by():
        found[row["grant__currency"]].spent += row["s"]
    result = {}
    for currency in sorted(found):
        figures = found[currency]
        figures.currency = currency
        figures.pledged = max(figures.pledged, Decimal(0))
        for name in ("pledged", "granted", "received", "spent"):
            setattr(figures, name, getattr(figures, name).quantize(CENT))
        result[currency] = figures
    return result


def totals(commons: Commons) -> dict[tuple[str, str], Decimal]:
    """Sums per (figure, currency) for ``commons``, currencies never mixed and
    hidden funders and rows left out: ``pledge`` what pledges still promise,
    ``grant`` what was granted, ``received`` what a holder acknowledged,
    ``spent`` what was spent, ``balance`` received less spent."""
    return _flat(money(commons=commons))


def by_funder(funder: Actor) -> dict[tuple[str, str], Decimal]:
    """The same figures for what ``funder`` gave across commons."""
    return _flat(money(funder=funder))


def _flat(found: dict[str, Money]) -> dict[tuple[str, str], Decimal]:
    out: dict[tuple[str, str], Decimal] = {}
    for currency, m in found.items():
        for name, value in (
            ("pledge", m.pledged),
            ("grant", m.granted),
            ("received", m.received),
            ("spent", m.spent),
            ("balance", m.balance),
        ):
            if value:
                out[(name, currency)] = value
    return out
