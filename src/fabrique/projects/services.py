"""Projects and the contract: the commons each project uses and contributes to."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fabrique.catalog.models import Actor, Commons
from fabrique.catalog.services import can_manage_actor, normalise_text, unique_slug
from fabrique.core import activity
from fabrique.core.permissions import can_moderate
from fabrique.projects.models import Project


def create_project(
    *,
    user: Any,
    actor: Actor,
    name: str,
    kind: str,
    summary: str = "",
    description: str = "",
) -> Project:
    """Create a project carried by ``actor`` (whose account manages it)."""
    if not can_manage_actor(user, actor):
        raise PermissionDenied(
            _("Only the administrators of %(actor)s may do this.") % {"actor": actor}
        )
    name = normalise_text(name or "")
    project = Project(
        name=name,
        slug=unique_slug(Project, name),
        kind=kind,
        summary=normalise_text(summary or ""),
        description=normalise_text(description or ""),
        actor=actor,
        created_by=user,
    )
    project.full_clean()
    with transaction.atomic():
        project.save()
        activity.record(project, user=user, verb="created", summary=project.name)
    return project


def update_project(project: Project, *, user: Any, data: dict[str, Any]) -> Project:
    """Change a project's name, kind and texts (its actor's administrators);
    fields missing from ``data`` stay as they are."""
    if not can_manage_actor(user, project.actor):
        raise PermissionDenied(_("Only the project's administrators may do this."))
    if "name" in data:
        project.name = normalise_text(data["name"] or "")
    if "kind" in data:
        project.kind = data["kind"]
    if "summary" in data:
        project.summary = normalise_text(data["summary"] or "")
    if "description" in data:
        project.description = normalise_text(data["description"] or "")
    project.full_clean()
    with transaction.atomic():
        project.save()
        activity.record(project, user=user, verb="edited", summary=project.name)
    return project


def set_contract(
    project: Project,
    *,
    user: Any,
    uses: list[Commons] | None = None,
    contributes_to: list[Commons] | None = None,
) -> Project:
    """Record which commons ``project`` uses and contributes to."""
    if not can_manage_actor(user, project.actor):
        raise PermissionDenied(_("Only the project's administrators may do this."))
    with transaction.atomic():
        if uses is not None:
            project.uses.set(uses)
        if contributes_to is not None:
            project.contributes_to.set(contributes_to)
        activity.record(
            project, user=user, verb="contract_changed", summary=project.name
        )
    return project


def set_accompaniment(project: Project, *, user: Any, status: str) -> Project:
    """The platform's staff follow a project: applied → accompanied → alumni."""
    if not can_moderate(user):
        raise PermissionDenied(_("Only the platform's staff may do this."))
    if status not in Project.Accompaniment.values:
        raise ValidationError({"accompaniment": _("Unknown status.")})
    project.accompaniment = status
    project.save(update_fields=["accompaniment", "updated"])
    activity.record(project, user=user, verb="accompaniment", summary=status)
    return project


def using_without_contributing() -> QuerySet[Project]:
    """Projects that use commons but gave none of them anything confirmed:
    for facilitators (see :mod:`fabrique.projects.contract`)."""
    from fabrique.projects import contract

    return contract.using_without_contributing()
