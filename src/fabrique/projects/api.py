"""Routes of projects, the contribution ledger and funding under /api/1/.

Reads are public; writes go through ``fabrique.projects.services``,
``ledger`` and ``funding`` — the functions the pages use.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from fabrique.api.auth import WRITE_AUTH, reader
from fabrique.api.common import caller, get_or_404, visible
from fabrique.api.errors import ERRORS, ApiError, ErrorOut
from fabrique.api.pagination import PageParams, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.api.schemas import UserOut
from fabrique.catalog.models import Actor, Commons
from fabrique.community.models import Challenge
from fabrique.projects import funding, ledger, services
from fabrique.projects.models import Contribution, ContributionKind, Funding, Project

router = Router(tags=["projects"])

READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}
KINDS = tuple(ContributionKind.values)
PROJECT_KINDS = tuple(Project.Kind.values)
FUNDING_KINDS = tuple(Funding.Kind.values)


# Schemas -------------------------------------------------------------------


class ProjectOut(Schema):
    slug: str
    name: str
    kind: str
    summary: str
    description: str
    actor: str = Field(description="Slug of the actor carrying it.")
    accompaniment: str
    uses: list[str]
    contributes_to: list[str]

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return obj.actor.slug

    @staticmethod
    def resolve_uses(obj: Any) -> list[str]:
        return [c.slug for c in obj.uses.all()]

    @staticmethod
    def resolve_contributes_to(obj: Any) -> list[str]:
        return [c.slug for c in obj.contributes_to.all()]


class ReviewOut(Schema):
    status: str = Field(description="acknowledged or contested.")
    reason: str
    by: UserOut | None
    updated: datetime.datetime


class ReviewIn(Schema):
    status: Literal["acknowledged", "contested"]
    reason: str = Field("", max_length=300, description="Needed to contest.")


class ClauseOut(Schema):
    commons: str = Field(description="Slug of the commons.")
    uses: bool = Field(description="The project states it uses it.")
    contributes: bool = Field(description="The project states it contributes.")
    confirmed_contributions: int = Field(
        description="Confirmed ledger entries of the project's actor or members."
    )
    review: ReviewOut | None = Field(
        description="What a holder of the commons says of the statement."
    )


class ContractOut(Schema):
    declared: int = Field(description="Commons it states it contributes to.")
    kept: int = Field(description="Of those, how many have a confirmed entry.")
    clauses: list[ClauseOut]


class ProjectDetailOut(ProjectOut):
    contract: ContractOut = Field(
        description="The contract checked against the ledger (see the project page)."
    )

    @staticmethod
    def resolve_contract(obj: Any) -> dict[str, Any]:
        from fabrique.projects import contract

        clauses = contract.check(obj)
        found = contract.summary(clauses)
        return {
            "declared": found["declared"],
            "kept": found["kept"],
            "clauses": [
                {
                    "commons": c.commons.slug,
                    "uses": c.used,
                    "contributes": c.declared,
                    "confirmed_contributions": len(c.entries),
                    "review": c.review,
                }
                for c in clauses
            ],
        }


class ProjectIn(Schema):
    actor: str = Field(description="Slug of the actor carrying it.", max_length=220)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal[PROJECT_KINDS]  # type: ignore[valid-type]
    summary: str = Field("", max_length=300)
    description: str = Field("", max_length=50_000)


class ProjectPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal[PROJECT_KINDS] | None = None  # type: ignore[valid-type]
    summary: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=50_000)


class AccompanimentIn(Schema):
    accompaniment: Literal[tuple(Project.Accompaniment.values)]  # type: ignore[misc]


class ContractIn(Schema):
    uses: list[str] = Field(description="Slugs of the commons it uses.")
    contributes_to: list[str] = Field(
        description="Slugs of the commons it contributes to."
    )


class StepOut(Schema):
    action: str = Field(
        description="recorded, confirmed, declined, disputed or revoked."
    )
    by: UserOut | None
    reason: str
    created: datetime.datetime


class ContributionOut(Schema):
    id: int
    contributor: UserOut | None
    actor: str | None
    kind: str
    commons: str | None
    challenge: str | None
    description: str
    evidence_url: str
    status: str
    confirmed_by: UserOut | None = Field(
        description="Who confirmed or declined it (None: pending or automatic)."
    )
    confirmed_at: datetime.datetime | None
    reason: str = Field(description="Why it was declined.")
    automatic: bool
    words_added: int = Field(description="Automatic entries of edits: words added.")
    words_removed: int = Field(description="Automatic entries of edits: removed.")
    created: datetime.datetime
    history: list[StepOut] = Field(
        description="Every step of the entry, oldest first, with who and why."
    )

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return list(obj.events.all())

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.slug if obj.actor_id else None

    @staticmethod
    def resolve_commons(obj: Any) -> str | None:
        return obj.commons.slug if obj.commons_id else None

    @staticmethod
    def resolve_challenge(obj: Any) -> str | None:
        return obj.challenge.slug if obj.challenge_id else None


class ContributionIn(Schema):
    kind: Literal[KINDS]  # type: ignore[valid-type]
    description: str = Field(min_length=1, max_length=300)
    evidence_url: str = Field("", max_length=200)
    actor: str | None = Field(None, description="Slug of an actor you act for.")


class FundingOut(Schema):
    id: int
    funder: str
    commons: str
    kind: str
    amount: Decimal
    currency: str
    purpose: str
    date: datetime.date
    pledge: int | None = Field(
        description="A grant paying a pledge: the pledge's id.", alias="pledge_id"
    )
    recorded_by: UserOut | None = Field(alias="created_by")
    acknowledged_by: UserOut | None = Field(
        description="The holder of the commons who said the grant was received."
    )
    acknowledged_at: datetime.datetime | None = Field(
        description="When it was acknowledged; None: not received yet."
    )

    @staticmethod
    def resolve_funder(obj: Any) -> str:
        return obj.funder.slug

    @staticmethod
    def resolve_commons(obj: Any) -> str:
        return obj.commons.slug


class FundingIn(Schema):
    funder: str = Field(description="Slug of the funder actor.", max_length=220)
    commons: str = Field(description="Slug of the commons.", max_length=220)
    kind: Literal[FUNDING_KINDS]  # type: ignore[valid-type]
    amount: Decimal = Field(ge=Decimal("0.01"), max_digits=14, decimal_places=2)
    currency: str = Field("EUR", min_length=3, max_length=3)
    purpose: str = Field(min_length=1, max_length=300)
    date: datetime.date | None = None
    pledge: int | None = Field(
        None,
        description="A grant paying (part of) this pledge of the same funder to "
        "the same commons, in its currency: at most what remains of it.",
    )


class ExpenseOut(Schema):
    id: int
    grant: int = Field(alias="grant_id")
    commons: str
    amount: Decimal
    currency: str
    date: datetime.date
    purpose: str
    receipt: str | None = Field(description="Address of the receipt file.")
    receipt_url: str
    recorded_by: UserOut | None = Field(alias="created_by")
    created: datetime.datetime

    @staticmethod
    def resolve_commons(obj: Any) -> str:
        return obj.grant.commons.slug

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return obj.grant.currency

    @staticmethod
    def resolve_receipt(obj: Any) -> str | None:
        return obj.receipt.url if obj.receipt else None


class ExpenseIn(Schema):
    amount: Decimal = Field(ge=Decimal("0.01"), max_digits=14, decimal_places=2)
    purpose: str = Field(min_length=1, max_length=300)
    date: datetime.date | None = None
    receipt_url: str = Field(
        description="Link to the receipt (http or https). Receipt files are "
        "uploaded from the commons' page.",
        max_length=200,
        pattern=r"^https?://",
    )


class BalanceOut(Schema):
    currency: str
    pledged: Decimal = Field(description="What pledges still promise.")
    granted: Decimal
    received: Decimal = Field(description="Grants a holder acknowledged.")
    spent: Decimal
    balance: Decimal = Field(description="Received less spent.")


# Projects ------------------------------------------------------------------


def projects(user: Any) -> QuerySet[Project]:
    return visible(Project.objects.select_related("actor"), user).prefetch_related(
        "uses", "contributes_to"
    )


def _commons_list(user: Any, slugs: list[str], field: str) -> list[Commons]:
    found = list(visible(Commons.objects.filter(slug__in=slugs), user))
    missing = sorted(set(slugs) - {c.slug for c in found})
    if missing:
        raise ApiError(
            422,
            "Some fields are invalid.",
            details=[
                {
                    "field": field,
                    "message": f"Unknown commons: {', '.join(missing)}.",
                    "type": "value_error",
                }
            ],
        )
    return found


@router.get("/projects/", response={200: page_of(ProjectOut), **READ_ERRORS})
def list_projects(request: HttpRequest, filters: Query[PageParams]) -> Any:
    """Projects of entrepreneurs and partners' transitions, by name."""
    return paginate(request, projects(reader(request)).order_by("name"), filters)


