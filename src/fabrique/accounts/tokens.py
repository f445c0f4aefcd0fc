"""Personal API tokens: issue, authenticate, revoke.

Only a token's SHA-256 is stored (``ApiToken.key_hash``); the clear key is
shown once, when the token is created on the profile page.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.models import ApiToken, User
from fabrique.core.plainsql import names

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
    found = _token_and_user(ApiToken.hash_key(key))
    if found is None:
        return None
    token_id, last_used, user = found
    if not user.is_active or user.deleted:
        return None
    now = timezone.now()
    if last_used is None or now - last_used > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token_id).update(last_used=now)
    return user


def _token_and_user(key_hash: str) -> tuple[int, Any, User] | None:
    """(token id, its last use, its user) for a key's hash, in one plain
    statement: every API call with a token asks it, and compiling the ORM's
    form of it cost more than running it."""
    sql, columns = _token_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    # Values as the ORM would give them: the backend's converters (SQLite's
    # dates and booleans), then the fields' own.
    values = []
    for column, value in zip(columns, row, strict=True):
        converters = connection.ops.get_db_converters(column)
        for converter in [*converters, *column.get_db_converters(connection)]:
            value = converter(value, column, connection)
        values.append(value)
    attnames = [column.target.attname for column in columns[2:]]
    return values[0], values[1], User.from_db(connection.alias, attnames, values[2:])


@functools.cache
def _token_statement(vendor: str) -> tuple[str, list[Any]]:
    """The statement of :func:`_token_and_user` (built once per database
    kind) and the columns it reads: the token's id and last use, then each
    of the user's fields."""
    fields = User._meta.concrete_fields
    users, columns = names(User, *(field.name for field in fields))
    tokens, (token_id, used, owner, hashed) = names(
        ApiToken, "id", "last_used", "user", "key_hash"
    )
    user_id = names(User, User._meta.pk.name)[1][0]  # type: ignore[union-attr]
    selected = ", ".join(f"u.{column}" for column in columns)
    sql = (
        f"SELECT t.{token_id}, t.{used}, {selected} FROM {tokens} t"  # noqa: S608 - names only
        f" JOIN {users} u ON u.{user_id} = t.{owner} WHERE t.{hashed} = %s"
    )
    read = [ApiToken._meta.get_field(name) for name in ("id", "last_used")]
    expressions = [
        field.get_col(field.model._meta.db_table)  # type: ignore[union-attr]
        for field in [*read, *fields]
    ]
    return sql, expressions


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
