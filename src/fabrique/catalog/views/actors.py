"""Actor pages: everything an actor takes part in; create, edit, places."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog import services
from fabrique.catalog.forms import ActorForm, PlaceForm
from fabrique.catalog.jsonld import actor_jsonld, ld_script
from fabrique.catalog.models import Actor, Commons, CommunityMembership, Place
from fabrique.catalog.views.commons import moderation_context, report_url
from fabrique.catalog.views.editing import edit
from fabrique.core import activity, discussions, follows
from fabrique.core.permissions import can_view


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor.objects.prefetch_related("places"), slug=slug)
    if not can_view(request.user, actor):
        raise Http404
    # The actor's own memberships, and for a person those of its account.
    who = Q(actor=actor)
    if actor.user_id:
        who |= Q(user_id=actor.user_id, actor__isnull=True)
    memberships = (
        CommunityMembership.objects.filter(
            who,
            status=CommunityMembership.Status.ACTIVE,
            commons__hidden=False,
        )
        .select_related("commons")
        .order_by("role", "commons__title")
    )
    by_role: dict[str, list[CommunityMembership]] = {}
    for membership in memberships:
        by_role.setdefault(membership.role, []).append(membership)
    members = actor.members.select_related("user").order_by("role", "created")
    commons_ids = [m.commons_id for m in memberships]
    return render(
        request,
        "catalog/actor_detail.html",
        {
            "actor": actor,
            "by_role": [
                (label, by_role[role])
                for role, label in CommunityMembership.Role.choices
                if role in by_role
            ],
            "members": members,
            "activity": (
                activity.for_object(actor) | activity.for_ids(Commons, commons_ids)
            ).prefetch_related("target")[:10],
            "show_target": True,
            "discussions": discussions.discussions_of(actor)[:5],
            "following": follows.is_following(request.user, actor),
            "followers": follows.followers_count(actor),
            "can_edit": services.can_edit(request.user, actor),
            "can_manage": services.can_manage_actor(request.user, actor),
            "place_form": PlaceForm(),
            "jsonld": ld_script(actor_jsonld(actor, request)),
            "report_url": report_url(actor),
            "moderation": moderation_context(request, actor),
        },
    )


@login_required
def actor_create(request: HttpRequest) -> HttpResponse:
    def save(form: ActorForm) -> Actor:
        return services.create_actor(
            user=request.user,
            data=form.content(),
            comment=form.cleaned_data["comment"],
        )

    return edit(
        request,
        obj=None,
        form_class=ActorForm,
        save=save,
        template="catalog/actor_form.html",
        context={"cancel_url": reverse("home")},
    )


@login_required
def actor_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)

    def save(form: ActorForm) -> Actor:
        services.update_actor(
            actor,
            user=request.user,
            data=form.content(),
            base_revision=form.cleaned_data["base_revision"] or 0,
            comment=form.cleaned_data["comment"],
        )
        return actor

    return edit(
        request,
        obj=actor,
        form_class=ActorForm,
        save=save,
        template="catalog/actor_form.html",
        context={
            "cancel_url": actor.get_absolute_url(),
            "ns": "catalog:actor",
        },
    )


@login_required
def place_add(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    if actor.hidden:
        raise PermissionDenied(_("This page is hidden by moderation."))
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_place(actor, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Place added."))
            return redirect(actor)
    return render(
        request,
        "catalog/place_form.html",
        {"actor": actor, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def place_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    place = get_object_or_404(Place, pk=pk, actor__slug=slug)
    services.remove_place(place, user=request.user)
    messages.success(request, _("Place removed."))
    return redirect(place.actor)
