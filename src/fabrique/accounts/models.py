from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account.

    Public fields: display name, bio, city, website, skills. Private fields
    (never shown to others, never in dumps): e-mail, names, phone.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        MODERATOR = "moderator", _("moderator")
        ADMIN = "admin", _("administrator")

    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.MEMBER)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    bio = models.TextField(_("about me"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    show_city = models.BooleanField(_("show my city publicly"), default=True)
    charter_accepted_at = models.DateTimeField(
        _("charter accepted at"), null=True, blank=True
    )
    deleted = models.BooleanField(default=False)

    @property
    def public_name(self) -> str:
        if self.deleted:
            return str(_("deleted user"))
        return self.display_name or self.username

    @property
    def is_moderator(self) -> bool:
        return self.role in {self.Role.MODERATOR, self.Role.ADMIN} or self.is_superuser

    def __str__(self) -> str:
        return self.public_name


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once."""

    PREFIX = "fab_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token for ``user``; return it with the clear key."""
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=cls.hash_key(key), prefix=key[:10]
        )
        return token, key
