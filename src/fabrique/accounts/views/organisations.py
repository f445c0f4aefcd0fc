"""Members of an organisation actor, managed by its administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.accounts.forms import OrganisationMemberForm
from fabrique.accounts.services import (
    AccountError,
    add_organisation_member,
    can_manage_members,
    change_organisation_member_role,
    remove_organisation_member,
)
from fabrique.catalog.models import Actor, ActorMember


def _organisation(slug: str) -> Actor:
    return get_object_or_404(Actor, slug=slug, is_organisation=True, hidden=False)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """List the members; administrators add new ones here."""
    actor = _organisation(slug)
    manage = can_manage_members(request.user, actor)
    is_member = actor.members.filter(user=request.user).exists()
    if not (manage or is_member):
        raise PermissionDenied
    form = OrganisationMemberForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                add_organisation_member(
                    actor,
                    form.cleaned_data["username"],
                    form.cleaned_data["role"],
                    by=request.user,
                )
            except AccountError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The member was added."))
                return redirect("accounts:organisation_members", slug=actor.slug)
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "actor": actor,
            "members": actor.members.select_related("user").order_by(
                "role", "user__username"
            ),
            "manage": manage,
            "form": form,
            "roles": ActorMember.Role.choices,
        },
    )


@require_POST
@login_required
def member_update(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """Change a member's role, or remove them (a member may also leave)."""
    actor = _organisation(slug)
    member = get_object_or_404(ActorMember, pk=member_id, actor=actor)
    action = request.POST.get("action")
    try:
        if action == "remove":
            remove_organisation_member(member, by=request.user)
            messages.success(request, _("The member was removed."))
        elif action == "role":
            change_organisation_member_role(
                member, request.POST.get("role", ""), by=request.user
            )
            messages.success(request, _("The role was changed."))
        else:
            messages.error(request, _("Unknown action."))
    except AccountError as exc:
        messages.error(request, str(exc))
    if member.user_id == request.user.pk and action == "remove":
        return redirect("accounts:profile")
    return redirect("accounts:organisation_members", slug=actor.slug)
