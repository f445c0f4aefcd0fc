"""The activity stream: who did what to which object, and when."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabrique.core.models import Activity


def record(
    target: models.Model,
    *,
    user: Any,
    verb: str,
    summary: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
) -> Activity:
    """Record that ``user`` did ``verb`` to ``target`` (anonymous → no actor)."""
    return Activity.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        actor=user if getattr(user, "is_authenticated", False) else None,
        verb=verb,
        summary=summary[:300],
        data=data or {},
        public=public,
    )


def for_object(target: models.Model) -> models.QuerySet[Activity]:
    """Public activity on ``target``, newest first."""
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        public=True,
    ).select_related("actor")


def shown(entries: models.QuerySet[Activity]) -> models.QuerySet[Activity]:
    """``entries`` loading only what a list of activity shows of its actor
    (the public name), not the whole account row: a smaller statement to
    build and rows to read, on every page that lists activity."""
    own = [field.name for field in Activity._meta.concrete_fields]
    return entries.only(
        *own, "actor__username", "actor__display_name", "actor__deleted"
    )


def latest_shown(target: models.Model, count: int) -> list[Activity]:
    """The ``count`` newest entries of ``shown(for_object(target))``, from a
    statement written once rather than built by the ORM each time (which
    cost more CPU than running it, on every first visit of a commons page).
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    sql = _LATEST_SQL.get(connection.vendor)
    if sql is None:
        sql = _LATEST_SQL[connection.vendor] = _latest_sql()
    kind = ContentType.objects.get_for_model(target).pk
    user_model = get_user_model()
    found = list(Activity.objects.raw(sql, [kind, target.pk, True, count]))
    for entry in found:
        extra = entry.__dict__
        name, display, deleted = (
            extra.pop("_a_username"),
            extra.pop("_a_display_name"),
            extra.pop("_a_deleted"),
        )
        entry._state.fields_cache["actor"] = (
            user_model.from_db(
                connection.alias,
                ["id", "username", "display_name", "deleted"],
                [entry.actor_id, name, display, bool(deleted)],
            )
            if entry.actor_id is not None
            else None
        )
    return found


_LATEST_SQL: dict[str, str] = {}


def _latest_sql() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection

    q = connection.ops.quote_name
    a, u = Activity._meta, get_user_model()._meta

    def col(meta: Any, name: str) -> str:
        return q(meta.get_field(name).column)

    columns = ", ".join(f"a.{q(f.column)}" for f in a.concrete_fields)
    return (
        f"SELECT {columns}, u.{col(u, 'username')} AS _a_username, "  # noqa: S608 - quoted model names only
        f"u.{col(u, 'display_name')} AS _a_display_name, "
        f"u.{col(u, 'deleted')} AS _a_deleted "
        f"FROM {q(a.db_table)} a "
        f"LEFT JOIN {q(u.db_table)} u ON u.{q(u.pk.column)} = a.{col(a, 'actor')} "
        f"WHERE a.{col(a, 'content_type')} = %s AND a.{col(a, 'object_id')} = %s "
        f"AND a.{col(a, 'public')} = %s "
        f"ORDER BY a.{col(a, 'created')} DESC, a.{q(a.pk.column)} DESC LIMIT %s"
    )


def latest_id(target: models.Model) -> int:
    """The id of the latest activity (public or not) on ``target``, or 0."""
    last = (
        Activity.objects.filter(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
        )
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return last or 0


def for_objects(targets: list[models.Model]) -> models.QuerySet[Activity]:
    """Public activity on any of ``targets`` (all of one model), newest first."""
    if not targets:
        return Activity.objects.none()
    content_type = ContentType.objects.get_for_model(targets[0])
    return Activity.objects.filter(
        content_type=content_type,
        object_id__in=[t.pk for t in targets],
        public=True,
    ).select_related("actor", "content_type")


def for_ids(model: type[models.Model], ids: list[int]) -> models.QuerySet[Activity]:
    """Public activity on the ``model`` rows with these primary keys."""
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=ids,
        public=True,
    ).select_related("actor", "content_type")


def by_user(user: Any) -> models.QuerySet[Activity]:
    """Public activity of ``user``, newest first."""
    return Activity.objects.filter(actor=user, public=True).select_related(
        "content_type"
    )


def site_wide() -> models.QuerySet[Activity]:
    """Public activity across the site, newest first."""
    return Activity.objects.filter(public=True).select_related("actor", "content_type")


#: How each verb reads in an activity stream ("Camille <verb> · 2 hours ago").
VERBS = {
    "created": _("created this page"),
    "edited": _("edited this page"),
    "reverted": _("restored an earlier revision"),
    "image_added": _("added an image"),
    "image_removed": _("removed an image"),
    "place_added": _("added a place"),
    "place_removed": _("removed a place"),
    "membership_requested": _("asked to join the community"),
    "membership_approved": _("approved a member"),
    "membership_declined": _("declined a request"),
    "membership_left": _("left the community"),
    "need_added": _("added a need"),
    "need_status": _("changed the status of a need"),
    "discussion_started": _("started a discussion"),
    "message_posted": _("replied in a discussion"),
    "followed": _("followed this page"),
}


#: Verbs the instance records by itself, with no person acting (an expiry
#: warning): their object is the subject of the sentence, not "Someone".
BY_THE_INSTANCE: set[str] = set()

#: verb → writes an entry's summary from its data when it is read, so that it
#: is in the reader's language, not in the one of whoever recorded it.
SUMMARIES: dict[str, Callable[[Activity], str]] = {}


def describe(entry: Activity) -> str:
    """The human wording of ``entry``'s verb (the verb itself if unknown)."""
    return str(VERBS.get(entry.verb, entry.verb))


def by_the_instance(entry: Activity) -> bool:
    """Whether ``entry`` was recorded by the instance itself, no person acting."""
    return entry.actor_id is None and entry.verb in BY_THE_INSTANCE


def summary_of(entry: Activity) -> str:
    """``entry``'s summary in the current language when its verb can write it
    from its data; the summary stored with it otherwise."""
    write = SUMMARIES.get(entry.verb)
    if write is not None:
        try:
            return write(entry)
        except (KeyError, TypeError, ValueError):  # data of an older shape
            pass
    return entry.summary