@router.get("/projects/{slug}/", response={200: ProjectDetailOut, **READ_ERRORS})
def get_project(request: HttpRequest, slug: str) -> Any:
    """One project and its contract (commons used and contributed to),
    checked against the confirmed entries of the ledger."""
    return get_or_404(projects(reader(request)), "project", slug=slug)


@router.patch("/projects/{slug}/", response={200: ProjectDetailOut, **ERRORS}, **WRITE)
def edit_project(request: HttpRequest, slug: str, payload: ProjectPatch) -> Any:
    """Change a project's name, kind or texts (its actor's administrators)."""
    user = caller(request)
    project = get_or_404(projects(user), "project", slug=slug)
    services.update_project(
        project, user=user, data=payload.model_dump(exclude_unset=True)
    )
    return projects(user).get(pk=project.pk)


@router.put(
    "/projects/{slug}/contract/{commons}/review/",
    response={200: ProjectDetailOut, **ERRORS},
    **WRITE,
)
def review_contract(
    request: HttpRequest, slug: str, commons: str, payload: ReviewIn
) -> Any:
    """Acknowledge what a project states of a commons, or contest it saying
    why (a holder of that commons, outside the project)."""
    from fabrique.projects import contract

    user = caller(request)
    project = get_or_404(projects(user), "project", slug=slug)
    target = get_or_404(visible(Commons.objects.all(), user), "commons", slug=commons)
    contract.review(
        project, target, by=user, status=payload.status, reason=payload.reason
    )
    return projects(user).get(pk=project.pk)


