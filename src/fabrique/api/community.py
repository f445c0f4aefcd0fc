"""Community routes: the needs of commons and community memberships.

Who may do what is decided by ``fabrique.catalog.services`` (the pages use the
same functions): anyone signed in may add a need or ask to join; a need's
author and the holders change it; holders approve or decline requests; a
member leaves on their own.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from fabrique.api.auth import WRITE_AUTH, reader
from fabrique.api.common import caller, get_or_404, is_moderator, visible
from fabrique.api.errors import ERRORS, ApiError, ErrorOut
from fabrique.api.pagination import PageParams, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.api.schemas import (
    MembershipIn,
    MembershipOut,
    MembershipPatch,
    NeedIn,
    NeedOut,
    NeedPatch,
)
from fabrique.catalog import services
from fabrique.catalog.models import Actor, Commons, CommunityMembership, Need
from fabrique.core import activity

router = Router()

READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}
Membership = CommunityMembership


def _commons(user: Any, slug: str) -> Commons:
    return get_or_404(visible(Commons.objects.all(), user), "commons", slug=slug)


# Needs ---------------------------------------------------------------------


class NeedFilters(PageParams):
    commons: str | None = Field(None, description="Slug of the commons.")
    status: Need.Status | None = None
    help_kind: Need.HelpKind | None = None


def need_queryset(user: Any) -> QuerySet[Need]:
    queryset = Need.objects.select_related("commons")
    if is_moderator(user):
        return queryset
    return queryset.filter(commons__hidden=False)


def _may_change_need(user: Any, need: Need) -> None:
    if need.created_by_id != user.pk and not services.is_holder(user, need.commons):
        raise ApiError(403, "Only the holders or the author of this need may do this.")


@router.get("/needs/", response={200: page_of(NeedOut), **READ_ERRORS}, tags=["needs"])
def list_needs(request: HttpRequest, filters: Query[NeedFilters]) -> Any:
    """Needs of commons (what help they seek), newest first."""
    queryset = need_queryset(reader(request))
    if filters.commons:
        queryset = queryset.filter(commons__slug=filters.commons)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.help_kind:
        queryset = queryset.filter(help_kind=filters.help_kind)
    return paginate(request, queryset.order_by("-created", "-pk"), filters)


@router.get(
    "/needs/{int:need_id}/", response={200: NeedOut, **READ_ERRORS}, tags=["needs"]
)
def get_need(request: HttpRequest, need_id: int) -> Any:
    """One need."""
    return get_or_404(need_queryset(reader(request)), "need", pk=need_id)


@router.post("/needs/", response={201: NeedOut, **ERRORS}, tags=["needs"], **WRITE)
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    """Add an open need to a commons."""
    user = caller(request)
    commons = _commons(user, payload.commons)
    need = services.add_need(
        commons,
        user=user,
        title=payload.title,
        help_kind=payload.help_kind,
        description=payload.description,
    )
    return Status(201, need)


@router.patch(
    "/needs/{int:need_id}/", response={200: NeedOut, **ERRORS}, tags=["needs"], **WRITE
)
def update_need(request: HttpRequest, need_id: int, payload: NeedPatch) -> Any:
    """Change a need (its author and the commons' holders)."""
    user = caller(request)
    need = get_or_404(need_queryset(user), "need", pk=need_id)
    _may_change_need(user, need)
    sent = payload.model_dump(exclude_unset=True, exclude_none=True)
    status = sent.pop("status", None)
    with transaction.atomic():
        if sent:
            for name, value in sent.items():
                setattr(need, name, value.strip() if isinstance(value, str) else value)
            need.full_clean()
            need.save()
            activity.record(
                need.commons,
                user=user,
                verb="need_edited",
                summary=need.title,
                data={"need": need.pk, "changed": sorted(sent)},
            )
        if status is not None and status != need.status:
            services.set_need_status(need, user=user, status=status)
    return need


@router.delete(
    "/needs/{int:need_id}/", response={204: None, **ERRORS}, tags=["needs"], **WRITE
)
def delete_need(request: HttpRequest, need_id: int) -> Any:
    """Delete a need (its author and the commons' holders)."""
    user = caller(request)
    need = get_or_404(need_queryset(user), "need", pk=need_id)
    _may_change_need(user, need)
    with transaction.atomic():
        activity.record(
            need.commons,
            user=user,
            verb="need_deleted",
            summary=need.title,
            data={"need": need.pk},
        )
        need.delete()
    return Status(204, None)


# Memberships ---------------------------------------------------------------


class MembershipFilters(PageParams):
    commons: str | None = Field(None, description="Slug of the commons.")
    actor: str | None = Field(None, description="Slug of the actor.")
    user: str | None = Field(None, description="Username of the member.")
    role: Membership.Role | None = None
    status: Membership.Status | None = None


def membership_queryset(user: Any) -> QuerySet[CommunityMembership]:
    """Active and past memberships are public; requests are shown to the
    requester, the commons' holders and moderators."""
    queryset = Membership.objects.select_related("commons", "user", "actor")
    if is_moderator(user):
        return queryset
    queryset = queryset.filter(commons__hidden=False)
    public = Q(status__in=[Membership.Status.ACTIVE, Membership.Status.LEFT])
    if user is None:
        return queryset.filter(public)
    holds = Membership.objects.filter(
        Q(user=user) | Q(actor__members__user=user),
        role=Membership.Role.HOLDER,
        status=Membership.Status.ACTIVE,
    ).values("commons")
    return queryset.filter(
        public | Q(user=user) | Q(actor__members__user=user) | Q(commons__in=holds)
    ).distinct()


@router.get(
    "/memberships/",
    response={200: page_of(MembershipOut), **READ_ERRORS},
    tags=["memberships"],
)
def list_memberships(request: HttpRequest, filters: Query[MembershipFilters]) -> Any:
    """Community memberships (holder, contributor, user, funder)."""
    queryset = membership_queryset(reader(request))
    if filters.commons:
        queryset = queryset.filter(commons__slug=filters.commons)
    if filters.actor:
        queryset = queryset.filter(actor__slug=filters.actor)
    if filters.user:
        queryset = queryset.filter(user__username=filters.user, user__deleted=False)
    if filters.role:
        queryset = queryset.filter(role=filters.role)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return paginate(request, queryset.order_by("commons__slug", "role", "pk"), filters)


@router.get(
    "/memberships/{int:membership_id}/",
    response={200: MembershipOut, **READ_ERRORS},
    tags=["memberships"],
)
def get_membership(request: HttpRequest, membership_id: int) -> Any:
    """One membership."""
    return get_or_404(
        membership_queryset(reader(request)), "membership", pk=membership_id
    )


@router.post(
    "/memberships/",
    response={201: MembershipOut, **ERRORS},
    tags=["memberships"],
    **WRITE,
)
def create_membership(request: HttpRequest, payload: MembershipIn) -> Any:
    """Ask to join a commons in a role; a holder approves the request."""
    user = caller(request)
    commons = _commons(user, payload.commons)
    actor = None
    if payload.actor:
        actor = get_or_404(
            visible(Actor.objects.all(), user), "actor", slug=payload.actor
        )
    membership = services.request_membership(
        commons, user=user, role=payload.role, message=payload.message, actor=actor
    )
    return Status(201, membership)


@router.patch(
    "/memberships/{int:membership_id}/",
    response={200: MembershipOut, **ERRORS},
    tags=["memberships"],
    **WRITE,
)
def update_membership(
    request: HttpRequest, membership_id: int, payload: MembershipPatch
) -> Any:
    """Decide on a request (holders: ``active``/``declined``) or leave (``left``)."""
    user = caller(request)
    membership = get_or_404(membership_queryset(user), "membership", pk=membership_id)
    own = membership.user_id == user.pk or (
        membership.actor_id is not None
        and services.can_manage_actor(user, membership.actor)
    )
    if not (own or services.is_holder(user, membership.commons)):
        raise ApiError(403, "This membership is neither yours nor in your commons.")
    if payload.status == Membership.Status.ACTIVE:
        return services.approve_membership(membership, by=user)
    if payload.status == Membership.Status.DECLINED:
        return services.decline_membership(membership, by=user)
    return services.leave_membership(membership, user=user)


@router.delete(
    "/memberships/{int:membership_id}/",
    response={204: None, **ERRORS},
    tags=["memberships"],
    **WRITE,
)
def delete_membership(request: HttpRequest, membership_id: int) -> Any:
    """Withdraw one's own pending request; moderators may delete any."""
    user = caller(request)
    membership = get_or_404(membership_queryset(user), "membership", pk=membership_id)
    own_request = (
        membership.user_id == user.pk
        and membership.status == Membership.Status.REQUESTED
    )
    if not (own_request or is_moderator(user)):
        raise ApiError(
            403,
            "Only the requester may withdraw a pending request; "
            "to leave a community set the status to 'left'.",
        )
    with transaction.atomic():
        activity.record(
            membership.commons,
            user=user,
            verb="membership_deleted",
            summary=membership.member_name,
            data={"membership": membership.pk, "role": membership.role},
        )
        membership.delete()
    return Status(204, None)
