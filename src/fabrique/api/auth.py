"""Who is calling: personal API tokens, or the site's own session (with CSRF).

Reads are public. Writes need either ``Authorization: Bearer fab_…`` (a
personal token created on the profile page; only its SHA-256 is stored) or a
signed-in session whose request carries the CSRF token — the site's own
htmx calls. An anonymous caller gets 401, a session without CSRF token 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from fabrique.accounts.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fab_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class SessionCsrfAuth(APIKeyCookie):
    """A signed-in session; the request must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(403, "CSRF token missing or incorrect.")
        return user


token_auth = TokenAuth()
session_auth = SessionCsrfAuth()
WRITE_AUTH = [token_auth, session_auth]


def reader(request: HttpRequest) -> Any | None:
    """The signed-in caller of a read route (token or session), or None.

    Reads are public; knowing the caller only widens what they may see (their
    own pending requests, hidden objects for moderators).
    """
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() == "bearer" and key:
        return authenticate_token(key)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None