@router.put(
    "/projects/{slug}/accompaniment/",
    response={200: ProjectDetailOut, **ERRORS},
    **WRITE,
)
def set_accompaniment(request: HttpRequest, slug: str, payload: AccompanimentIn) -> Any:
    """Follow a project: applied, accompanied, alumni or ended (the
    platform's staff)."""
    user = caller(request)
    project = get_or_404(projects(user), "project", slug=slug)
    services.set_accompaniment(project, user=user, status=payload.accompaniment)
    return projects(user).get(pk=project.pk)


@router.post("/projects/", response={201: ProjectOut, **ERRORS}, **WRITE)
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    """Create a project carried by an actor you administer."""
    user = caller(request)
    actor = get_or_404(visible(Actor.objects.all(), user), "actor", slug=payload.actor)
    project = services.create_project(
        user=user, actor=actor, **payload.model_dump(exclude={"actor"})
    )
    return Status(201, projects(user).get(pk=project.pk))


@router.put("/projects/{slug}/contract/", response={200: ProjectOut, **ERRORS}, **WRITE)
def set_contract(request: HttpRequest, slug: str, payload: ContractIn) -> Any:
    """Replace the commons a project uses and contributes to."""
    user = caller(request)
    project = get_or_404(projects(user), "project", slug=slug)
    services.set_contract(
        project,
        user=user,
        uses=_commons_list(user, payload.uses, "uses"),
        contributes_to=_commons_list(user, payload.contributes_to, "contributes_to"),
    )
    return projects(user).get(pk=project.pk)


# Contributions -------------------------------------------------------------


class ContributionFilters(PageParams):
    commons: str | None = Field(None, description="Slug of the commons.")
    challenge: str | None = Field(None, description="Slug of the challenge.")
    user: str | None = Field(None, description="Username of the contributor.")
    kind: Literal[KINDS] | None = None  # type: ignore[valid-type]
    status: Literal[tuple(Contribution.Status.values)] | None = None  # type: ignore[misc]


