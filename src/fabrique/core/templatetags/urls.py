"""``{% url %}`` with the addresses that take no argument kept once reversed.

Every page's header and footer name about twenty addresses without arguments
(the catalogue, the sign-in page, the charter …); reversing each costs a
walk of the URL patterns on every page. Such an address depends only on the
URL configuration, the script prefix and the language, so it is kept per
those and read back. Addresses with arguments are reversed as Django does.

This library is a template builtin (``TEMPLATES`` ``builtins``): it replaces
Django's ``url`` tag everywhere, with the same syntax and results.
"""

from __future__ import annotations

import threading
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import (
    NoReverseMatch,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
)
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# Bounded: URL names without arguments times languages times prefixes.
_MAX_KEPT = 1024
_kept: dict[tuple[Any, ...], str] = {}
_lock = threading.Lock()


def reverse_kept(view_name: str, current_app: str | None) -> str:
    """``reverse(view_name)`` for an address without arguments, kept."""
    urlconf = get_urlconf()
    # The resolver object changes when URL caches are cleared (a test's
    # ROOT_URLCONF): addresses of the old one are then never read again.
    key = (
        get_resolver(urlconf),
        get_script_prefix(),
        get_language(),
        view_name,
        current_app,
    )
    found = _kept.get(key)
    if found is None:
        found = reverse(view_name, urlconf=urlconf, current_app=current_app)
        with _lock:
            if len(_kept) >= _MAX_KEPT:
                _kept.clear()
            _kept[key] = found
    return found


class KeptURLNode(URLNode):
    def render(self, context: Context) -> str:
        if self.args or self.kwargs:
            return str(super().render(context))
        view_name = self.view_name.resolve(context)
        # The application namespace as Django's tag finds it.
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        try:
            url = reverse_kept(view_name, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        if context.autoescape:
            url = conditional_escape(url)
        return url


@register.tag
def url(parser: Parser, token: Token) -> KeptURLNode:
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
