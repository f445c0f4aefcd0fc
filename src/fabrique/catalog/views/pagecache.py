"""Whole-page cache for anonymous visitors of the most visited pages.

A page is stored once per *version* of what it shows — the caller passes the
values that change whenever the page must change, typically a version token
(``version_token``) that every write to the object moves (``bump``) — and per
language and host, so an edit is visible at once and the language switch is
respected. A hit reads the version token from the cache and no database
row: a page stored under a token never changes, so each process keeps the
pages it served last in its own memory (``LocalPages``) and reads the shared
cache only for the others. Signed-in users
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
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

PAGE_CACHE_SECONDS = 300
HEADER = "X-Page-Cache"
VERSION_PREFIX = "page-version:"
# Bytes of pages each process keeps in its own memory.
LOCAL_BYTES = 16 * 1024 * 1024


class LocalPages:
    """The pages a process served last, by key, up to ``limit`` bytes.

    A key names one version of a page, so an entry is never stale; it is
    dropped when the shared copy would expire (``PAGE_CACHE_SECONDS`` after
    it was rendered) or to make room, least recently read first.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._pages: OrderedDict[str, tuple[bytes, str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            content, content_type, expires = found
            if expires <= time.time():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return content, content_type

    def put(self, key: str, content: bytes, content_type: str, expires: float) -> None:
        if len(content) > self.limit // 8:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (content, content_type, expires)
            self.size += len(content)
            while self.size > self.limit:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        content, _, _ = self._pages.pop(key)
        self.size -= len(content)


local_pages = LocalPages(LOCAL_BYTES)


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


def bump_many(names: list[str]) -> None:
    """:func:`bump` for many names, in one cache call each time."""
    keys = [VERSION_PREFIX + name for name in names]
    if not keys:
        return

    def move() -> None:
        cache.set_many({key: secrets.token_hex(8) for key in keys}, None)

    move()
    transaction.on_commit(move)


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
    cached = local_pages.get(key)
    if cached is None:
        shared = cache.get(key)
        if isinstance(shared, tuple) and len(shared) == 3:
            content, content_type, expires = shared
            local_pages.put(key, content, content_type, expires)
            cached = content, content_type
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
            expires = time.time() + PAGE_CACHE_SECONDS
            content, content_type = response.content, response["Content-Type"]
            cache.set(key, (content, content_type, expires), PAGE_CACHE_SECONDS)
            local_pages.put(key, content, content_type, expires)
            response[HEADER] = "miss"
    patch_vary_headers(response, ["Cookie"])
    return response
