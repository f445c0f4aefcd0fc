"""The contract of a project, checked against the ledger.

A project states the commons it uses and those it contributes to. The
statement alone proves nothing: a clause "contributes to X" is **kept** when
the ledger holds an entry on X by the project's people — its carrying
actor, or a member of that actor — recorded by hand and confirmed by a
holder. Automatic entries (edits of the commons' page) do not count: writing
the page of a commons one uses is not giving back to it. A project's page shows those
entries only (not what its members gave elsewhere), and the facilitators'
list of projects that use commons without contributing reads the ledger,
not the statement. A holder of a commons of the contract acknowledges what
the project states of it, or contests it with a reason; the project's own
people never review their own statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from fabrique.catalog.models import ActorMember, Commons
from fabrique.catalog.services import normalise_text
from fabrique.core import activity
from fabrique.core.permissions import is_active_user
from fabrique.projects.models import ContractReview, Contribution, Project

CONFIRMED = Contribution.Status.CONFIRMED


def _given() -> QuerySet[Contribution]:
    """Entries that keep a contract: confirmed by a holder, not automatic."""
    return Contribution.objects.filter(status=CONFIRMED, automatic=False)


@dataclass
class Clause:
    """One commons of the contract and what the ledger says of it."""

    commons: Commons
    declared: bool  # stated in "contributes to"
    used: bool  # stated in "uses"
    entries: list[Contribution] = field(default_factory=list)
    review: ContractReview | None = None

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
        _given()
        .filter(commons__in=commons)
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
    for review in project.contract_reviews.filter(
        commons_id__in=clauses
    ).select_related("by"):
        clauses[review.commons_id].review = review
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
    gave = _given().filter(
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


def may_review(user: Any, project: Project, commons: Commons) -> bool:
    """A holder of ``commons`` (in person, or an administrator of a holder
    organisation) who is not one of the project's people."""
    from fabrique.projects import ledger

    if not is_active_user(user):
        return False
    if ActorMember.objects.filter(actor_id=project.actor_id, user=user).exists():
        return False
    return ledger.holds_in_person(user, commons)


def review(
    project: Project, commons: Commons, *, by: Any, status: str, reason: str = ""
) -> ContractReview:
    """``by`` acknowledges what ``project`` states of ``commons``, or
    contests it saying why; the latest word replaces the last."""
    in_contract = (
        project.uses.filter(pk=commons.pk).exists()
        or project.contributes_to.filter(pk=commons.pk).exists()
    )
    if not in_contract:
        raise ValidationError(
            {"commons": _("This commons is not in the project's contract.")}
        )
    if not may_review(by, project, commons):
        raise PermissionDenied(
            _(
                "Only a holder of this commons, outside the project, may "
                "acknowledge or contest what the project states of it."
            )
        )
    if status not in ContractReview.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    reason = normalise_text(reason or "")[:300]
    if status == ContractReview.Status.CONTESTED and not reason:
        raise ValidationError({"reason": _("Say why the statement does not hold.")})
    found, _created = ContractReview.objects.update_or_create(
        project=project,
        commons=commons,
        defaults={"status": status, "reason": reason, "by": by},
    )
    activity.record(
        project,
        user=by,
        verb=f"contract_{status}",
        summary=f"{commons.title}: {reason}" if reason else commons.title,
        data={"commons": commons.pk},
    )
    return found