def contributions() -> QuerySet[Contribution]:
    """Entries about visible commons and challenges."""
    return (
        Contribution.objects.select_related(
            "contributor", "actor", "commons", "challenge", "confirmed_by"
        )
        .prefetch_related("events__by")
        .filter(
            Q(commons__hidden=False) | Q(commons__isnull=True, challenge__hidden=False)
        )
    )


@router.get("/contributions/", response={200: page_of(ContributionOut), **READ_ERRORS})
def list_contributions(
    request: HttpRequest, filters: Query[ContributionFilters]
) -> Any:
    """The contribution ledger, newest first."""
    queryset = contributions()
    if filters.commons:
        queryset = queryset.filter(commons__slug=filters.commons)
    if filters.challenge:
        queryset = queryset.filter(challenge__slug=filters.challenge)
    if filters.user:
        queryset = queryset.filter(
            contributor__username=filters.user, contributor__deleted=False
        )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return paginate(request, queryset.order_by("-created", "-id"), filters)


def _actor(user: Any, slug: str | None) -> Actor | None:
    if not slug:
        return None
    return get_or_404(visible(Actor.objects.all(), user), "actor", slug=slug)


@router.post(
    "/commons/{slug}/contributions/",
    response={201: ContributionOut, **ERRORS},
    **WRITE,
)
def contribute_to_commons(
    request: HttpRequest, slug: str, payload: ContributionIn
) -> Any:
    """Record a contribution to a commons; a holder confirms it."""
    user = caller(request)
    commons = get_or_404(visible(Commons.objects.all(), user), "commons", slug=slug)
    entry = ledger.record(
        user=user,
        commons=commons,
        actor=_actor(user, payload.actor),
        **payload.model_dump(exclude={"actor"}),
    )
    return Status(201, entry)


@router.post(
    "/community/challenges/{slug}/contributions/",
    response={201: ContributionOut, **ERRORS},
    **WRITE,
)
def contribute_to_challenge(
    request: HttpRequest, slug: str, payload: ContributionIn
) -> Any:
    """Record a contribution to a challenge; a facilitator or holder confirms it."""
    user = caller(request)
    challenge = get_or_404(
        visible(Challenge.objects.all(), user), "challenge", slug=slug
    )
    try:
        entry = ledger.record(
            user=user,
            challenge=challenge,
            actor=_actor(user, payload.actor),
            **payload.model_dump(exclude={"actor"}),
        )
    except ledger.LedgerError as exc:
        raise ApiError(409, str(exc), code="ledger_state") from exc
    return Status(201, entry)


class DeclineIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


def _decide(
    request: HttpRequest, contribution_id: int, *, action: str, reason: str = ""
) -> Any:
    user = caller(request)
    entry = get_or_404(contributions(), "contribution", pk=contribution_id)
    try:
        if action == "confirm":
            ledger.confirm(entry, by=user)
        else:
            step = {
                "decline": ledger.decline,
                "dispute": ledger.dispute,
                "revoke": ledger.revoke,
            }[action]
            step(entry, by=user, reason=reason)
    except ledger.LedgerError as exc:
        raise ApiError(409, str(exc), code="ledger_state") from exc
    return contributions().get(pk=entry.pk)


@router.post(
    "/contributions/{int:contribution_id}/confirm/",
    response={200: ContributionOut, **ERRORS},
    **WRITE,
)
def confirm_contribution(request: HttpRequest, contribution_id: int) -> Any:
    """Confirm a pending contribution (a holder other than the contributor)."""
    return _decide(request, contribution_id, action="confirm")


@router.post(
    "/contributions/{int:contribution_id}/decline/",
    response={200: ContributionOut, **ERRORS},
    **WRITE,
)
def decline_contribution(
    request: HttpRequest, contribution_id: int, payload: DeclineIn
) -> Any:
    """Decline a pending contribution, saying why (a holder other than the
    contributor and their organisation)."""
    return _decide(request, contribution_id, action="decline", reason=payload.reason)


