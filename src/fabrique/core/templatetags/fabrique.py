import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
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


def web_address(value: object) -> str:
    """``value`` when it is an absolute http(s) address, else ``""``.

    Addresses that come from data (a GTFS feed, a GBFS feed, imported
    metadata, a page anyone edits) may hold ``javascript:`` or ``data:``
    schemes: those are never made into links.
    """
    text = str(value or "").strip()
    if any(ord(char) < 0x20 or char == "\x7f" for char in text):
        return ""
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in {"http", "https"} or not rest:
        return ""
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not host or "\\" in host:
        return ""
    return text


@register.filter(name="web_address")
def web_address_filter(value: object) -> str:
    """The address when it is http(s), else an empty string (for ``{% if %}``)."""
    return web_address(value)


@register.simple_tag(name="data_link")
def data_link(
    url: object, text: object = None, rel: str = "nofollow noopener"
) -> SafeString:
    """A link to ``url`` when it is http(s), else ``text`` (or the address) as
    plain text: every address that comes from data goes through here."""
    label = url if text is None or text == "" else text
    address = web_address(url)
    if not address:
        return format_html("{}", label or "")
    return format_html('<a href="{}" rel="{}">{}</a>', address, rel, label)
