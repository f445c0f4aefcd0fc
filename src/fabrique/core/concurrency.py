"""How many heavy requests or jobs one client may have running at once.

:func:`slot` holds one of ``limit`` numbered slots for a scope and a key
(usually the client's address) while a block runs; when every slot is
taken it raises :class:`Busy`. A slot is a cache key created with
``cache.add()``, which is atomic in the local-memory cache and in Redis, so
the same code works in the embedded mode (one process counts alone) and in
production (every web process and worker shares the counters). Each slot
has a lease: a process killed while holding one frees it when the lease
ends, never later.

:func:`acquire` and :func:`release` do the same across processes, for a
slot taken by a request and given back by the background job it queued.

Switched off with the rate limits (``RATELIMIT_ENABLED=0``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from fabrique.core.ratelimit import client_ip


class Busy(Exception):
    """Every slot of a scope is taken for this client."""

    def __init__(self, scope: str, limit: int, retry_after: int) -> None:
        self.scope = scope
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(
            f"{limit} {scope} request(s) already running for this client; "
            f"retry in {retry_after}s"
        )

    def message(self) -> str:
        """The sentence shown to the client (translated)."""
        return ngettext(
            "You already have %(n)d request of this kind running: wait until it "
            "ends, then try again.",
            "You already have %(n)d requests of this kind running: wait until "
            "one ends, then try again.",
            self.limit,
        ) % {"n": self.limit}


@dataclass(frozen=True)
class Lease:
    """A slot held; ``key`` and ``token`` can travel to another process."""

    key: str
    token: str


def _slot_key(scope: str, client: str, number: int) -> str:
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    return f"concurrency:{scope}:{digest}:{number}"


def acquire(scope: str, client: str, limit: int, *, lease: int) -> Lease | None:
    """Take a free slot of ``scope`` for ``client`` for at most ``lease`` seconds.

    Returns ``None`` when all ``limit`` slots are taken. With the limits off
    (or ``limit`` < 1) a lease is returned that holds nothing.
    """
    token = secrets.token_hex(8)
    if not settings.RATELIMIT_ENABLED or limit < 1:
        return Lease("", token)
    for number in range(limit):
        key = _slot_key(scope, client, number)
        if cache.add(key, token, timeout=lease):
            return Lease(key, token)
    return None


def release(lease: Lease | None) -> None:
    """Give a slot back (only if this lease still holds it)."""
    if lease is None or not lease.key:
        return
    if cache.get(lease.key) == lease.token:
        cache.delete(lease.key)


@contextmanager
def slot(scope: str, client: str, limit: int, *, lease: int) -> Iterator[Lease]:
    """Hold a slot while the block runs; raise :class:`Busy` when none is free."""
    held = acquire(scope, client, limit, lease=lease)
    if held is None:
        raise Busy(scope, limit, retry_after=min(lease, 30))
    try:
        yield held
    finally:
        release(held)


def client_limit() -> int:
    """Heavy requests one client may have running at once (a setting)."""
    return int(settings.CONCURRENCY_HEAVY_PER_CLIENT)


def lease_seconds() -> int:
    return int(settings.CONCURRENCY_LEASE_SECONDS)


def busy_page(request: HttpRequest, exc: Busy) -> HttpResponse:
    """The 429 page for a client over its concurrency limit."""
    response = render(
        request,
        "registration/too_many_attempts.html",
        {"message": exc.message(), "retry_after": exc.retry_after},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


ViewFunc = Callable[..., HttpResponse]


def limit_concurrency(
    scope: str,
    *,
    methods: frozenset[str] = frozenset({"POST"}),
    answer: Callable[[HttpRequest, Busy], HttpResponse] = busy_page,
) -> Callable[[ViewFunc], ViewFunc]:
    """Let each client run at most ``CONCURRENCY_HEAVY_PER_CLIENT`` of a view at once.

    Example: ``@limit_concurrency("geocoder-csv")`` on a view that reads an upload.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return view(request, *args, **kwargs)
            try:
                with slot(
                    scope, client_ip(request), client_limit(), lease=lease_seconds()
                ):
                    return view(request, *args, **kwargs)
            except Busy as exc:
                return answer(request, exc)

        return wrapper

    return decorator
