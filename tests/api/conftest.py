"""Fixtures of the API tests: people with tokens, and a JSON client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from fabrique.accounts.models import ApiToken
from tests.catalog.factories import make_user


class ApiClient:
    """A test client speaking JSON, optionally with a personal token."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any):
        return self.client.get(path, params, headers=self._headers())

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.generic(
            method,
            path,
            data,
            content_type="application/json",
            headers={**self._headers(), **(headers or {})},
        )

    def post(self, path: str, body: Any = None, **kw: Any):
        return self.send("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any):
        return self.send("PATCH", path, body, **kw)

    def delete(self, path: str):
        return self.send("DELETE", path)


def token_for(user) -> str:
    return ApiToken.issue(user, "tests")[1]


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def stranger(db):
    return make_user("stranger")


@pytest.fixture
def moderator(db):
    return make_user("moderator", role="moderator")


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


@pytest.fixture
def as_owner(owner) -> ApiClient:
    return ApiClient(token_for(owner))


@pytest.fixture
def as_stranger(stranger) -> ApiClient:
    return ApiClient(token_for(stranger))


@pytest.fixture
def as_moderator(moderator) -> ApiClient:
    return ApiClient(token_for(moderator))
