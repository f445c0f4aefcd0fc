"""Funding on a commons' ledger page: the figures per currency, every
movement of its money (pledges, grants, acknowledgements, expenses) with who
recorded each, and the forms of each side — a funder's people pledge, grant
and pay a pledge; the commons' holders acknowledge a grant and record what
they spent of it.

Every change goes through ``fabrique.projects.funding``, as the API does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog.models import Commons
from fabrique.core.permissions import require_member
from fabrique.projects import funding, ledger
from fabrique.projects.forms import (
    ConvertForm,
    ExpenseForm,
    FundingForm,
    fundable_actors,
)
from fabrique.projects.models import Expense, Funding

MOVEMENTS = 500


@dataclass
class Movement:
    """One line of a commons' money: a pledge, a grant or an expense."""

    day: date
    created: datetime
    kind: str
    label: str
    amount: Decimal
    currency: str
    funding: Funding | None = None
    expense: Expense | None = None


def _fundings(commons: Commons) -> list[Funding]:
    return list(
        funding.visible()
        .filter(commons=commons)
        .select_related("funder", "created_by", "acknowledged_by", "pledge")
        .prefetch_related(
            Prefetch(
                "expenses",
                queryset=funding.visible_expenses().select_related("created_by"),
            ),
            "grants",
        )
        .order_by("-date", "-pk")[:MOVEMENTS]
    )


def commons_money(
    request: HttpRequest, commons: Commons, sent: dict[str, Any]
) -> dict[str, Any]:
    """What the ledger page shows of ``commons``' money, and the forms the
    visitor may use (``sent``: forms sent back with their errors, by name)."""
    user = request.user
    rows = _fundings(commons)
    figures = list(funding.money(commons=commons).values())
    holder = ledger.decides_for(user, commons)
    fundable = (
        set(fundable_actors(user).values_list("pk", flat=True))
        if user.is_authenticated
        else set()
    )
    movements: list[Movement] = []
    for row in rows:
        row.left = (  # type: ignore[attr-defined]
            row.amount - sum((g.amount for g in row.grants.all()), Decimal(0))
            if row.kind == Funding.Kind.PLEDGE
            else row.amount - sum((e.amount for e in row.expenses.all()), Decimal(0))
        )
        row.may_convert = (  # type: ignore[attr-defined]
            row.kind == Funding.Kind.PLEDGE
            and row.funder_id in fundable
            and row.left > 0  # type: ignore[attr-defined]
        )
        row.may_acknowledge = (  # type: ignore[attr-defined]
            row.kind == Funding.Kind.GRANT
            and row.acknowledged_at is None
            and holder
            and funding.may_acknowledge(user, row)
        )
        row.may_spend = (  # type: ignore[attr-defined]
            row.kind == Funding.Kind.GRANT
            and row.acknowledged_at is not None
            and holder
            and row.left > 0  # type: ignore[attr-defined]
        )
        row.convert_form = sent.get(f"convert-{row.pk}") or ConvertForm(  # type: ignore[attr-defined]
            prefix=f"convert-{row.pk}",
            initial={"amount": row.left},  # type: ignore[attr-defined]
        )
        row.expense_form = sent.get(f"expense-{row.pk}") or ExpenseForm(  # type: ignore[attr-defined]
            prefix=f"expense-{row.pk}"
        )
        movements.append(
            Movement(row.date, row.created, row.kind, row.get_kind_display(),
                     row.amount, row.currency, funding=row)
        )  # fmt: skip
        for expense in row.expenses.all():
            movements.append(
                Movement(expense.date, expense.created, "expense", _("expense"),
                         -expense.amount, row.currency, funding=row,
                         expense=expense)
            )  # fmt: skip
    movements.sort(key=lambda m: (m.day, m.created), reverse=True)
    record_form = None
    if fundable:
        record_form = sent.get("funding") or FundingForm(user=user, prefix="funding")
    return {
        "figures": figures,
        "movements": movements,
        "grants_waiting": [
            r
            for r in rows
            if r.kind == Funding.Kind.GRANT and r.acknowledged_at is None
        ],
        "record_form": record_form,
        "holder": holder,
    }


def _page(request: HttpRequest, commons: Commons, **sent: Any) -> HttpResponse:
    from fabrique.projects.ledger_views import render_page

    return render_page(request, commons, "commons", money_forms=sent)


def _to_form(form: Any, exc: ValidationError) -> None:
    """Put the checks' messages on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _money_anchor(commons: Commons) -> HttpResponse:
    from django.urls import reverse

    return redirect(
        reverse("projects:commons_contributions", args=[commons.slug]) + "#money"
    )


@require_member
@require_POST
def record(request: HttpRequest, slug: str) -> HttpResponse:
    """A pledge or a grant to a commons, from the funder's side."""
    commons = get_object_or_404(Commons, slug=slug, hidden=False)
    form = FundingForm(request.POST, user=request.user, prefix="funding")
    if form.is_valid():
        data = form.cleaned_data
        try:
            funding.record_funding(
                user=request.user,
                funder=data["funder"],
                commons=commons,
                kind=data["kind"],
                amount=data["amount"],
                currency=data["currency"],
                purpose=data["purpose"],
                date=data["date"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _to_form(form, exc if isinstance(exc, ValidationError) else
                     ValidationError(str(exc)))  # fmt: skip
        else:
            messages.success(request, _("Recorded: it is listed with your name."))
            return _money_anchor(commons)
    if not form.fields["funder"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    return _page(request, commons, funding=form)


def _funding(pk: int, **where: Any) -> Funding:
    return get_object_or_404(
        funding.visible()
        .select_related("commons", "funder")
        .filter(commons__hidden=False),
        pk=pk,
        **where,
    )


@require_member
@require_POST
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay (part of) a pledge as a grant."""
    pledge = _funding(pk, kind=Funding.Kind.PLEDGE)
    if not funding.may_fund_as(request.user, pledge.funder):
        raise PermissionDenied
    prefix = f"convert-{pledge.pk}"
    form = ConvertForm(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            funding.convert(
                pledge,
                user=request.user,
                amount=data["amount"],
                purpose=data["purpose"],
                date=data["date"],
            )
        except ValidationError as exc:
            _to_form(form, exc)
        else:
            messages.success(
                request,
                _("Grant recorded; a holder of the commons will acknowledge it."),
            )
            return _money_anchor(pledge.commons)
    return _page(request, pledge.commons, **{prefix: form})


@require_member
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """A holder says a grant was received."""
    grant = _funding(pk, kind=Funding.Kind.GRANT)
    funding.acknowledge(grant, by=request.user)
    messages.success(request, _("Acknowledged: the grant now counts as received."))
    return _money_anchor(grant.commons)


@require_member
@require_POST
def expense(request: HttpRequest, pk: int) -> HttpResponse:
    """A holder records what the commons spent of a grant."""
    grant = _funding(pk, kind=Funding.Kind.GRANT)
    if not funding.may_spend(request.user, grant):
        raise PermissionDenied
    prefix = f"expense-{grant.pk}"
    form = ExpenseForm(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            funding.record_expense(
                grant,
                user=request.user,
                amount=data["amount"],
                date=data["date"],
                purpose=data["purpose"],
                receipt=data["receipt"] or None,
                receipt_url=data["receipt_url"],
            )
        except ValidationError as exc:
            _to_form(form, exc)
        except funding.FundingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The expense is recorded with its receipt."))
            return _money_anchor(grant.commons)
    return _page(request, grant.commons, **{prefix: form})
