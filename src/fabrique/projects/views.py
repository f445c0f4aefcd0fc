"""Pages of projects (their contract with the commons) and of the open data.

Changes go through ``fabrique.projects.services`` — the functions the API
uses. A refusal of rights is a 403; a refusal of the rules a message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog.models import Commons
from fabrique.catalog.services import can_manage_actor
from fabrique.community.models import DomainMember
from fabrique.core import activity
from fabrique.core.permissions import can_moderate, require_member, visible
from fabrique.projects import dump, services
from fabrique.projects.forms import AccompanimentForm, ContractForm, ProjectForm
from fabrique.projects.models import Project

PAGE_SIZE = 30


def _visible_commons() -> Prefetch:
    return Prefetch("uses", queryset=Commons.objects.filter(hidden=False))


def project_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    status = request.GET.get("accompaniment", "")
    rows = (
        visible(Project.objects.all(), request.user)
        .select_related("actor")
        .annotate(
            n_uses=Count("uses", filter=Q(uses__hidden=False), distinct=True),
            n_gives=Count(
                "contributes_to", filter=Q(contributes_to__hidden=False), distinct=True
            ),
        )
        .order_by("name", "pk")
    )
    if kind in Project.Kind.values:
        rows = rows.filter(kind=kind)
    if status in Project.Accompaniment.values:
        rows = rows.filter(accompaniment=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": Project.Kind.choices,
            "statuses": Project.Accompaniment.choices,
            "may_review": is_reviewer(request.user),
        },
    )


def _project(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("actor"), slug=slug)
    if project.hidden and not can_moderate(request.user):
        raise Http404
    return project


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from fabrique.catalog.models import Place
    from fabrique.community.models import Need
    from fabrique.core import follows
    from fabrique.core.discussions import latest_of
    from fabrique.projects import contract

    project = _project(request, slug)
    clauses = contract.check(project)
    for clause in clauses:
        clause.may_review = contract.may_review(  # type: ignore[attr-defined]
            request.user, project, clause.commons
        )
    manager = can_manage_actor(request.user, project.actor)
    actor = project.actor
    team = (
        actor.members.filter(user__is_active=True, user__deleted=False)
        .select_related("user")
        .order_by("-role", "user__display_name", "user__username")
    )
    needs = (
        Need.objects.filter(carriers__actor=actor, hidden=False, domain__hidden=False)
        .distinct()
        .order_by("-created")[:10]
    )
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "clauses": clauses,
            "team": [] if actor.hidden else list(team),
            "places": [] if actor.hidden else list(Place.objects.filter(actor=actor)),
            "needs": list(needs),
            "following": follows.is_following(request.user, project),
            "discussions": latest_of(project, 3),
            "contract": contract.summary(clauses),
            # The entries the check read, newest first: not a second query.
            "contributions": sorted(
                (entry for clause in clauses for entry in clause.entries),
                key=lambda entry: (entry.created, entry.id),
                reverse=True,
            )[:30],
            "may_edit": manager,
            "may_review": can_moderate(request.user),
            "accompaniment_form": AccompanimentForm(
                initial={"accompaniment": project.accompaniment}
            ),
            "activity": activity.for_object(project)[:10],
        },
    )


@require_member
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                user=request.user,
                actor=data["actor"],
                name=data["name"],
                kind=data["kind"],
                summary=data["summary"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your project is created."))
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": None})


@require_member
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    if not can_manage_actor(request.user, project.actor):
        raise PermissionDenied
    initial = {
        "actor": project.actor,
        "name": project.name,
        "kind": project.kind,
        "summary": project.summary,
        "description": project.description,
    }
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)
    form.fields["actor"].disabled = True
    form.fields["actor"].queryset = type(project.actor).objects.filter(  # type: ignore[attr-defined]
        pk=project.actor_id
    )
    contract = ContractForm(
        initial={
            "uses": list(project.uses.all()),
            "contributes_to": list(project.contributes_to.all()),
        }
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(project, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The project is saved."))
            return redirect(project)
    return render(
        request,
        "projects/form.html",
        {"form": form, "project": project, "contract_form": contract},
    )


@require_member
@require_POST
def project_contract(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    if not can_manage_actor(request.user, project.actor):
        raise PermissionDenied
    form = ContractForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "projects/form.html",
            {
                "form": None,
                "project": project,
                "contract_form": form,
            },
            status=400,
        )
    services.set_contract(
        project,
        user=request.user,
        uses=form.cleaned_data["uses"],
        contributes_to=form.cleaned_data["contributes_to"],
    )
    messages.success(request, _("The commons of the contract are saved."))
    return redirect(project)


@require_member
@require_POST
def project_accompaniment(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    if not can_moderate(request.user):
        raise PermissionDenied
    form = AccompanimentForm(request.POST)
    if form.is_valid():
        services.set_accompaniment(
            project, user=request.user, status=form.cleaned_data["accompaniment"]
        )
        messages.success(request, _("The accompaniment status is saved."))
    return redirect(project)


def is_reviewer(user: Any) -> bool:
    """Facilitators of any domain and the platform's staff review contracts."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        can_moderate(user)
        or DomainMember.objects.filter(
            user=user, role=DomainMember.Role.FACILITATOR
        ).exists()
    )


@require_member
def using_without_contributing(request: HttpRequest) -> HttpResponse:
    """Facilitators' view: projects that use commons but contribute to none."""
    if not is_reviewer(request.user):
        raise PermissionDenied
    rows = services.using_without_contributing().select_related("actor")
    page = Paginator(rows.prefetch_related(_visible_commons()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/free_riders.html", {"page": page})


# Open data -----------------------------------------------------------------


def data_page(request: HttpRequest) -> HttpResponse:
    """The open data dump: what it holds, its date and size, its licence."""
    found = dump.latest()
    every = int(getattr(settings, "FABRIQUE_DUMP_EVERY", 0) or 0)
    next_build = (
        found.created + timedelta(seconds=every) if found and every > 0 else None
    )
    return render(request, "data/index.html", {"dump": found, "next_build": next_build})


def data_download(request: HttpRequest, name: str) -> HttpResponse:
    found = dump.latest()
    if found is None or name != found.path.name:
        raise Http404
    response = FileResponse(
        found.path.open("rb"), as_attachment=True, filename=found.path.name
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_member
@require_POST
def project_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow a project (hear of its activity), or stop."""
    from fabrique.core import follows

    project = _project(request, slug)
    if request.POST.get("action") == "unfollow":
        follows.unfollow(request.user, project)
        messages.success(
            request, _("You no longer follow %(name)s.") % {"name": project}
        )
    else:
        follows.follow(request.user, project)
        messages.success(request, _("You follow %(name)s.") % {"name": project})
    return redirect(project)


@require_member
@require_POST
def contract_review(request: HttpRequest, slug: str, commons: str) -> HttpResponse:
    """A holder of a commons acknowledges or contests what the project
    states of it."""
    from fabrique.projects import contract

    project = _project(request, slug)
    target = get_object_or_404(Commons, slug=commons, hidden=False)
    if not contract.may_review(request.user, project, target):
        raise PermissionDenied
    try:
        contract.review(
            project,
            target,
            by=request.user,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your word on the contract is recorded."))
    return redirect(f"{project.get_absolute_url()}#contract-title")