@router.post(
    "/contributions/{int:contribution_id}/dispute/",
    response={200: ContributionOut, **ERRORS},
    **WRITE,
)
def dispute_contribution(
    request: HttpRequest, contribution_id: int, payload: DeclineIn
) -> Any:
    """Contest a decline, saying why (the contributor, or a member of the
    organisation it was recorded for): the entry goes back to the holders'
    queue, both reasons kept in its history."""
    return _decide(request, contribution_id, action="dispute", reason=payload.reason)


@router.post(
    "/contributions/{int:contribution_id}/revoke/",
    response={200: ContributionOut, **ERRORS},
    **WRITE,
)
def revoke_contribution(
    request: HttpRequest, contribution_id: int, payload: DeclineIn
) -> Any:
    """Withdraw a confirmation, saying why (a holder who may confirm it); the
    entry and its steps stay in the ledger."""
    return _decide(request, contribution_id, action="revoke", reason=payload.reason)


# Funding -------------------------------------------------------------------


class FundingFilters(PageParams):
    commons: str | None = Field(None, description="Slug of the commons.")
    funder: str | None = Field(None, description="Slug of the funder.")
    kind: Literal[FUNDING_KINDS] | None = None  # type: ignore[valid-type]


@router.get("/funding/", response={200: page_of(FundingOut), **READ_ERRORS})
def list_funding(request: HttpRequest, filters: Query[FundingFilters]) -> Any:
    """Pledges and grants to commons, latest first, with who recorded each and
    who acknowledged each grant as received."""
    queryset = (
        funding.visible()
        .select_related("funder", "commons", "created_by", "acknowledged_by")
        .filter(commons__hidden=False)
    )
    if filters.commons:
        queryset = queryset.filter(commons__slug=filters.commons)
    if filters.funder:
        queryset = queryset.filter(funder__slug=filters.funder)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return paginate(request, queryset.order_by("-date", "-id"), filters)


def _pledge(user: Any, pk: int | None) -> Funding | None:
    if pk is None:
        return None
    return get_or_404(funding.visible(), "pledge", pk=pk, kind=Funding.Kind.PLEDGE)


@router.post("/funding/", response={201: FundingOut, **ERRORS}, **WRITE)
def record_funding(request: HttpRequest, payload: FundingIn) -> Any:
    """Record a pledge or a grant of a funder you administer (or your own, as a
    person); a grant with ``pledge`` pays (part of) that pledge. Send an
    ``Idempotency-Key`` header to make a retry safe: the same key returns the
    first record instead of storing a second."""
    user = caller(request)
    funder = get_or_404(
        visible(Actor.objects.all(), user), "actor", slug=payload.funder
    )
    commons = get_or_404(
        visible(Commons.objects.all(), user), "commons", slug=payload.commons
    )
    entry = funding.record_funding(
        user=user,
        funder=funder,
        commons=commons,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        pledge=_pledge(user, payload.pledge),
        **payload.model_dump(exclude={"funder", "commons", "pledge"}),
    )
    return Status(201, entry)


def _grant(funding_id: int) -> Funding:
    return get_or_404(
        funding.visible()
        .select_related("funder", "commons")
        .filter(commons__hidden=False),
        "grant",
        pk=funding_id,
        kind=Funding.Kind.GRANT,
    )


@router.post(
    "/funding/{int:funding_id}/acknowledge/",
    response={200: FundingOut, **ERRORS},
    **WRITE,
)
def acknowledge_grant(request: HttpRequest, funding_id: int) -> Any:
    """Say a grant was received (a holder of the commons, not on the funder's
    side): from then on it counts as received, with who and when. Saying it
    again changes nothing."""
    user = caller(request)
    return funding.acknowledge(_grant(funding_id), by=user)


class ExpenseFilters(PageParams):
    commons: str | None = Field(None, description="Slug of the commons.")
    funder: str | None = Field(None, description="Slug of the funder.")
    grant: int | None = Field(None, description="Id of the grant.")


@router.get("/funding/expenses/", response={200: page_of(ExpenseOut), **READ_ERRORS})
def list_expenses(request: HttpRequest, filters: Query[ExpenseFilters]) -> Any:
    """What commons spent of their grants, latest first, with who recorded each
    and its receipt."""
    queryset = (
        funding.visible_expenses()
        .select_related("grant__commons", "created_by")
        .filter(grant__commons__hidden=False)
    )
    if filters.commons:
        queryset = queryset.filter(grant__commons__slug=filters.commons)
    if filters.funder:
        queryset = queryset.filter(grant__funder__slug=filters.funder)
    if filters.grant:
        queryset = queryset.filter(grant_id=filters.grant)
    return paginate(request, queryset.order_by("-date", "-id"), filters)


