"""The contribution ledger: record, confirm, decline; automatic entries.

Anyone signed in records what they (or an actor they belong to) gave to a
commons or a challenge, with an evidence link; the entry waits until a holder
of the commons (or a facilitator or holder of the challenge) confirms it —
never the contributor themselves. Some entries are written automatically and
confirmed by construction, from the activity stream: commons edits
(documentation) and experiment feedback (testing).

An edit counts only when it changes words: a save that changes nothing, or
only spacing, writes no entry. Each entry of an edit points at its revision
and says how many words were added and removed; a person's edits of one
commons within ``LEDGER_MERGE_MINUTES`` of their last entry grow that entry
instead of adding another, and nobody gets more than ``LEDGER_DAILY_AUTOMATIC``
automatic entries in 24 hours (the edits themselves are always saved).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.catalog.models import Actor, ActorMember, Commons
from fabrique.catalog.models import CommunityMembership as Membership
from fabrique.catalog.services import can_manage_actor, normalise_text
from fabrique.community import services as community
from fabrique.community.lifecycle import State as ChallengeState
from fabrique.community.models import Challenge, DomainMember, Participation
from fabrique.core import activity
from fabrique.core.models import Activity
from fabrique.core.permissions import is_active_user
from fabrique.core.plainsql import names
from fabrique.projects.models import Contribution, ContributionEvent, ContributionKind

Status = Contribution.Status
Action = ContributionEvent.Action


class LedgerError(Exception):
    """A ledger request that does not fit the entry's state."""


