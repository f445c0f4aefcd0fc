"""A Redis cache that a Redis outage slows down but never breaks.

``ResilientRedisCache`` is Django's ``RedisCache`` with three differences:

- Connection errors and timeouts are absorbed: a read answers a miss (the
  caller then reads the database), a write is dropped. The first error of an
  outage is logged (logger ``fabrique.cache``), with the address, not every
  request.
- A circuit: after an error the cache is not asked again for
  ``RETRY_SECONDS`` (5 by default), so requests during an outage do not each
  wait for a connection; ``available`` says whether it is open.
- Short socket timeouts (``SOCKET_CONNECT_TIMEOUT`` 0.5 s, ``SOCKET_TIMEOUT``
  1 s by default), so an unreachable server holds a request half a second
  at most, once per ``RETRY_SECONDS``.

A write dropped during an outage would leave the old value in Redis once it
answers again — a page version token not moved, a session that was signed
out. So the keys of dropped writes are remembered (up to ``MAX_DROPPED``)
and deleted as soon as Redis answers: a deleted entry is read again from the
database. Beyond ``MAX_DROPPED`` the rest are lost (logged); their entries
expire on their own timeout.

Example settings::

    CACHES = {"default": {
        "BACKEND": "fabrique.core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
    }}
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("fabrique.cache")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, absorbing connection errors (see the module)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        self.max_dropped = int(options.pop("MAX_DROPPED", 10_000))
        options.setdefault(
            "socket_connect_timeout", float(options.pop("SOCKET_CONNECT_TIMEOUT", 0.5))
        )
        options.setdefault("socket_timeout", float(options.pop("SOCKET_TIMEOUT", 1)))
        super().__init__(server, {**params, "OPTIONS": options})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._dropped: set[str] = set()
        self._overflowed = False
        # For the log: the address without any password in it.
        self._where = ", ".join(
            f"{urlsplit(url).hostname}:{urlsplit(url).port or 6379}"
            for url in self._servers
        )

    # -- circuit ---------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while the circuit is open (Redis failed less than
        ``RETRY_SECONDS`` ago)."""
        return time.monotonic() >= self._down_until

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self._down_until == 0.0
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning(
                "Redis cache at %s unavailable (%s): serving without the cache, "
                "retrying every %g s",
                self._where,
                exc,
                self.retry_seconds,
            )

    def _drop(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                if len(self._dropped) >= self.max_dropped:
                    self._overflowed = True
                    break
                self._dropped.add(key)

    def _recovered(self) -> None:
        """Delete what was written during the outage, then close the circuit."""
        with self._lock:
            dropped = list(self._dropped)
            overflowed = self._overflowed
        if dropped:
            self._cache.delete_many(dropped)  # on failure, kept for next time
        with self._lock:
            self._dropped.difference_update(dropped)
            self._overflowed = False
            was_down, self._down_until = self._down_until, 0.0
        if overflowed:
            logger.error(
                "Redis cache at %s: more than %d writes dropped during the outage; "
                "the rest stay stale until they expire",
                self._where,
                self.max_dropped,
            )
        if was_down:
            logger.warning("Redis cache at %s answers again", self._where)

    def _call(
        self,
        call: Callable[[], T],
        fallback: T,
        *,
        writes: Iterable[str] = (),
    ) -> T:
        if not self.available:
            self._drop(writes)
            return fallback
        try:
            if self._down_until or self._dropped:
                self._recovered()
            return call()
        except OUTAGE_ERRORS as exc:
            self._drop(writes)
            self._failed(exc)
            return fallback

    def _key(self, key: Any, version: int | None) -> str:
        return self.make_and_validate_key(key, version=version)

    # -- Django's cache API ----------------------------------------------

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        k = self._key(key, version)
        return self._call(
            lambda: self._cache.add(k, value, self.get_backend_timeout(timeout)),
            False,
            writes=[k],
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        k = self._key(key, version)
        return self._call(lambda: self._cache.get(k, default), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        k = self._key(key, version)
        self._call(
            lambda: self._cache.set(k, value, self.get_backend_timeout(timeout)),
            None,
            writes=[k],
        )

    def touch(
        self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        k = self._key(key, version)
        return self._call(
            lambda: self._cache.touch(k, self.get_backend_timeout(timeout)),
            False,
            writes=[k],
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        k = self._key(key, version)
        return self._call(lambda: self._cache.delete(k), False, writes=[k])

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        key_map = {self._key(key, version): key for key in keys}
        found = self._call(lambda: self._cache.get_many(key_map.keys()), {})
        return {key_map[k]: v for k, v in found.items()}

    def has_key(self, key: Any, version: Any = None) -> bool:
        k = self._key(key, version)
        return self._call(lambda: self._cache.has_key(k), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        k = self._key(key, version)
        missing = object()
        value = self._call(lambda: self._cache.incr(k, delta), missing, writes=[k])
        if value is missing:
            # As for a key that is not there: callers already handle it.
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return value  # type: ignore[return-value]

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        safe = {self._key(key, version): value for key, value in data.items()}
        self._call(
            lambda: self._cache.set_many(safe, self.get_backend_timeout(timeout)),
            None,
            writes=safe.keys(),
        )
        return []

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        safe = [self._key(key, version) for key in keys]
        self._call(lambda: self._cache.delete_many(safe), None, writes=safe)

    def clear(self) -> bool:
        return self._call(self._cache.clear, False)
