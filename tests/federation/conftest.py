"""Recorded answers for harvest tests: each test writes the remote answers it
needs (shapes of the public API documentation), never real copies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fabrique.federation import fetching, instance
from fabrique.federation.fetching import Answer, Fetcher

# The browser fixtures (headless Chromium against a live server).
from tests.browser.conftest import (  # noqa: F401
    browser,
    page,
    screenshot_dir,
)


class Recorded:
    """A getter answering from a dict ``url -> body`` (dict/list: JSON)."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.answers: dict[str, Any] = dict(answers or {})
        self.asked: list[str] = []

    def add(self, url: str, body: Any, status: int = 200, media: str = "") -> None:
        self.answers[url] = (status, body, media)

    def __call__(self, url: str, accept: str, max_bytes: int, timeout: float) -> Answer:
        self.asked.append(url)
        found = self.answers.get(url)
        if found is None:
            return Answer(404, b"not found", "text/plain", url)
        status, body, media = found if isinstance(found, tuple) else (200, found, "")
        if isinstance(body, dict | list):
            return Answer(status, json.dumps(body).encode(), "application/json", url)
        if isinstance(body, str):
            body = body.encode()
        return Answer(status, body, media, url)


@pytest.fixture(autouse=True)
def _instance_key(settings, tmp_path, monkeypatch):
    settings.FEDERATION_KEY_FILE = tmp_path / "instance-key.pem"
    monkeypatch.setattr(instance, "_KEY", None)


@pytest.fixture
def recorded(monkeypatch) -> Recorded:
    answers = Recorded()
    monkeypatch.setattr(fetching, "GETTER", [answers])
    return answers


def fetcher(answers: Recorded, **bounds: Any) -> Fetcher:
    return Fetcher(get=answers, **bounds)