def record(
    *,
    user: Any,
    kind: str,
    description: str,
    commons: Commons | None = None,
    challenge: Challenge | None = None,
    evidence_url: str = "",
    actor: Actor | None = None,
) -> Contribution:
    """Record a contribution of ``user`` (or of ``actor``); it waits for a holder."""
    if not is_active_user(user):
        raise PermissionDenied(_("You need to be signed in to do this."))
    if (commons is None) == (challenge is None):
        raise ValidationError(
            {"commons": _("A contribution goes to one commons or one challenge.")}
        )
    if challenge is not None and challenge.state == ChallengeState.CLOSED:
        raise LedgerError(
            _("This challenge is closed: it takes no more contributions.")
        )
    if actor is not None and not (
        can_manage_actor(user, actor) or actor.members.filter(user=user).exists()
    ):
        raise PermissionDenied(
            _("You are not a member of %(actor)s.") % {"actor": actor}
        )
    entry = Contribution(
        contributor=user,
        actor=actor,
        kind=kind,
        commons=commons,
        challenge=challenge,
        description=normalise_text(description or ""),
        evidence_url=normalise_text(evidence_url or ""),
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        ContributionEvent.objects.create(
            contribution=entry, action=Action.RECORDED, by=user
        )
        activity.record(
            commons or challenge,  # type: ignore[arg-type]
            user=user,
            verb="contribution_recorded",
            summary=entry.description,
            data={"contribution": entry.pk, "kind": kind},
        )
    return entry


def _holdings(user: Any) -> QuerySet[Membership]:
    """Active holder memberships of ``user`` in person, or of an organisation
    ``user`` administers. Site staff are not holders by their role."""
    return Membership.objects.filter(
        Q(user=user)
        | Q(actor__members__user=user, actor__members__role=ActorMember.Role.ADMIN),
        role=Membership.Role.HOLDER,
        status=Membership.Status.ACTIVE,
    )


def holds_in_person(user: Any, commons: Commons) -> bool:
    """An active holder of ``commons`` in person, or an administrator of an
    organisation that holds it."""
    return _holdings(user).filter(commons=commons).exists()


def _facilitates_in_person(user: Any, challenge: Challenge) -> bool:
    """A facilitator of the challenge's domain or in the challenge itself."""
    return (
        challenge.need.domain.members.filter(
            user=user, role=DomainMember.Role.FACILITATOR
        ).exists()
        or challenge.participations.filter(
            user=user,
            role=Participation.Role.FACILITATOR,
            status=Participation.Status.ACTIVE,
        ).exists()
    )


def may_confirm(user: Any, entry: Contribution) -> bool:
    """The commons' own holders (people, and administrators of a holder
    organisation), or the challenge's facilitators and holders; never the
    contributor, nor a member of the organisation the entry is for, nor
    moderators by their role (they hide and restore entries, they do not
    vouch for them)."""
    if not is_active_user(user) or entry.contributor_id == user.pk:
        return False
    if entry.actor_id and (
        entry.actor.user_id == user.pk or entry.actor.members.filter(user=user).exists()
    ):
        return False
    assert entry.commons is not None or entry.challenge is not None
    return decides_for(user, entry.commons or entry.challenge)  # type: ignore[arg-type]


def decides_for(user: Any, target: Commons | Challenge) -> bool:
    """Whether ``user`` confirms entries of ``target`` (a commons' holders; a
    challenge's facilitators and holders), whoever made them."""
    if not is_active_user(user):
        return False
    if isinstance(target, Commons):
        return holds_in_person(user, target)
    return _facilitates_in_person(user, target) or community.is_challenge_holder(
        user, target
    )


def _reason(reason: str, message: str) -> str:
    reason = normalise_text(reason or "")
    if not reason:
        raise ValidationError({"reason": message})
    return reason[:300]


#: What each step needs the entry to be, what it makes it, and its verb.
STEPS = {
    Action.CONFIRMED: (Status.PENDING, Status.CONFIRMED, "contribution_confirmed"),
    Action.DECLINED: (Status.PENDING, Status.DECLINED, "contribution_declined"),
    Action.DISPUTED: (Status.DECLINED, Status.PENDING, "contribution_disputed"),
    Action.REVOKED: (Status.CONFIRMED, Status.REVOKED, "contribution_revoked"),
}


def _step(
    entry: Contribution, *, by: Any, action: str, reason: str = ""
) -> Contribution:
    """Move ``entry`` one step, under a row lock, and keep the step."""
    before, after, verb = STEPS[action]  # type: ignore[index]
    with transaction.atomic():
        row = Contribution.objects.select_for_update().get(pk=entry.pk)
        if row.status != before:
            raise LedgerError(
                _("This contribution is already %(status)s.")
                % {"status": row.get_status_display()}
            )
        row.status = after
        if action != Action.DISPUTED:
            row.confirmed_by = by
            row.confirmed_at = timezone.now()
            row.reason = reason
        row.save(update_fields=["status", "confirmed_by", "confirmed_at", "reason"])
        ContributionEvent.objects.create(
            contribution=row, action=action, by=by, reason=reason
        )
        activity.record(
            row.commons or row.challenge,  # type: ignore[arg-type]
            user=by,
            verb=verb,
            summary=reason or row.description,
            data={"contribution": row.pk, "kind": row.kind},
        )
    entry.status, entry.confirmed_by, entry.confirmed_at, entry.reason = (
        row.status,
        row.confirmed_by,
        row.confirmed_at,
        row.reason,
    )
    return entry


def _require_holder(entry: Contribution, by: Any) -> None:
    if not may_confirm(by, entry):
        raise PermissionDenied(
            _(
                "Only a holder of this commons, other than the contributor and "
                "their organisation, may confirm or decline this."
            )
        )


def confirm(entry: Contribution, *, by: Any) -> Contribution:
    _require_holder(entry, by)
    return _step(entry, by=by, action=Action.CONFIRMED)


def decline(entry: Contribution, *, by: Any, reason: str) -> Contribution:
    """Decline a pending entry, saying why (the contributor reads it)."""
    _require_holder(entry, by)
    reason = _reason(reason, _("Say why this contribution is declined."))
    return _step(entry, by=by, action=Action.DECLINED, reason=reason)


def may_dispute(user: Any, entry: Contribution) -> bool:
    """The contributor, or a member of the organisation it was recorded for."""
    if not is_active_user(user):
        return False
    return entry.contributor_id == user.pk or bool(
        entry.actor_id and entry.actor.members.filter(user=user).exists()
    )


def dispute(entry: Contribution, *, by: Any, reason: str) -> Contribution:
    """The contributor contests a decline, saying why: the entry goes back to
    the holders' queue, with both reasons kept in its history."""
    if not may_dispute(by, entry):
        raise PermissionDenied(_("Only the contributor may dispute this decision."))
    reason = _reason(reason, _("Say why the decision should change."))
    return _step(entry, by=by, action=Action.DISPUTED, reason=reason)


def revoke(entry: Contribution, *, by: Any, reason: str) -> Contribution:
    """A holder withdraws a confirmation, saying why (it stays in history)."""
    _require_holder(entry, by)
    reason = _reason(reason, _("Say why this confirmation is withdrawn."))
    return _step(entry, by=by, action=Action.REVOKED, reason=reason)


def queue(user: Any) -> list[Contribution]:
    """Pending entries ``user`` may confirm or decline, oldest first."""
    if not is_active_user(user):
        return []
    held = _holdings(user).values("commons_id")
    challenges = Challenge.objects.filter(
        Q(need__domain__members__user=user,
          need__domain__members__role=DomainMember.Role.FACILITATOR)
        | Q(participations__user=user,
            participations__role=Participation.Role.FACILITATOR,
            participations__status=Participation.Status.ACTIVE)
        | Q(created_by=user)
        | Q(need__carriers__user=user)
    ).values("pk")  # fmt: skip
    candidates = (
        Contribution.objects.filter(status=Status.PENDING)
        .filter(
            Q(commons_id__in=held, commons__hidden=False)
            | Q(challenge_id__in=challenges, challenge__hidden=False)
        )
        .select_related("contributor", "actor", "commons", "challenge__need__domain")
        .order_by("created", "pk")
    )
    # The rules are checked once more per entry: never one's own, nor one's
    # organisation's.
    return [entry for entry in candidates[:500] if may_confirm(user, entry)]


def confirmed() -> QuerySet[Contribution]:
    return Contribution.objects.filter(status=Status.CONFIRMED)


def by_kind(commons: Commons) -> dict[str, int]:
    """Confirmed contributions to ``commons`` counted by kind."""
    rows = (
        confirmed()
        .filter(commons=commons)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(ContributionKind.values, 0)
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


# Automatic entries ---------------------------------------------------------

#: (model label, activity verb) → (kind, what the entry says)
AUTOMATIC = {
    ("catalog.commons", "created"): (ContributionKind.DOCUMENTATION, "created"),
    ("catalog.commons", "edited"): (ContributionKind.DOCUMENTATION, "edited"),
    ("community.challenge", "feedback_added"): (ContributionKind.TESTING, "feedback"),
    # A transport feed version checked and published on the dataset's commons.
    ("catalog.commons", "transport_version_published"): (
        ContributionKind.DATA,
        "transport_feed",
    ),
}


#: Sources whose entries stand for revisions and are sized by words.
REVISED = {"created", "edited"}


def _revision_size(instance: Activity) -> tuple[int, int, int | None]:
    """Words added, removed, and the revision's id, from a revision's activity."""
    data = instance.data or {}
    words = data.get("words") or [0, 0]
    return int(words[0]), int(words[1]), data.get("revision_id")


def _merged_into_last(instance: Activity, source: str, added: int, removed: int,
                      revision_id: int | None) -> bool:  # fmt: skip
    """Grow the contributor's last entry for the same edits, when recent.

    One statement finds and grows it. It changes none of the fields the
    dashboard counters and the graph's edges come from (status, date, who,
    for what), so no signal of a save is needed: they would move nothing.
    """
    since = timezone.now() - timedelta(minutes=settings.LEDGER_MERGE_MINUTES)
    # Written out rather than built with the ORM: every edit asks it, and
    # compiling the ORM's form cost more than running it.
    table, (key, added_, removed_, revision_, description) = names(
        Contribution, "id", "words_added", "words_removed", "revision", "description"
    )
    _, (contributor, commons, automatic, source_, created) = names(
        Contribution, "contributor", "commons", "automatic", "source", "created"
    )
    sets = [
        f"{added_} = {added_} + %s",
        f"{removed_} = {removed_} + %s",
        f"{revision_} = %s",
    ]
    params: list[Any] = [added, removed, revision_id]
    if instance.summary:
        sets.append(f"{description} = %s")
        params.append(instance.summary[:300])
    sql = (
        f"UPDATE {table} SET {', '.join(sets)} WHERE {key} = ("  # noqa: S608 - names only
        f"SELECT {key} FROM {table} WHERE {contributor} = %s"
        f" AND {commons} = %s AND {automatic} = %s"
        f" AND {source_} = %s AND {created} >= %s"
        f" ORDER BY {created} DESC, {key} DESC LIMIT 1)"
    )
    params += [
        instance.actor_id,
        instance.object_id,
        True,
        source,
        connection.ops.adapt_datetimefield_value(since),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount > 0


def _over_daily_limit(user_id: int) -> bool:
    since = timezone.now() - timedelta(hours=24)
    return (
        Contribution.objects.filter(
            contributor_id=user_id, automatic=True, created__gte=since
        ).count()
        >= settings.LEDGER_DAILY_AUTOMATIC
    )


def _on_activity(sender: Any, instance: Activity, created: bool, **kwargs: Any) -> None:
    if not created or instance.actor_id is None:
        return
    label = ContentType.objects.get_for_id(instance.content_type_id)
    key = (f"{label.app_label}.{label.model}", instance.verb)
    if key not in AUTOMATIC:
        return
    kind, source = AUTOMATIC[key]
    target = {
        "commons_id" if key[0] == "catalog.commons" else "challenge_id": (
            instance.object_id
        )
    }
    added = removed = 0
    revision_id = None
    if source in REVISED:
        added, removed, revision_id = _revision_size(instance)
        if source == "edited" and added + removed == 0:
            return  # nothing said differently: no contribution
        if source == "edited" and _merged_into_last(
            instance, source, added, removed, revision_id
        ):
            return
    if _over_daily_limit(instance.actor_id):
        return
    Contribution.objects.create(
        contributor_id=instance.actor_id,
        kind=kind,
        description=(instance.summary or source)[:300],
        status=Status.CONFIRMED,
        automatic=True,
        source=source,
        revision_id=revision_id,
        words_added=added,
        words_removed=removed,
        **target,
    )


def connect() -> None:
    """Write the automatic entries as the activity stream grows."""
    post_save.connect(_on_activity, sender=Activity, dispatch_uid="projects.ledger")
