"""Reading a harvest source: every answer is untrusted and bounded.

One :class:`Fetcher` per run counts requests and bytes (the run's report),
caps each answer's size, the run's pages and its duration, and refuses an
address already read in the run (a ``next`` link that repeats or cycles).
Connections go through the transport fetcher's checked addresses (no
private or loopback hosts unless ``TRANSPORT_FETCH_ALLOW_PRIVATE``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

USER_AGENT = "Fabrique harvester"


class Stopped(Exception):
    """The run stops here; the message says why (kept in the report)."""


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = ""
    url: str = ""


#: ``get(url, accept, max_bytes, timeout) -> Answer``; tests replace it with
#: recorded answers.
Getter = Callable[[str, str, int, float], Answer]


def http_get(url: str, accept: str, max_bytes: int, timeout: float) -> Answer:
    """GET ``url`` (no redirects to unchecked hosts, at most ``max_bytes``)."""
    import httpx

    from fabrique.transport.services import (
        FetchError,
        _pinned_transport,
        validate_url,
    )

    current = url
    try:
        with httpx.Client(
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": accept},
            trust_env=False,
            transport=_pinned_transport(),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        ) as client:
            for _hop in range(int(settings.TRANSPORT_FETCH_MAX_REDIRECTS) + 1):
                try:
                    validate_url(current)
                except ValidationError as exc:
                    raise Stopped(f"not an http(s) address: {current[:300]}") from exc
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        current = str(
                            response.url.join(response.headers.get("location", ""))
                        )
                        continue
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise Stopped(too_large(current, max_bytes))
                    body = bytearray()
                    for chunk in response.iter_raw(64 * 1024):
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise Stopped(too_large(current, max_bytes))
                    return Answer(
                        response.status_code,
                        bytes(body),
                        response.headers.get("content-type", ""),
                        current,
                    )
            raise Stopped(f"too many redirects from {url[:300]}")
    except FetchError as exc:
        raise Stopped(f"{url[:300]}: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise Stopped(f"{url[:300]}: no answer within {timeout:.0f} s") from exc
    except httpx.HTTPError as exc:
        raise Stopped(f"{url[:300]}: {str(exc)[:200] or type(exc).__name__}") from exc


def check_address(url: str) -> str:
    """The address of a harvest source, checked as the fetcher will check it:
    http(s), no credentials, a host that resolves to public addresses only
    (unless ``TRANSPORT_FETCH_ALLOW_PRIVATE``), and not this instance itself.
    Raises ValidationError saying what is wrong."""
    from urllib.parse import urlsplit

    from django.utils.translation import gettext as _

    from fabrique.federation import instance
    from fabrique.transport.services import FetchError, checked_addresses, validate_url

    url = (url or "").strip()
    try:
        validate_url(url)
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (ValidationError, ValueError) as exc:
        raise ValidationError(
            _("Give an http:// or https:// address."), code="scheme"
        ) from exc
    if not url:
        raise ValidationError(_("Give an http:// or https:// address."), code="scheme")
    if parts.username or parts.password:
        raise ValidationError(
            _("The address may not hold a user name or password."), code="credentials"
        )
    if instance.is_own(url.rstrip("/")) or url.rstrip("/") == instance.base_url():
        raise ValidationError(
            _("This is the address of this very instance: it cannot harvest itself."),
            code="self",
        )
    try:
        checked_addresses(parts.hostname or "", port)
    except FetchError as exc:
        raise ValidationError(str(exc), code="host") from exc
    return url


def too_large(url: str, limit: int) -> str:
    return f"{url[:300]}: the answer is over {limit:,} bytes"


#: The getter runs use; tests put recorded answers in its place.
GETTER: list[Getter] = [http_get]


class Fetcher:
    """The reading side of one harvest run, with its bounds and counts."""

    def __init__(
        self,
        *,
        max_pages: int | None = None,
        max_bytes: int | None = None,
        seconds: float | None = None,
        get: Getter | None = None,
    ) -> None:
        self.max_pages = max_pages or settings.FEDERATION_MAX_PAGES
        self.max_bytes = max_bytes or settings.FEDERATION_MAX_PAGE_BYTES
        self.seconds = seconds or settings.FEDERATION_HARVEST_SECONDS
        self._get = get or GETTER[0]
        self.started = time.monotonic()
        self.requests = 0
        self.bytes = 0
        self.seen: set[str] = set()

    def left(self) -> float:
        remaining = self.seconds - (time.monotonic() - self.started)
        if remaining <= 0:
            raise Stopped(f"the run took over {self.seconds:.0f} s: stopped")
        return remaining

    def get(self, url: str, *, accept: str = "*/*", again: bool = False) -> Answer:
        """The answer at ``url``; Stopped when a bound is reached or the
        address was already read in this run (unless ``again``)."""
        if url in self.seen and not again:
            raise Stopped(f"a next link repeats an address already read: {url[:300]}")
        if self.requests >= self.max_pages:
            raise Stopped(f"over {self.max_pages} pages in one run: stopped")
        self.seen.add(url)
        answer = self._get(url, accept, self.max_bytes, min(60.0, self.left()))
        self.requests += 1
        self.bytes += len(answer.body)
        if len(answer.body) > self.max_bytes:
            raise Stopped(too_large(url, self.max_bytes))
        self.left()
        return answer

    def json(self, url: str, **kwargs: Any) -> Any:
        """The JSON at ``url`` (an HTTP error or invalid JSON stops the run)."""
        import json

        answer = self.get(url, accept="application/json", **kwargs)
        if answer.status >= 400:
            raise Stopped(f"{url[:300]}: the server answered {answer.status}")
        try:
            return json.loads(answer.body)
        except ValueError as exc:
            raise Stopped(f"{url[:300]}: not valid JSON ({exc})") from exc
