"""E-mail confirmation at sign-up.

A new account is created inactive; a link sent to its e-mail address makes
it active and signs the person in. The link carries a token of Django's
password-reset kind, salted for this use and bound to the account's state:
it works once (the account is active afterwards) and for
``PASSWORD_RESET_TIMEOUT`` seconds. Accounts created otherwise (the demo,
administrators, the command line) are active from the start.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode

from fabrique.accounts.models import User


class _ConfirmationTokens(PasswordResetTokenGenerator):
    key_salt = "fabrique.accounts.confirmation"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # Once the account is active (or its address changed) the link is spent.
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


tokens = _ConfirmationTokens()


def confirmation_path(user: User, next_url: str = "") -> str:
    path = reverse(
        "accounts:signup_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": tokens.make_token(user),
        },
    )
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def send_confirmation(request: HttpRequest, user: User, next_url: str = "") -> None:
    """Send the link that activates ``user``'s new account."""
    context = {
        "user": user,
        "site_name": request.get_host(),
        "link": request.build_absolute_uri(confirmation_path(user, next_url)),
    }
    subject = render_to_string("accounts/email/confirm_subject.txt", context)
    body = render_to_string("accounts/email/confirm_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def confirm(uidb64: str, token: str) -> User | None:
    """Activate the account the link names; None if the link is not valid."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.get(pk=pk, deleted=False)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if user.is_active or not tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    # The address is now confirmed: an OpenID Connect provider asserting it
    # as verified may be joined to this account (accounts.adapters).
    EmailAddress.objects.update_or_create(
        user=user,
        email=user.email,
        defaults={"verified": True, "primary": True},
    )
    return user