@router.post(
    "/funding/{int:funding_id}/expenses/",
    response={201: ExpenseOut, **ERRORS},
    **WRITE,
)
def record_expense(request: HttpRequest, funding_id: int, payload: ExpenseIn) -> Any:
    """Record what the commons spent of a received grant (a holder of the
    commons), with a link to its receipt; never more than what is unspent.
    An ``Idempotency-Key`` header makes a retry safe."""
    user = caller(request)
    grant = _grant(funding_id)
    try:
        expense = funding.record_expense(
            grant,
            user=user,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            **payload.model_dump(),
        )
    except funding.FundingError as exc:
        raise ApiError(409, str(exc), code="funding_state") from exc
    return Status(201, expense)


@router.post(
    "/funding/expenses/{int:expense_id}/receipt/",
    response={200: ExpenseOut, **ERRORS},
    **WRITE,
)
def attach_receipt(
    request: HttpRequest, expense_id: int, receipt: File[UploadedFile]
) -> Any:
    """Upload the receipt of an expense that has none (a holder of the
    commons): a PDF, PNG or JPEG file of at most ``FABRIQUE_RECEIPT_MAX_BYTES``,
    checked by its content; images are stored re-encoded."""
    user = caller(request)
    expense = get_or_404(
        funding.visible_expenses()
        .select_related("grant__commons", "grant__funder")
        .filter(grant__commons__hidden=False),
        "expense",
        pk=expense_id,
    )
    try:
        return funding.attach_receipt(expense, user=user, file=receipt)
    except funding.FundingError as exc:
        raise ApiError(409, str(exc), code="funding_state") from exc


class BalanceFilters(Schema):
    commons: str | None = Field(None, description="Slug of the commons.")
    funder: str | None = Field(None, description="Slug of the funder.")


@router.get("/funding/balance/", response={200: list[BalanceOut], **READ_ERRORS})
def funding_balance(request: HttpRequest, filters: Query[BalanceFilters]) -> Any:
    """Figures per currency of one commons (``commons``) or one funder
    (``funder``): still pledged, granted, received, spent and the balance —
    received less spent. Hidden funders and rows are left out."""
    user = reader(request)
    if bool(filters.commons) == bool(filters.funder):
        raise ApiError(400, "Give either commons or funder.", code="bad_request")
    if filters.commons:
        commons = get_or_404(
            visible(Commons.objects.all(), user), "commons", slug=filters.commons
        )
        found = funding.money(commons=commons)
    else:
        funder = get_or_404(
            visible(Actor.objects.all(), user), "actor", slug=filters.funder
        )
        found = funding.money(funder=funder)
    return [
        {
            "currency": m.currency,
            "pledged": m.pledged,
            "granted": m.granted,
            "received": m.received,
            "spent": m.spent,
            "balance": m.balance,
        }
        for m in found.values()
    ]


# Open data dump --------------------------------------------------------------


class DumpOut(Schema):
    url: str = Field(description="Where to download the archive (zip).")
    created: datetime.datetime
    size: int = Field(description="Size of the archive in bytes.")
    licence: str = Field(description="Licence of the data (SPDX-like identifier).")
    counts: dict[str, int] = Field(description="Rows in each CSV file.")


@router.get("/data/", response={200: DumpOut, **READ_ERRORS})
def open_data_dump(request: HttpRequest) -> Any:
    """The latest open data archive: everything public as CSV and JSON-LD."""
    from django.urls import reverse

    from fabrique.projects import dump

    found = dump.latest()
    if found is None:
        raise ApiError(404, "The open data archive is not built yet; try later.")
    path = reverse("projects:data_download", args=[found.path.name])
    return {
        "url": request.build_absolute_uri(path),
        "created": found.created,
        "size": found.size,
        "licence": found.licence,
        "counts": found.counts,
    }
