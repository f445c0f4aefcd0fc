"""Routes of one's own notifications under /api/1/notifications/.

Every route needs the caller (token or signed-in session): notifications are
private to their person.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from fabrique.api.auth import WRITE_AUTH
from fabrique.api.common import caller
from fabrique.api.errors import ERRORS
from fabrique.api.pagination import PageParams, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.api.schemas import UserOut
from fabrique.core.activity import describe
from fabrique.notifications import services
from fabrique.notifications.models import Frequency

router = Router(tags=["notifications"])

AUTH = {"auth": WRITE_AUTH}
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}
FREQUENCIES = tuple(Frequency.values)


class NotificationOut(Schema):
    id: int
    reason: str
    verb: str
    description: str = Field(description="The verb as words, in the caller's language.")
    actor: UserOut | None
    subject: str = Field(description="Title of what it happened to ('' if gone).")
    url: str = Field(description="Page of what it happened to ('' if gone).")
    summary: str
    created: datetime.datetime
    read: bool

    @staticmethod
    def resolve_verb(obj: Any) -> str:
        return str(obj.activity.verb)

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return describe(obj.activity)

    @staticmethod
    def resolve_actor(obj: Any) -> Any:
        return obj.activity.actor

    @staticmethod
    def resolve_subject(obj: Any) -> str:
        return services.subject_of(obj.activity)[0]

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return services.subject_of(obj.activity)[1]

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return str(obj.activity.summary)

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None


class NotificationFilters(PageParams):
    unread: bool = Field(False, description="Only the unread ones.")


class UnreadOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[int] | None = Field(
        None, max_length=1000, description="Which to mark read; all when omitted."
    )


class ReadOut(Schema):
    marked: int
    unread: int


class PreferenceSchema(Schema):
    frequency: Literal[FREQUENCIES] = Field(  # type: ignore[valid-type]
        description="in_app, daily (digest), weekly (digest) or none."
    )


@router.get(
    "/notifications/", response={200: page_of(NotificationOut), **ERRORS}, **AUTH
)
def list_notifications(
    request: HttpRequest, filters: Query[NotificationFilters]
) -> Any:
    """The caller's notifications, newest first."""
    rows = services.for_user(caller(request), unread_only=filters.unread)
    return paginate(request, rows, filters)


@router.get("/notifications/unread/", response={200: UnreadOut, **ERRORS}, **AUTH)
def unread(request: HttpRequest) -> Any:
    return {"unread": services.unread_count(caller(request))}


@router.post("/notifications/read/", response={200: ReadOut, **ERRORS}, **WRITE)
def mark_read(request: HttpRequest, payload: ReadIn) -> Any:
    """Mark the caller's notifications read (those ``ids``, or all)."""
    user = caller(request)
    marked = services.mark_read(user, payload.ids)
    return {"marked": marked, "unread": services.unread_count(user)}


@router.get(
    "/notifications/preferences/", response={200: PreferenceSchema, **ERRORS}, **AUTH
)
def get_preferences(request: HttpRequest) -> Any:
    return services.preference(caller(request))


@router.put(
    "/notifications/preferences/", response={200: PreferenceSchema, **ERRORS}, **WRITE
)
def set_preferences(request: HttpRequest, payload: PreferenceSchema) -> Any:
    return services.set_frequency(caller(request), payload.frequency)
