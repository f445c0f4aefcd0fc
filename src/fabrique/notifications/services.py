"""Who hears of what: notifications written from the activity stream.

Every public activity entry notifies the people who follow its object or take
part in it (members of a commons' or domain's community, people in a
challenge, carriers of a need, members of the actor behind a project) and,
for a message, those who wrote in the discussion — never the person who did
it, nor anyone who chose to hear nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.utils import timezone

from fabrique.core.models import Activity, Follow, Message
from fabrique.core.permissions import is_active_user
from fabrique.core.plainsql import column_values
from fabrique.notifications.models import Frequency, Notification, Preference, Reason

#: model label → the users taking part in the object with this primary key.
PARTICIPANTS: dict[str, Callable[[int], Iterable[int]]] = {}


def participants(label: str) -> Callable[[Callable[[int], Iterable[int]]], Any]:
    """Register who takes part in objects of the model ``label``."""

    def register(func: Callable[[int], Iterable[int]]) -> Any:
        PARTICIPANTS[label] = func
        return func

    return register


@participants("catalog.commons")
def _commons(pk: int) -> Iterable[int]:
    from fabrique.catalog.models import CommunityMembership

    # Asked at every edit of a commons: written out (fabrique.core.plainsql).
    members = column_values(
        CommunityMembership,
        "user",
        {"commons": pk, "status": "active"},
        order_by=CommunityMembership._meta.ordering,  # type: ignore[arg-type]
    )
    return [user_id for user_id in members if user_id is not None]


@participants("catalog.actor")
def _actor(pk: int) -> Iterable[int]:
    from fabrique.catalog.models import ActorMember

    return ActorMember.objects.filter(actor_id=pk).values_list("user_id", flat=True)


@participants("community.domain")
def _domain(pk: int) -> Iterable[int]:
    from fabrique.community.models import DomainMember

    return DomainMember.objects.filter(domain_id=pk).values_list("user_id", flat=True)


@participants("community.need")
def _need(pk: int) -> Iterable[int]:
    from fabrique.community.models import NeedCarrier

    return NeedCarrier.objects.filter(need_id=pk).values_list("user_id", flat=True)


@participants("community.challenge")
def _challenge(pk: int) -> Iterable[int]:
    from fabrique.community.models import Participation

    return Participation.objects.filter(
        challenge_id=pk, status__in=["active", "waiting"]
    ).values_list("user_id", flat=True)


@participants("projects.project")
def _project(pk: int) -> Iterable[int]:
    from fabrique.catalog.models import ActorMember
    from fabrique.projects.models import Project

    project = Project.objects.filter(pk=pk).values("actor_id", "created_by_id").first()
    if project is None:
        return []
    members = set(
        ActorMember.objects.filter(actor_id=project["actor_id"]).values_list(
            "user_id", flat=True
        )
    )
    if project["created_by_id"]:
        members.add(project["created_by_id"])
    return members


def recipients(entry: Activity) -> dict[int, str]:
    """User id → why they hear of ``entry`` (the actor and "none" left out).

    A private entry (an invitation) reaches only the people it asks.
    """
    found: dict[int, str] = {}
    # An entry may name the people it asks to act (a request to facilitators).
    for user_id in (entry.data or {}).get("asked", []):
        if isinstance(user_id, int):
            found.setdefault(user_id, Reason.ASKED)
    if entry.public:
        _taking_part(entry, found)
    found.pop(entry.actor_id, None)  # type: ignore[arg-type]
    if not found:
        return {}
    from django.contrib.auth import get_user_model

    # Active accounts that did not choose to hear nothing, in one query.
    reachable = set(
        get_user_model()
        .objects.filter(pk__in=found, is_active=True, deleted=False)
        .exclude(
            pk__in=Preference.objects.filter(frequency=Frequency.NONE).values("user_id")
        )
        .values_list("pk", flat=True)
    )
    return {pk: why for pk, why in found.items() if pk in reachable}


def _taking_part(entry: Activity, found: dict[int, str]) -> None:
    """Add those who wrote in its discussion, take part in or follow its object."""
    discussion = (entry.data or {}).get("discussion")
    if isinstance(discussion, int):
        for user_id in Message.objects.filter(
            discussion_id=discussion, author__isnull=False
        ).values_list("author_id", flat=True):
            found.setdefault(user_id, Reason.DISCUSSION)
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    label = f"{content_type.app_label}.{content_type.model}"
    if label in PARTICIPANTS:
        for user_id in PARTICIPANTS[label](entry.object_id):
            found.setdefault(user_id, Reason.TAKING_PART)
    where = {"content_type": entry.content_type_id, "object_id": entry.object_id}
    for user_id in column_values(Follow, "user", where):
        found.setdefault(user_id, Reason.FOLLOWING)


def _hidden_target(entry: Activity) -> bool:
    target = entry.target
    return target is None or bool(getattr(target, "hidden", False))


def notify(entry: Activity) -> int:
    """Write the notifications of one activity entry; return how many."""
    if _hidden_target(entry):
        return 0
    rows = [
        Notification(user_id=user_id, activity=entry, reason=why)
        for user_id, why in recipients(entry).items()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _on_activity(sender: Any, instance: Activity, created: bool, **kwargs: Any) -> None:
    # In the writer's transaction: a rolled-back change notifies no one.
    if created and not kwargs.get("raw"):
        notify(instance)


def connect() -> None:
    """Notify people as the activity stream grows."""
    post_save.connect(
        _on_activity, sender=Activity, dispatch_uid="notifications.activity"
    )


# Reading -------------------------------------------------------------------


def preference(user: Any) -> Preference:
    """``user``'s choice (unsaved default when they never chose)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def set_frequency(user: Any, frequency: str) -> Preference:
    if frequency not in Frequency.values:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(
            {"frequency": _("Choose one of: %(values)s.")
             % {"values": ", ".join(Frequency.values)}}
        )  # fmt: skip
    pref, _created = Preference.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    return pref


def for_user(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The notifications of ``user``, newest first."""
    rows = Notification.objects.filter(user=user).select_related(
        "activity__actor", "activity__content_type"
    )
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user: Any) -> int:
    if not is_active_user(user):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s notifications (all, or those ``ids``) read; return how many."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def subject_of(entry: Activity) -> tuple[str, str]:
    """The title and address of what ``entry`` happened to ('' when gone)."""
    target = entry.target
    if target is None or getattr(target, "hidden", False):
        return "", ""
    title = str(getattr(target, "title", "") or getattr(target, "name", "") or target)
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    return title, url


__all__ = [
    "PARTICIPANTS",
    "for_user",
    "mark_read",
    "notify",
    "preference",
    "recipients",
    "set_frequency",
    "unread_count",
]
