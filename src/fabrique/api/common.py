"""Helpers every router uses: visibility, lookups, the caller, field errors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from fabrique.api.errors import ApiError
from fabrique.core.permissions import can_moderate, visible

__all__ = ["visible"]


def is_moderator(user: Any) -> bool:
    return user is not None and can_moderate(user)


def get_or_404(queryset: QuerySet[Any], what: str, **lookup: Any) -> Any:
    """The one object matching ``lookup`` or a 404 naming what was sought.

    Lookups name one row (a slug, an id): asked without the model's order,
    which Django would otherwise compile and the database sort for nothing.
    When two rows match after all, the first in the model's order is it.
    """
    found = list(queryset.filter(**lookup).order_by()[:2])
    obj = (
        queryset.filter(**lookup).first() if len(found) > 1 else next(iter(found), None)
    )
    if obj is None:
        shown = ", ".join(f"{key}={value!r}" for key, value in lookup.items())
        raise ApiError(404, f"No {what} with {shown}.")
    return obj


def caller(request: HttpRequest) -> Any:
    """The authenticated caller of a write route (set by the auth classes)."""
    return request.auth  # type: ignore[attr-defined]


def field_error(field: str, message: str, *, status: int = 422) -> ApiError:
    """A validation error on one field, in the envelope's details format."""
    return ApiError(
        status,
        "Some fields are invalid.",
        details=[{"field": field, "message": message, "type": "value_error"}],
    )
