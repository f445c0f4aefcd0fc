"""Community of a commons: join, approve, decline, leave; needs; follow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog import services
from fabrique.catalog.forms import JoinForm, NeedForm
from fabrique.catalog.models import Actor, Commons, CommunityMembership, Need
from fabrique.catalog.views.history import MODELS


def _commons(slug: str) -> Commons:
    return get_object_or_404(Commons, slug=slug, hidden=False)


def community(request: HttpRequest, slug: str) -> HttpResponse:
    """Members by role; holders also see and decide pending requests."""
    commons = _commons(slug)
    holder = services.is_holder(request.user, commons)
    requests = (
        commons.memberships.filter(status=CommunityMembership.Status.REQUESTED)
        .select_related("user", "actor")
        .order_by("created")
        if holder
        else []
    )
    return render(
        request,
        "catalog/community.html",
        {
            "commons": commons,
            "community": services.community_by_role(commons),
            "roles": CommunityMembership.Role.choices,
            "is_holder": holder,
            "requests": requests,
            "join_form": JoinForm(user=request.user),
        },
    )


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    commons = _commons(slug)
    form = JoinForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(commons)
    try:
        services.request_membership(
            commons,
            user=request.user,
            role=form.cleaned_data["role"],
            message=form.cleaned_data["message"],
            actor=form.cleaned_data.get("actor"),
        )
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Request sent. A holder of this commons will answer it.")
        )
    return redirect(commons)


def _membership(slug: str, pk: int) -> CommunityMembership:
    return get_object_or_404(
        CommunityMembership.objects.select_related("commons", "actor", "user"),
        pk=pk,
        commons__slug=slug,
    )


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, pk: int, decision: str) -> HttpResponse:
    membership = _membership(slug, pk)
    action = {
        "approve": services.approve_membership,
        "decline": services.decline_membership,
    }[decision]
    try:
        action(membership, by=request.user)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s approved.") % {"name": membership.member_name}
            if decision == "approve"
            else _("%(name)s declined.") % {"name": membership.member_name},
        )
    return redirect("catalog:community", slug=slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(slug, pk)
    try:
        services.leave_membership(membership, user=request.user)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You left this community."))
    return redirect(membership.commons)


@login_required
@require_POST
def need_add(request: HttpRequest, slug: str) -> HttpResponse:
    commons = _commons(slug)
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            services.add_need(commons, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Need added."))
            return redirect(f"{commons.get_absolute_url()}#needs")
    return render(
        request,
        "catalog/need_form.html",
        {"commons": commons, "form": form},
        status=400,
    )


@login_required
@require_POST
def need_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    need = get_object_or_404(Need, pk=pk, commons__slug=slug)
    try:
        services.set_need_status(
            need, user=request.user, status=request.POST.get("status", "")
        )
    except services.CatalogError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Need updated."))
    return redirect(f"{need.commons.get_absolute_url()}#needs")


@login_required
@require_POST
def follow(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    target: Commons | Actor = get_object_or_404(MODELS[kind], slug=slug, hidden=False)
    if request.POST.get("action") == "unfollow":
        services.unfollow(target, user=request.user)
        messages.success(
            request, _("You no longer follow %(name)s.") % {"name": target}
        )
    else:
        services.follow(target, user=request.user)
        messages.success(request, _("You follow %(name)s.") % {"name": target})
    return redirect(target)
