"""Discussions on any object, and their messages."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from fabrique.core.models import Discussion, Message

MAX_TITLE = 200
MAX_BODY = 20_000


class DiscussionError(Exception):
    """A discussion or message cannot be written; the message says why."""


def _clean(text: str, *, what: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise DiscussionError(_("The %(what)s is empty.") % {"what": what})
    if len(text) > limit:
        raise DiscussionError(
            _("The %(what)s has %(count)s characters; the limit is %(limit)s.")
            % {"what": what, "count": len(text), "limit": limit}
        )
    return text


def discussions_of(target: models.Model) -> models.QuerySet[Discussion]:
    """Visible discussions on ``target``, most recently active first."""
    return (
        Discussion.objects.filter(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            hidden=False,
        )
        .select_related("author")
        .order_by("-updated", "-pk")
        .annotate(
            message_count=models.Count(
                "messages", filter=models.Q(messages__hidden=False)
            )
        )
    )


def latest_of(target: models.Model, count: int) -> list[Discussion]:
    """The ``count`` most recently active visible discussions on ``target``,
    each with its ``message_count``, as ``discussions_of`` gives them.

    In two steps: the discussions, then their messages counted only when
    there are some. Most pages have no discussion: one plain query then,
    not a join and a grouping over nothing.
    """
    found = list(
        Discussion.objects.filter(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            hidden=False,
        ).order_by("-updated", "-pk")[:count]
    )
    if found:
        counts = dict(
            Message.objects.filter(discussion__in=found, hidden=False)
            .order_by()
            .values_list("discussion")
            .annotate(n=models.Count("pk"))
            .values_list("discussion", "n")
        )
        for discussion in found:
            discussion.message_count = counts.get(discussion.pk, 0)  # type: ignore[attr-defined]
    return found


def start_discussion(
    target: models.Model, *, user: Any, title: str, body: str
) -> Discussion:
    """Open a discussion on ``target`` with its first message."""
    title = _clean(title, what=_("title"), limit=MAX_TITLE)
    body = _clean(body, what=_("message"), limit=MAX_BODY)
    with transaction.atomic():
        discussion = Discussion.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            title=title,
            author=user,
        )
        Message.objects.create(discussion=discussion, author=user, body=body)
    return discussion


def post_message(discussion: Discussion, *, user: Any, body: str) -> Message:
    """Add a message to an open, visible discussion."""
    if discussion.closed or discussion.hidden:
        raise DiscussionError(_("This discussion is closed."))
    body = _clean(body, what=_("message"), limit=MAX_BODY)
    with transaction.atomic():
        message = Message.objects.create(discussion=discussion, author=user, body=body)
        # Bump ``updated`` so the discussion sorts as recently active.
        discussion.save(update_fields=["updated"])
    return message
