"""The contract of a project, checked against the ledger.

A project states the commons it uses and those it contributes to. The
statement alone proves nothing: a clause "contributes to X" is **kept** when
the ledger holds a confirmed entry on X by the project's people — its
carrying actor, or a member of that actor. A project's page shows those
entries only (not what its members gave elsewhere), and the facilitators'
list of projects that use commons without contributing reads the ledger,
not the statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from fabrique.catalog.models import ActorMember, Commons
from fabrique.projects.models import Contribution, Project

CONFIRMED = Contribution.Status.CONFIRMED


@dataclass
class Clause:
    """One commons of the contract and what the ledger says of it."""

    commons: Commons
    declared: bool  # stated in "contributes to"
    used: bool  # stated in "uses"
    entries: list[Contribution] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return bool(self.entries)


def _by_the_project(project: Project) -> Q:
    members = ActorMember.objects.filter(actor_id=project.actor_id).values("user_id")
    return Q(actor_id=project.actor_id) | Q(contributor_id__in=members)


def entries(project: Project) -> QuerySet[Contribution]:
    """Confirmed entries by the project's people on the commons of its
    contract (used or declared), newest first."""
    commons = Commons.objects.filter(hidden=False).filter(
        Q(used_by_projects=project) | Q(contributing_projects=project)
    )
    return (
        Contribution.objects.filter(status=CONFIRMED, commons__in=commons)
        .filter(_by_the_project(project))
        .select_related("commons", "contributor", "confirmed_by")
        .order_by("-created", "-id")
    )


def check(project: Project) -> list[Clause]:
    """Each visible commons the project uses or contributes to, in title
    order, with the confirmed entries that keep it."""
    used = {c.pk: c for c in project.uses.filter(hidden=False)}
    declared = {c.pk: c for c in project.contributes_to.filter(hidden=False)}
    clauses = {
        pk: Clause(commons=c, declared=pk in declared, used=pk in used)
        for pk, c in {**used, **declared}.items()
    }
    for entry in entries(project):
        assert entry.commons_id is not None
        clauses[entry.commons_id].entries.append(entry)
    return sorted(clauses.values(), key=lambda c: c.commons.title.casefold())


def summary(clauses: list[Clause]) -> dict[str, Any]:
    declared = [c for c in clauses if c.declared]
    return {
        "declared": len(declared),
        "kept": sum(1 for c in declared if c.kept),
        "unstated": [c for c in clauses if c.kept and not c.declared],
        "free_rider": any(c.used for c in clauses) and not any(c.kept for c in clauses),
    }


def using_without_contributing() -> QuerySet[Project]:
    """Visible projects that use commons and have no confirmed entry, by
    their people, on any commons of their contract."""
    members = ActorMember.objects.filter(actor_id=OuterRef(OuterRef("actor_id")))
    gave = Contribution.objects.filter(status=CONFIRMED).filter(
        Q(commons__used_by_projects=OuterRef("pk"))
        | Q(commons__contributing_projects=OuterRef("pk"))
    )
    gave = gave.filter(
        Q(actor_id=OuterRef("actor_id"))
        | Q(contributor_id__in=members.values("user_id"))
    )
    return (
        Project.objects.filter(hidden=False, uses__isnull=False)
        .filter(~Exists(gave))
        .distinct()
        .order_by("name")
    )
