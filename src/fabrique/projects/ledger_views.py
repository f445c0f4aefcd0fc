"""Pages of the contribution ledger: a commons' or a challenge's
contributors and entries, the form to record one, the holders' queue, and
the steps of an entry (confirm, decline, dispute, revoke — each with its
reason kept in the entry's history).

Every change goes through ``fabrique.projects.ledger``, the functions the
API uses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabrique.catalog.models import Commons
from fabrique.community.models import Challenge
from fabrique.core.permissions import can_moderate, require_member
from fabrique.projects import ledger
from fabrique.projects.forms import ContributionForm, ReasonForm
from fabrique.projects.models import (
    Contribution,
    ContributionEvent,
    ContributionKind,
    Project,
)

PAGE_SIZE = 50
MONTHS = 12


@dataclass
class Contributor:
    """One person or organisation, with what they gave (confirmed entries)."""

    name: str
    url: str
    kinds: dict[str, int] = field(default_factory=dict)
    first: date | None = None
    last: date | None = None

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def _contributors(entries: list[Contribution]) -> list[Contributor]:
    """Confirmed entries grouped by who gave (the organisation when there is
    one), most entries first — the All Contributors view."""
    found: dict[tuple[str, int], Contributor] = {}
    labels = dict(ContributionKind.choices)
    for entry in entries:
        if entry.actor_id:
            key, name, url = (
                ("actor", entry.actor_id),
                entry.actor.name,
                entry.actor.get_absolute_url(),
            )
        elif entry.contributor_id and not entry.contributor.deleted:
            person = entry.contributor
            key, name, url = (
                ("user", person.pk),
                str(person.public_name),
                reverse("accounts:public_profile", args=[person.username]),
            )
        else:
            continue
        row = found.setdefault(key, Contributor(name=name, url=url))
        label = str(labels.get(entry.kind, entry.kind))
        row.kinds[label] = row.kinds.get(label, 0) + 1
        day = timezone.localdate(entry.created)
        row.first = min(row.first or day, day)
        row.last = max(row.last or day, day)
    return sorted(found.values(), key=lambda c: (-c.total, c.name.lower()))


def _months(entries: list[Contribution], today: date) -> list[dict[str, Any]]:
    """Confirmed entries per month over the last year, oldest first."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for entry in entries:
        day = timezone.localdate(entry.created)
        counts[(day.year, day.month)] += 1
    months = []
    year, month = today.year, today.month
    for _step in range(MONTHS):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    months.reverse()
    peak = max([counts[m] for m in months] + [1])
    return [
        {"month": date(y, m, 1), "count": counts[(y, m)], "peak": peak}
        for y, m in months
    ]


def _target(kind: str, slug: str, user: Any) -> Commons | Challenge:
    model: type[Model] = Commons if kind == "commons" else Challenge
    target = get_object_or_404(model._default_manager.all(), slug=slug)
    if getattr(target, "hidden", False) and not can_moderate(user):
        raise Http404
    return target  # type: ignore[return-value]


def _entries(target: Commons | Challenge) -> QuerySet[Contribution]:
    where = (
        {"commons": target} if isinstance(target, Commons) else {"challenge": target}
    )
    return (
        Contribution.objects.filter(**where)
        .filter(Q(actor__isnull=True) | Q(actor__hidden=False))
        .select_related("contributor", "actor", "confirmed_by")
        .prefetch_related("events__by")
    )


