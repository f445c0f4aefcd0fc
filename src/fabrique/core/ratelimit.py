"""A small cache-based rate limiter: fixed windows counted in Django's cache.

Limits are written ``"count/seconds"`` in settings (``RATELIMIT_SIGNUP``,
``RATELIMIT_LOGIN``, ``RATELIMIT_API_WRITE``) and switched off as a whole with
``RATELIMIT_ENABLED=0``. With Redis as the cache (``REDIS_URL``) every web
process shares the same counters; with the local-memory cache each process
counts on its own, which is enough for the embedded mode.

During a Redis outage (the cache's circuit is open, ``fabrique.core.cache``)
limits keep working but are counted in each web process's memory
(``counters()``): a client may then get up to one full allowance per web
process, never an unlimited one. The counts of the outage are forgotten when
Redis answers again.

Pages answer 429 with a page that says what was limited and when to retry
(the API's write throttle lives in ``fabrique.api.ratelimit``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Rate:
    """At most ``count`` hits per window of ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str, *, name: str = "rate") -> Rate:
        """Read ``"5/3600"``; refuse anything else with a message naming it."""
        count, _sep, seconds = str(text).partition("/")
        try:
            rate = cls(int(count), int(seconds))
        except ValueError:
            rate = cls(0, 0)
        if rate.count < 1 or rate.seconds < 1:
            raise ImproperlyConfigured(
                f"{name}={text!r} is not a rate: expected 'count/seconds' with "
                "two positive integers, e.g. '10/300'"
            )
        return rate


class RateLimited(Exception):
    """Too many hits for one scope and key in the current window."""

    def __init__(self, scope: str, rate: Rate, retry_after: int) -> None:
        self.scope = scope
        self.rate = rate
        self.retry_after = retry_after
        super().__init__(
            f"rate limit {rate.count}/{rate.seconds}s reached for {scope}; "
            f"retry in {retry_after}s"
        )


def setting_rate(setting: str) -> Rate:
    return Rate.parse(getattr(settings, setting), name=setting)


# Counters kept by this process while the shared cache is unavailable.
_local_counters = LocMemCache(
    "ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
)


def counters() -> BaseCache:
    """Where to count: the shared cache, or this process's memory while the
    shared cache reports itself unavailable."""
    if getattr(cache, "available", True):
        return cache
    return _local_counters


def hit(scope: str, key: str, rate: Rate, *, now: float | None = None) -> None:
    """Count one hit for ``key`` in ``scope``; raise RateLimited over the rate."""
    if not settings.RATELIMIT_ENABLED:
        return
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    store = counters()
    # add() is atomic: the first hit of a window creates the counter.
    store.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = store.incr(cache_key)
    except ValueError:  # evicted between add() and incr()
        store.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
        raise RateLimited(scope, rate, retry_after)


def client_ip(request: HttpRequest) -> str:
    """The client's address, seen through ``RATELIMIT_PROXY_COUNT`` proxies.

    Each trusted proxy appends the address it received from to
    ``X-Forwarded-For``; entries further left were written by the client and
    are not trusted.
    """
    proxies = getattr(settings, "RATELIMIT_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def client_key(request: HttpRequest) -> str:
    """The client as limits count it: its IPv4 address, or its IPv6 /64
    network (one subscriber's line gets a whole /64 to rotate through)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6 and parsed.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(getattr(parsed, "ipv4_mapped", None) or parsed)


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def limit_message(exc: RateLimited) -> str:
    return _(
        "Too many attempts: at most %(count)d are allowed in %(period)s. "
        "Please try again in %(wait)s."
    ) % {
        "count": exc.rate.count,
        "period": _wait_text(exc.rate.seconds),
        "wait": _wait_text(exc.retry_after),
    }


def too_many_requests(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The 429 page, with a Retry-After header."""
    response = render(
        request,
        "registration/too_many_attempts.html",
        {"message": limit_message(exc), "retry_after": exc.retry_after},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


ViewFunc = Callable[..., HttpResponse]


def ratelimit(
    scope: str,
    setting: str,
    *,
    key: Callable[[HttpRequest], str] = client_ip,
    methods: frozenset[str] = frozenset({"POST"}),
) -> Callable[[ViewFunc], ViewFunc]:
    """Limit a view's ``methods`` to the rate in ``setting``, per ``key``.

    Example: ``@ratelimit("signup", "RATELIMIT_SIGNUP")`` on the sign-up view.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                try:
                    hit(scope, key(request), setting_rate(setting))
                except RateLimited as exc:
                    return too_many_requests(request, exc)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
