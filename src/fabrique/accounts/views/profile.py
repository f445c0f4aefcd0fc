"""Profile pages: own profile, public profile, settings, export, deletion, role."""

from __future__ import annotations

import json
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.accounts.forms import (
    DeleteAccountForm,
    PrivateProfileForm,
    PublicProfileForm,
    RoleForm,
    TokenForm,
)
from fabrique.accounts.models import User
from fabrique.accounts.services import (
    AccountError,
    address_in_use,
    can_manage_members,
    delete_account,
    export_user_data,
    set_role,
    warn_address_owners,
)
from fabrique.catalog.models import Actor, CommunityMembership
from fabrique.community.models import Feedback, Participation
from fabrique.core.permissions import is_admin, require_admin
from fabrique.projects.models import Contribution

RECENT_CONTRIBUTIONS = 10


def _contributions(person: User) -> list[Contribution]:
    """The person's latest confirmed entries of the contribution ledger, on
    commons and challenges still shown."""
    return list(
        person.contributions.filter(status=Contribution.Status.CONFIRMED)
        .exclude(commons__hidden=True)
        .exclude(challenge__hidden=True)
        .select_related("commons", "challenge", "actor", "confirmed_by")
        .order_by("-created", "-pk")[:RECENT_CONTRIBUTIONS]
    )


def _challenges(person: User) -> list[Participation]:
    """The micro-challenges the person takes part in or waits for."""
    return list(
        person.participations.filter(
            status__in=(Participation.Status.ACTIVE, Participation.Status.WAITING),
            challenge__hidden=False,
            challenge__need__hidden=False,
        )
        .select_related("challenge")
        .order_by("-created", "-pk")
    )


def _feedback(person: User) -> list[Feedback]:
    """The person's latest feedback on experiments and betas still shown."""
    return list(
        person.experiment_feedback.filter(hidden=False)
        .exclude(experiment__challenge__hidden=True)
        .exclude(beta__challenge__hidden=True)
        .select_related("experiment__challenge", "beta__challenge")
        .order_by("-created", "-pk")[:RECENT_CONTRIBUTIONS]
    )


def _public_context(person: User) -> dict[str, object]:
    memberships = (
        person.memberships.filter(
            status=CommunityMembership.Status.ACTIVE, commons__hidden=False
        )
        .select_related("commons")
        .order_by("role", "commons__title")
    )
    organisations = (
        person.organisations.filter(actor__hidden=False)
        .select_related("actor")
        .order_by("actor__name")
    )
    person_page = Actor.objects.filter(user=person, hidden=False).first()
    return {
        "person": person,
        "memberships": memberships,
        "organisations": organisations,
        "contributions": _contributions(person),
        "participations": _challenges(person),
        "feedback": _feedback(person),
        "person_page": person_page,
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own page: public and private fields, tokens,
    organisations, data export and deletion."""
    user = request.user
    context = _public_context(user)
    context["tokens"] = user.api_tokens.all()
    context["token_form"] = TokenForm()
    context["managed"] = {
        member.actor_id
        for member in context["organisations"]
        if can_manage_members(user, member.actor)
    }
    context.update(security_context(request))
    return render(request, "accounts/profile.html", context)


def public_profile(request: HttpRequest, username: str) -> HttpResponse:
    """What a person made public, and nothing else."""
    person = get_object_or_404(User, username=username, deleted=False, is_active=True)
    context = _public_context(person)
    if is_admin(request.user):
        context["role_form"] = RoleForm(initial={"role": person.role})
    return render(request, "accounts/public_profile.html", context)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Edit public and private fields in one form."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    public = PublicProfileForm(data, instance=user, prefix="public")
    private = PrivateProfileForm(data, instance=user, prefix="private")
    if data is not None and public.is_valid() and private.is_valid():
        before = User.objects.filter(pk=user.pk).values_list("email", flat=True)[0]
        email = private.cleaned_data["email"]
        holders = (
            []
            if email.lower() == before.lower()
            else address_in_use(email, exclude=user)
        )
        public.save()
        private.save()
        if holders:
            warn_address_owners(holders, username=user.username)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/settings.html", {"public": public, "private": private}
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Download everything the platform holds about me, as JSON."""
    data = export_user_data(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    filename = f"fabrique-{request.user.pk}-{stamp}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    """Delete (anonymise) my account after confirmation with my password."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        delete_account(request.user)
        logout(request)
        messages.success(
            request,
            _(
                "Your account was deleted. Your contributions stay, shown as "
                "made by a deleted user."
            ),
        )
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@require_POST
@require_admin
def change_role(request: HttpRequest, username: str) -> HttpResponse:
    """An administrator gives a person the member, moderator or admin role."""
    person = get_object_or_404(User, username=username, deleted=False)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
    else:
        try:
            set_role(
                person,
                form.cleaned_data["role"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except AccountError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": person.public_name, "role": person.get_role_display()},
            )
    return redirect("accounts:public_profile", username=person.username)


def identity(request: HttpRequest, subject: str) -> HttpResponse:
    """The network URI of a member of this instance (identity.identity_uri)
    leads to their public profile."""
    if not subject.isdigit():
        raise Http404
    user = get_object_or_404(User, pk=int(subject), deleted=False, is_active=True)
    return redirect("accounts:public_profile", username=user.username)


def security_context(request: HttpRequest) -> dict[str, Any]:
    """Sign-in methods and sessions of the signed-in person, for the profile."""
    user = request.user
    authenticators = list(Authenticator.objects.filter(user=user).order_by("pk"))
    linked = list(SocialAccount.objects.filter(user=user).order_by("pk"))
    names = {app["provider_id"]: app["name"] for app in settings.OIDC_PROVIDERS}
    return {
        "passkeys": [
            a for a in authenticators if a.type == Authenticator.Type.WEBAUTHN
        ],
        "totp": next(
            (a for a in authenticators if a.type == Authenticator.Type.TOTP), None
        ),
        "recovery_codes": next(
            (a for a in authenticators if a.type == Authenticator.Type.RECOVERY_CODES),
            None,
        ),
        "linked_providers": [
            {"name": names.get(account.provider, account.provider), "uid": account.uid}
            for account in linked
        ],
        "unlinked_providers": [
            {"id": app["provider_id"], "name": app["name"]}
            for app in settings.OIDC_PROVIDERS
            if app["provider_id"] not in {account.provider for account in linked}
        ],
        "sessions": UserSession.objects.purge_and_list(user),
        "current_session_key": request.session.session_key,
    }


@login_required
@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    """Sign out one of one's own sessions (another device, a lost phone)."""
    session = get_object_or_404(UserSession, pk=session_id, user=request.user)
    if session.is_current():
        logout(request)
        return redirect("home")
    session.end()
    messages.success(request, _("That session is signed out."))
    return redirect("accounts:profile")
