"""Template helpers of the catalogue pages."""

from __future__ import annotations

from typing import Any

from django import template

from fabrique.core.activity import by_the_instance, describe, summary_of
from fabrique.core.models import Activity

register = template.Library()


@register.filter
def activity_verb(entry: Activity) -> str:
    """How an activity entry's verb reads ("edited this page")."""
    return describe(entry)


@register.filter
def activity_summary(entry: Activity) -> str:
    """An activity entry's summary, in the reader's language when it can be."""
    return summary_of(entry)


@register.filter
def activity_by_instance(entry: Activity) -> bool:
    """Whether the instance itself, no person, recorded the entry."""
    return by_the_instance(entry)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key)