def contributions(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Who gave what to a commons or a challenge; record a contribution."""
    target = _target(kind, slug, request.user)
    user = request.user
    form = None
    if user.is_authenticated:
        form = ContributionForm(
            request.POST if request.method == "POST" else None, user=user
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                ledger.record(
                    user=user,
                    kind=data["kind"],
                    description=data["description"],
                    evidence_url=data["evidence_url"],
                    actor=data["actor"],
                    **{kind: target},
                )
            except ledger.LedgerError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Recorded: a holder will confirm it. You can follow it here."),
                )
                return redirect(request.path + "#mine")
    elif request.method == "POST":
        return redirect_to_login(request.get_full_path())
    return render_page(request, target, kind, form)


def render_page(
    request: HttpRequest,
    target: Commons | Challenge,
    kind: str,
    form: ContributionForm | None = None,
    money_forms: dict[str, Any] | None = None,
) -> HttpResponse:
    """The ledger page of ``target``; ``money_forms`` are funding forms sent
    back with their errors."""
    user = request.user
    if form is None and user.is_authenticated:
        form = ContributionForm(user=user)
    entries = _entries(target)
    confirmed_entries = entries.filter(status=Contribution.Status.CONFIRMED)
    confirmed = list(confirmed_entries)
    today = timezone.localdate()
    page = Paginator(confirmed_entries.order_by("-created", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    mine = (
        list(
            entries.filter(Q(contributor=user) | Q(actor__members__user=user))
            .exclude(status=Contribution.Status.CONFIRMED)
            .distinct()
            .order_by("-created", "-pk")
        )
        if user.is_authenticated
        else []
    )
    deciding = ledger.decides_for(user, target)
    money: dict[str, Any] = {}
    if isinstance(target, Commons):
        from fabrique.projects import funding_views

        money = funding_views.commons_money(request, target, money_forms or {})
        money["users"] = list(
            Project.objects.filter(uses=target, hidden=False).order_by("name")
        )
        money["givers"] = list(
            Project.objects.filter(contributes_to=target, hidden=False).order_by("name")
        )
    return render(
        request,
        "projects/contributions.html",
        {
            "money": money,
            "target": target,
            "kind": kind,
            "contributors": _contributors(confirmed),
            "months": _months(confirmed, today),
            "page": page,
            "mine": mine,
            "form": form,
            "reason_form": ReasonForm(),
            # Whether the visitor decides here is asked once, not per entry.
            "may_revoke": {
                entry.pk
                for entry in page.object_list
                if deciding and ledger.may_confirm(user, entry)
            },
            "pending": len(ledger.queue(user)) if deciding else 0,
        },
        status=400 if money_forms else 200,
    )


@require_member
def queue(request: HttpRequest) -> HttpResponse:
    """The entries waiting for the signed-in holder, oldest first."""
    return render(
        request,
        "projects/contribution_queue.html",
        {"entries": ledger.queue(request.user), "reason_form": ReasonForm()},
    )


def _back(request: HttpRequest, entry: Contribution) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    if entry.commons_id:
        return redirect("projects:commons_contributions", slug=entry.commons.slug)
    assert entry.challenge is not None
    return redirect("projects:challenge_contributions", slug=entry.challenge.slug)


STEP_MESSAGES = {
    ContributionEvent.Action.CONFIRMED: gettext_lazy("Confirmed."),
    ContributionEvent.Action.DECLINED: gettext_lazy(
        "Declined; the contributor can read why."
    ),
    ContributionEvent.Action.DISPUTED: gettext_lazy(
        "Disputed: it is back with the holders."
    ),
    ContributionEvent.Action.REVOKED: gettext_lazy("The confirmation is withdrawn."),
}


@require_member
@require_POST
def step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Confirm, decline, dispute or revoke one entry."""
    entry = get_object_or_404(
        Contribution.objects.select_related("commons", "challenge", "actor"), pk=pk
    )
    reason = request.POST.get("reason", "")
    try:
        if action == ContributionEvent.Action.CONFIRMED:
            ledger.confirm(entry, by=request.user)
        elif action == ContributionEvent.Action.DECLINED:
            ledger.decline(entry, by=request.user, reason=reason)
        elif action == ContributionEvent.Action.DISPUTED:
            ledger.dispute(entry, by=request.user, reason=reason)
        elif action == ContributionEvent.Action.REVOKED:
            ledger.revoke(entry, by=request.user, reason=reason)
        else:
            raise Http404
    except ledger.LedgerError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(STEP_MESSAGES[action]))  # type: ignore[index]
    return _back(request, entry)
