"""Template helpers of the catalogue pages."""

from __future__ import annotations

from typing import Any

from django import template

from fabrique.core.activity import describe
from fabrique.core.models import Activity

register = template.Library()


@register.filter
def activity_verb(entry: Activity) -> str:
    """How an activity entry's verb reads ("edited this page")."""
    return describe(entry)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key)
