"""Personal API tokens: issued once in clear, authenticated by hash, revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from fabrique.accounts.models import ApiToken
from fabrique.accounts.services import delete_account
from fabrique.accounts.tokens import (
    MAX_TOKENS_PER_USER,
    TokenError,
    authenticate_token,
    issue_token,
    revoke_token,
)
from tests.catalog.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Error messages are matched in their English source."""
    with translation.override("en"):
        yield


def test_a_token_authenticates_its_owner_and_records_its_use():
    user = make_user()
    token, key = issue_token(user, "script")
    assert token.last_used is None
    assert authenticate_token(key) == user
    token.refresh_from_db()
    assert token.last_used is not None


def test_only_the_hash_of_the_key_is_stored():
    token, key = issue_token(make_user(), "script")
    assert key.startswith("fab_")
    assert key not in {token.key_hash, token.prefix, token.name}
    assert token.key_hash == ApiToken.hash_key(key)


@pytest.mark.parametrize(
    "key", ["", "fab_", "fab_unknown", "not-a-token", "fab_" + "x" * 500, None]
)
def test_unknown_or_malformed_keys_authenticate_nobody(key):
    issue_token(make_user(), "script")
    assert authenticate_token(key) is None


def test_a_revoked_token_no_longer_authenticates():
    user = make_user()
    token, key = issue_token(user, "script")
    assert revoke_token(user, token.pk)
    assert authenticate_token(key) is None


def test_nobody_revokes_another_person_s_token():
    owner = make_user()
    token, key = issue_token(owner, "script")
    assert not revoke_token(make_user(), token.pk)
    assert authenticate_token(key) == owner


def test_tokens_of_an_inactive_or_deleted_account_do_not_authenticate():
    user = make_user()
    _token, key = issue_token(user, "script")
    user.is_active = False
    user.save()
    assert authenticate_token(key) is None
    other = make_user()
    _token, other_key = issue_token(other, "script")
    delete_account(other)
    assert authenticate_token(other_key) is None


def test_last_use_is_written_at_most_once_a_minute():
    user = make_user()
    token, key = issue_token(user, "script")
    recent = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used=recent)
    authenticate_token(key)
    token.refresh_from_db()
    assert token.last_used == recent
    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used=old)
    authenticate_token(key)
    token.refresh_from_db()
    assert token.last_used > old


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_reasonable_name(name):
    with pytest.raises(TokenError):
        issue_token(make_user(), name)


def test_the_number_of_tokens_per_account_is_bounded():
    user = make_user()
    for number in range(MAX_TOKENS_PER_USER):
        issue_token(user, f"token {number}")
    with pytest.raises(TokenError, match=str(MAX_TOKENS_PER_USER)):
        issue_token(user, "one too many")
