"""Template helpers of moderation: ``{{ obj|report_url }}``."""

from django import template
from django.db import models
from django.urls import reverse

register = template.Library()


@register.filter
def report_url(obj: models.Model) -> str:
    """The page to report ``obj`` (a commons, actor, discussion or message)."""
    return reverse("core:report", args=[obj._meta.label_lower, obj.pk])
