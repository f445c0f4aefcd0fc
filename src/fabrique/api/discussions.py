"""Discussion routes: discussions on commons and actors, and their messages.

Anyone signed in may open a discussion on a visible commons or actor and
reply while it is open. A discussion's author and moderators rename, close or
delete it; a message's author edits it; its author or a moderator deletes it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from fabrique.api.auth import WRITE_AUTH, reader
from fabrique.api.common import caller, field_error, get_or_404, is_moderator, visible
from fabrique.api.errors import ERRORS, ApiError, ErrorOut
from fabrique.api.pagination import PageParams, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.api.schemas import (
    DiscussionIn,
    DiscussionOut,
    DiscussionPatch,
    MessageIn,
    MessageOut,
)
from fabrique.catalog import services
from fabrique.catalog.models import Actor, Commons
from fabrique.core import activity
from fabrique.core.discussions import MAX_BODY
from fabrique.core.models import Discussion, Message

router = Router(tags=["discussions"])

READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}
TARGETS: dict[str, type[Commons] | type[Actor]] = {"commons": Commons, "actor": Actor}


def _target(user: Any, target_type: str, slug: str) -> Commons | Actor:
    model = TARGETS[target_type]
    return get_or_404(visible(model.objects.all(), user), target_type, slug=slug)


def serialise(discussion: Discussion) -> dict[str, Any]:
    target = discussion.target
    return {
        "id": discussion.pk,
        "target_type": discussion.content_type.model,
        "target": getattr(target, "slug", str(discussion.object_id)),
        "title": discussion.title,
        "author": discussion.author,
        "closed": discussion.closed,
        "created": discussion.created,
        "updated": discussion.updated,
    }


def discussion_queryset(user: Any) -> QuerySet[Discussion]:
    """Discussions whose target is visible (all of them for moderators)."""
    queryset = Discussion.objects.select_related("author", "content_type")
    if is_moderator(user):
        return queryset
    queryset = queryset.filter(hidden=False)
    for model in TARGETS.values():
        hidden = model.objects.filter(hidden=True).values("pk")
        queryset = queryset.exclude(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=hidden,
        )
    return queryset


def _may_manage(user: Any, discussion: Discussion) -> None:
    if discussion.author_id != user.pk and not is_moderator(user):
        raise ApiError(403, "Only the author of this discussion or a moderator may.")


class DiscussionFilters(PageParams):
    target_type: str | None = Field(None, pattern="^(commons|actor)$")
    target: str | None = Field(None, description="Slug of the commons or actor.")
    closed: bool | None = None


@router.get("/discussions/", response={200: page_of(DiscussionOut), **READ_ERRORS})
def list_discussions(request: HttpRequest, filters: Query[DiscussionFilters]) -> Any:
    """Discussions, most recently active first; filter by their subject."""
    user = reader(request)
    queryset = discussion_queryset(user)
    if filters.target and not filters.target_type:
        raise field_error("target_type", "required with target")
    if filters.target_type:
        model = TARGETS[filters.target_type]
        queryset = queryset.filter(
            content_type=ContentType.objects.get_for_model(model)
        )
        if filters.target:
            queryset = queryset.filter(
                object_id=_target(user, filters.target_type, filters.target).pk
            )
    if filters.closed is not None:
        queryset = queryset.filter(closed=filters.closed)
    return paginate(
        request, queryset.order_by("-updated", "-pk"), filters, serialise=serialise
    )


@router.get(
    "/discussions/{int:discussion_id}/", response={200: DiscussionOut, **READ_ERRORS}
)
def get_discussion(request: HttpRequest, discussion_id: int) -> Any:
    """One discussion (its messages are at ``…/messages/``)."""
    queryset = discussion_queryset(reader(request))
    return serialise(get_or_404(queryset, "discussion", pk=discussion_id))


@router.post("/discussions/", response={201: DiscussionOut, **ERRORS}, **WRITE)
def create_discussion(request: HttpRequest, payload: DiscussionIn) -> Any:
    """Open a discussion on a commons or an actor, with its first message."""
    user = caller(request)
    target = _target(user, payload.target_type, payload.target)
    discussion = services.start_discussion(
        target, user=user, title=payload.title, body=payload.body
    )
    return Status(201, serialise(discussion))


@router.patch(
    "/discussions/{int:discussion_id}/",
    response={200: DiscussionOut, **ERRORS},
    **WRITE,
)
def update_discussion(
    request: HttpRequest, discussion_id: int, payload: DiscussionPatch
) -> Any:
    """Rename, close or reopen a discussion (its author, moderators)."""
    user = caller(request)
    discussion = get_or_404(discussion_queryset(user), "discussion", pk=discussion_id)
    _may_manage(user, discussion)
    sent = payload.model_dump(exclude_unset=True, exclude_none=True)
    if "title" in sent:
        discussion.title = sent["title"].strip()
    if "closed" in sent:
        discussion.closed = sent["closed"]
    discussion.full_clean()
    with transaction.atomic():
        discussion.save()
        if discussion.target is not None:
            activity.record(
                discussion.target,
                user=user,
                verb="discussion_closed" if discussion.closed else "discussion_edited",
                summary=discussion.title,
                data={"discussion": discussion.pk},
            )
    return serialise(discussion)


@router.delete(
    "/discussions/{int:discussion_id}/", response={204: None, **ERRORS}, **WRITE
)
def delete_discussion(request: HttpRequest, discussion_id: int) -> Any:
    """Delete a discussion and its messages (its author, moderators)."""
    user = caller(request)
    discussion = get_or_404(discussion_queryset(user), "discussion", pk=discussion_id)
    _may_manage(user, discussion)
    others = discussion.messages.exclude(author=user).exists()
    if others and not is_moderator(user):
        raise ApiError(
            403, "Others have replied: only a moderator may delete this discussion."
        )
    with transaction.atomic():
        if discussion.target is not None:
            activity.record(
                discussion.target,
                user=user,
                verb="discussion_deleted",
                summary=discussion.title,
                data={"discussion": discussion.pk},
            )
        discussion.delete()
    return Status(204, None)


# Messages ------------------------------------------------------------------


def message_queryset(user: Any) -> QuerySet[Message]:
    queryset = Message.objects.select_related("author")
    if is_moderator(user):
        return queryset
    return queryset.filter(
        hidden=False, discussion__in=discussion_queryset(user).values("pk")
    )


@router.get(
    "/discussions/{int:discussion_id}/messages/",
    response={200: page_of(MessageOut), **READ_ERRORS},
)
def list_messages(
    request: HttpRequest, discussion_id: int, params: Query[PageParams]
) -> Any:
    """Messages of a discussion, oldest first."""
    user = reader(request)
    get_or_404(discussion_queryset(user), "discussion", pk=discussion_id)
    queryset = message_queryset(user).filter(discussion_id=discussion_id)
    return paginate(request, queryset.order_by("created", "pk"), params)


@router.post(
    "/discussions/{int:discussion_id}/messages/",
    response={201: MessageOut, **ERRORS},
    **WRITE,
)
def create_message(request: HttpRequest, discussion_id: int, payload: MessageIn) -> Any:
    """Reply in an open discussion."""
    user = caller(request)
    discussion = get_or_404(discussion_queryset(user), "discussion", pk=discussion_id)
    if discussion.closed:
        raise ApiError(409, "This discussion is closed.", code="discussion_closed")
    return Status(201, services.post_message(discussion, user=user, body=payload.body))


@router.get("/messages/{int:message_id}/", response={200: MessageOut, **READ_ERRORS})
def get_message(request: HttpRequest, message_id: int) -> Any:
    """One message."""
    return get_or_404(message_queryset(reader(request)), "message", pk=message_id)


@router.patch(
    "/messages/{int:message_id}/", response={200: MessageOut, **ERRORS}, **WRITE
)
def update_message(request: HttpRequest, message_id: int, payload: MessageIn) -> Any:
    """Edit one's own message."""
    user = caller(request)
    message = get_or_404(message_queryset(user), "message", pk=message_id)
    if message.author_id != user.pk:
        raise ApiError(403, "Only the author of this message may edit it.")
    body = payload.body.strip()
    if not body or len(body) > MAX_BODY:
        raise field_error("body", "empty or too long")
    message.body = body
    message.save(update_fields=["body"])
    return message


@router.delete("/messages/{int:message_id}/", response={204: None, **ERRORS}, **WRITE)
def delete_message(request: HttpRequest, message_id: int) -> Any:
    """Delete a message (its author, moderators)."""
    user = caller(request)
    message = get_or_404(message_queryset(user), "message", pk=message_id)
    if message.author_id != user.pk and not is_moderator(user):
        raise ApiError(403, "Only the author of this message or a moderator may.")
    message.delete()
    return Status(204, None)
