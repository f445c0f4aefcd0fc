"""Every internal link of the demo leads somewhere, for every kind of visitor.

The demo content is loaded once; then, for a visitor, a contributor, a
moderator and an administrator, pages are crawled from the home page through
the links they show. A link that answers 404 or a server error fails the test,
with the page that showed it. Each route is followed a few times (by URL name
and the names of its query parameters), so the crawl covers every kind of page
without walking every page of the demo.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from fabrique.catalog.demo import DEMO_ADMIN, DEMO_MODERATOR, DEMO_USERNAME, load_demo

# Pages of one route (name + query keys) followed at most this many times.
PER_ROUTE = 3
# A bound on one visitor's crawl, far above what the demo needs.
MAX_PAGES = 1500
# Paths not followed: leaving the session, the API's machine answers (checked
# by the API's own tests), static and uploaded files (served by the web
# server in production) and large downloads.
SKIP_PREFIXES = ("/static/", "/media/", "/api/1/", "/donnees/telecharger/")
SKIP_NAMES = {"accounts:logout", "logout", "set_language"}


class _Links(HTMLParser):
    """The ``href`` of every ``<a>`` and ``<link rel=alternate>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href")
        if not href:
            return
        if tag == "a" or (tag == "link" and values.get("rel") == "alternate"):
            self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def route_key(path: str, query: str) -> str | None:
    """The route a URL belongs to, or None when it is not the site's."""
    try:
        match = resolve(path)
    except Resolver404:
        return f"unresolved:{path}"
    name = match.view_name
    if name in SKIP_NAMES:
        return None
    keys = ",".join(sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)}))
    return f"{name}?{keys}"


@dataclass
class Crawl:
    client: Client
    failures: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    per_route: Counter[str] = field(default_factory=Counter)

    def run(self, start: str = "/") -> int:
        queue: deque[tuple[str, str]] = deque([(start, "(start)")])
        pages = 0
        while queue and pages < MAX_PAGES:
            url, referrer = queue.popleft()
            if url in self.visited:
                continue
            self.visited.add(url)
            pages += 1
            response = self.client.get(url)
            body = self._body(response)
            status = response.status_code
            if status == 404 or status >= 500:
                self.failures.append(f"{status} {url} (linked from {referrer})")
                continue
            if status in (301, 302, 303, 307, 308):
                self._enqueue(queue, response["Location"], url)
                continue
            content_type = response.get("Content-Type", "")
            if status != 200 or not content_type.startswith("text/html"):
                continue
            for href in links_of(body.decode(response.charset or "utf-8")):
                self._enqueue(queue, href, url)
        return pages

    @staticmethod
    def _body(response) -> bytes:
        """The whole body; a streamed file is read to its end.

        The test client closes a streamed response at the end of its content,
        as a WSGI server would; closing it again here would send
        ``request_finished`` with the connection handler listening, which
        closes a PostgreSQL connection held in a transaction.
        """
        if not response.streaming:
            return response.content
        return b"".join(response.streaming_content)

    def _enqueue(self, queue: deque[tuple[str, str]], href: str, page: str) -> None:
        href = urldefrag(urljoin(page, href.strip())).url
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or parts.netloc not in (
            "",
            "testserver",
        ):
            return
        path = parts.path or "/"
        if path.startswith(SKIP_PREFIXES):
            return
        url = path + (f"?{parts.query}" if parts.query else "")
        if url in self.visited:
            return
        key = route_key(path, parts.query)
        if key is None or self.per_route[key] >= PER_ROUTE:
            return
        self.per_route[key] += 1
        queue.append((url, page))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content, loaded once for the module and rolled back after."""
    media = tmp_path_factory.mktemp("crawl-media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        assert load_demo() is True
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _crawl(client: Client) -> tuple[Crawl, int]:
    crawl = Crawl(client)
    return crawl, crawl.run()


def test_every_link_each_kind_of_visitor_is_shown_answers():
    """One test for every visitor, so the demo is loaded once per process."""
    failures: list[str] = []
    for who in (None, DEMO_USERNAME, DEMO_MODERATOR, DEMO_ADMIN):
        client = Client(raise_request_exception=False)
        if who is not None:
            client.force_login(get_user_model().objects.get(username=who))
        crawl, pages = _crawl(client)
        failures += [f"as {who or 'visitor'}: {failure}" for failure in crawl.failures]
        # The crawl really walked the site, not only the home page.
        assert pages > 60, f"as {who or 'visitor'}: {pages} pages"
        assert len(crawl.per_route) > 40
    english = Client(raise_request_exception=False)
    english.cookies["django_language"] = "en"
    crawl, _ = _crawl(english)
    failures += [f"in English: {failure}" for failure in crawl.failures]
    assert not failures, "\n".join(failures)
