"""Whole-page cache for anonymous visitors of the most visited pages.

A page is stored once per *version* of what it shows — the caller passes the
values that change whenever the page must change, typically a version token
(``version_token``) that every write to the object moves (``bump``) — and per
language and host, so an edit is visible at once and the language switch is
respected. A hit reads two cache entries and no database row. Signed-in users
never read nor fill it: their pages show their own state (following, their
memberships, edit links).

Cached pages carry no per-visitor data. In particular no CSRF token: the
anonymous forms of ``base.html`` (the language switch) take it from the
``csrftoken`` cookie (``fabrique.js``), which ``CsrfCookieMiddleware`` sets.
A page that did put a token in its HTML is served but never stored.

The cache is Django's (Redis when ``REDIS_URL`` is set, local memory
otherwise); ``PAGE_CACHE_SECONDS`` bounds what the version cannot see (a theme
renamed, a member renamed).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

PAGE_CACHE_SECONDS = 300
HEADER = "X-Page-Cache"
VERSION_PREFIX = "page-version:"


def version_token(name: str) -> str:
    """The current version token of ``name`` (a fresh one the first time, or
    after the cache dropped it: pages stored under the old one are then
    simply never read again)."""
    key = VERSION_PREFIX + name
    token = cache.get(key)
    if token is None:
        # add() is atomic: of two processes racing here, both read the winner.
        cache.add(key, secrets.token_hex(8), None)
        token = cache.get(key) or secrets.token_hex(8)
    return token


def bump(name: str) -> None:
    """Move ``name``'s version token: its cached pages are stale from now.

    Moved at once, so the writing request itself reads its change, and again
    once the transaction commits: a visitor who rendered the page between the
    two, from rows not yet committed, stored it under a token no one reads.
    """
    key = VERSION_PREFIX + name
    cache.set(key, secrets.token_hex(8), None)
    transaction.on_commit(lambda: cache.set(key, secrets.token_hex(8), None))


def cacheable(request: HttpRequest) -> bool:
    """May this request be answered from, and stored in, the anonymous cache?"""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # A query string is echoed in the page (the language switch's "next"):
    # such requests get a page of their own, not a shared one.
    if request.headers.get("HX-Request") or request.META.get("QUERY_STRING"):
        return False
    # A pending flash message ("you are logged out") is for this visitor only.
    if "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and "_messages" in session)


def page_key(request: HttpRequest, version: Sequence[object]) -> str:
    parts = repr((request.path, get_language(), request.get_host(), *version))
    return "page:" + hashlib.sha256(parts.encode()).hexdigest()


def anonymous_page(
    request: HttpRequest,
    version: Sequence[object],
    render_page: Callable[[], HttpResponse],
) -> HttpResponse:
    """The page from the cache for anonymous visitors, or ``render_page()``."""
    if not cacheable(request):
        return render_page()
    key = page_key(request, version)
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        response = HttpResponse(content, content_type=content_type)
        response[HEADER] = "hit"
    else:
        response = render_page()
        # get_token() raises this flag: the page holds a token, keep it private.
        token_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not token_used
        ):
            cache.set(
                key,
                (response.content, response["Content-Type"]),
                PAGE_CACHE_SECONDS,
            )
            response[HEADER] = "miss"
    patch_vary_headers(response, ["Cookie"])
    return response
