"""Rate limit of API writes: ``RATELIMIT_API_WRITE`` ("count/seconds") per caller.

Counted by ``fabrique.core.ratelimit`` (shared by every web process when the
cache is Redis); over the limit a write answers 429 in the error envelope with
a ``Retry-After`` header. ``RATELIMIT_ENABLED=0`` switches it off.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from fabrique.core.ratelimit import RateLimited, client_ip, hit, setting_rate

SCOPE = "api-write"


class WriteThrottle(BaseThrottle):
    """Limit writes per signed-in user (per address for anything else)."""

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        key = f"user:{user.pk}" if user is not None else f"ip:{client_ip(request)}"
        try:
            hit(SCOPE, key, setting_rate("RATELIMIT_API_WRITE"))
        except RateLimited as exc:
            request._api_retry_after = exc.retry_after  # type: ignore[attr-defined]
            return False
        return True

    def wait(self) -> float | None:
        # ninja asks the throttle object, shared by threads, for the delay;
        # the exact delay of this request is set by ``retry_after``.
        return None


def retry_after(request: HttpRequest) -> int | None:
    """The delay computed when ``request`` was limited."""
    return getattr(request, "_api_retry_after", None)


write_throttle = WriteThrottle()
