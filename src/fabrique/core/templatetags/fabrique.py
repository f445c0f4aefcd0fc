import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext

from fabrique.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str) -> SafeString:
    """Render user Markdown, sanitised (see fabrique.core.markdown)."""
    return mark_safe(render_markdown(source))


@register.filter(name="ago")
def ago_filter(moment: datetime.datetime | None) -> str:
    """How long ago ``moment`` was, as a phrase: "just now" under a minute
    (``timesince`` alone would say "0 minutes"), else "3 hours ago"."""
    if not moment:
        return ""
    if timezone.now() - moment < datetime.timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(since)s ago") % {"since": timesince(moment)}
