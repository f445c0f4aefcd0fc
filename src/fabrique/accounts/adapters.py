"""How django-allauth fits our accounts: who may be joined to whom."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from fabrique.accounts.models import User


def needs_second_factor(user: Any) -> bool:
    """Whether ``user`` must add a second factor before using the site."""
    return bool(
        settings.REQUIRE_2FA_FOR_STAFF
        and getattr(user, "is_authenticated", False)
        and (user.is_staff or getattr(user, "is_moderator", False))
    )


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account rules, with our pages."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin: Any) -> tuple[User, str] | None:
        """The one account whose confirmed address the provider asserts as
        verified, if there is exactly one.

        An address counts as confirmed when it was confirmed through our
        sign-up link (an allauth ``EmailAddress`` marked verified) and is
        still the account's address. An address the provider does not assert
        as verified never joins anything: the person signs in first and adds
        the provider from the profile page.
        """
        for address in sociallogin.email_addresses:
            if not address.verified or not self.can_authenticate_by_email(
                sociallogin, address.email
            ):
                continue
            holders = {
                row.user
                for row in EmailAddress.objects.filter(
                    email__iexact=address.email,
                    verified=True,
                    user__is_active=True,
                    user__deleted=False,
                ).select_related("user")
                if row.user.email.lower() == row.email.lower()
            }
            if len(holders) == 1:
                user = holders.pop()
                return user, user.email
        return None
