from django import template
from django.utils.safestring import SafeString, mark_safe

from fabrique.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str) -> SafeString:
    """Render user Markdown, sanitised (see fabrique.core.markdown)."""
    return mark_safe(render_markdown(source))
