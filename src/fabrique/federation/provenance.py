"""Harvested commons are read-only here: they are changed at their origin."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from fabrique.catalog.models import Commons
from fabrique.core.permissions import edit_lock


def remote_of(commons: Any) -> Any:
    """The commons' :class:`RemoteCommons`, or None (cached on the object)."""
    if not isinstance(commons, Commons) or commons.pk is None:
        return None
    try:
        return commons.remote  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


def is_remote(obj: Any) -> bool:
    return remote_of(obj) is not None


def connect() -> None:
    edit_lock(is_remote)
