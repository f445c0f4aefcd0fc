"""Personal API tokens: issue, authenticate, revoke.

Only a token's SHA-256 is stored (``ApiToken.key_hash``); the clear key is
shown once, when the token is created on the profile page.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.models import ApiToken, User

# A token's last use is written at most this often, to keep reads cheap.
LAST_USED_PRECISION = timedelta(seconds=60)
MAX_KEY_LENGTH = 200
MAX_TOKENS_PER_USER = 20


class TokenError(Exception):
    """A token cannot be issued or revoked; the message says why."""


def authenticate_token(key: str) -> User | None:
    """The active, not deleted user owning the API token ``key``, or None.

    Records the time of use (to the minute) on the token.
    """
    key = (key or "").strip()
    if not key.startswith(ApiToken.PREFIX) or len(key) > MAX_KEY_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key))
        .first()
    )
    if token is None:
        return None
    user = token.user
    if not user.is_active or user.deleted:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return user


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a named token for ``user``; return it with its clear key."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("A token needs a name, to recognise it later."))
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise TokenError(_("A token name is at most 100 characters long."))
    if user.api_tokens.count() >= MAX_TOKENS_PER_USER:
        raise TokenError(
            _("At most %(count)d tokens per account: revoke one first.")
            % {"count": MAX_TOKENS_PER_USER}
        )
    return ApiToken.issue(user, name)


def revoke_token(user: User, token_id: int) -> bool:
    """Delete ``user``'s token ``token_id``; False if they own no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0
