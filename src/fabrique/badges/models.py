"""Badge classes, awards, nominations, endorsements, issuers and their keys.

Nothing about a recipient is public unless the recipient allows it: an award
is private until its recipient accepts it and makes it public.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Actor


def _key() -> str:
    return secrets.token_urlsafe(12)


class Issuer(models.Model):
    """Who issues badges: the instance (no actor) or one of its organisations."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    actor = models.OneToOneField(
        Actor,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="badge_issuer",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("badge issuer")
        verbose_name_plural = _("badge issuers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_instance(self) -> bool:
        return self.actor_id is None


class SigningKey(models.Model):
    """An Ed25519 key of an issuer; rotated keys stay listed to verify old badges."""

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="keys")
    fragment = models.CharField(max_length=40)
    public_multikey = models.CharField(max_length=80)
    secret_multikey = models.CharField(max_length=80, editable=False)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    retired = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "fragment"], name="badge_key_fragment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} #{self.fragment}"


class BadgeKind(models.TextChoices):
    SKILL = "skill", _("skill")
    BEHAVIOUR = "behaviour", _("behaviour")
    PARTICIPATION = "participation", _("participation")


class BadgeClass(models.Model):
    """An achievement the instance or an organisation recognises."""

    class Rule(models.TextChoices):
        NONE = "", _("no rule: awarded by hand or by nomination")
        FIRST_CONTRIBUTION = "first_contribution", _("first confirmed contribution")
        FIRST_DOCUMENTATION = (
            "first_documentation",
            _("first confirmed documentation contribution"),
        )
        CONTRIBUTIONS = "contributions", _("N confirmed contributions")
        EXPERIMENTS_WITH_FEEDBACK = (
            "experiments_with_feedback",
            _("N experiments that received feedback"),
        )

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="badge_classes"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("criteria"))
    rule = models.CharField(
        _("rule"), max_length=40, choices=Rule, default=Rule.NONE, blank=True
    )
    rule_count = models.PositiveSmallIntegerField(_("N of the rule"), default=1)
    kind = models.CharField(_("kind"), max_length=14, choices=BadgeKind)
    skills = models.JSONField(
        _("skills"), default=list, blank=True, help_text="codes of the skills taxonomy"
    )
    image = models.ImageField(_("image"), upload_to="badges/", blank=True)
    colour = models.CharField(max_length=7, default="#1f6f5c")
    nominations_open = models.BooleanField(_("members may nominate"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("badge class")
        verbose_name_plural = _("badge classes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("badges:badge_class", args=[self.slug])


class Award(models.Model):
    """One badge given to one person, with its evidence and its state."""

    class Via(models.TextChoices):
        HAND = "hand", _("by hand")
        RULE = "rule", _("by a rule on the contribution ledger")
        NOMINATION = "nomination", _("by peer nomination")

    key = models.SlugField(max_length=40, unique=True, default=_key, editable=False)
    badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="awards"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    via = models.CharField(_("awarded"), max_length=12, choices=Via)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="badge_awards_given",
    )
    evidence_url = models.URLField(_("evidence"), blank=True)
    evidence = models.CharField(_("what it recognises"), max_length=300, blank=True)
    # Where the recognised work happened (shown on that page when public).
    commons = models.ForeignKey(
        "catalog.Commons",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="badge_awards",
    )
    challenge = models.ForeignKey(
        "community.Challenge",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="badge_awards",
    )
    issued = models.DateTimeField()
    salt = models.CharField(max_length=32, default=_key, editable=False)
    status_index = models.PositiveIntegerField(unique=True)
    accepted = models.BooleanField(_("accepted by the recipient"), default=False)
    public = models.BooleanField(_("shown publicly"), default=False)
    revoked = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(
        _("reason for revoking"), max_length=300, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "recipient"], name="badge_award_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.badge} → {self.recipient_id}"

    def get_absolute_url(self) -> str:
        return reverse("badges:award", args=[self.key])

    @property
    def shown(self) -> bool:
        """Visible to everyone: accepted, made public, not revoked."""
        return self.accepted and self.public and self.revoked is None


class Nomination(models.Model):
    """A member proposes someone for a behaviour badge; others second it."""

    badge = models.ForeignKey(
        BadgeClass, on_delete=models.CASCADE, related_name="nominations"
    )
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=500)
    created = models.DateTimeField(auto_now_add=True)
    award = models.OneToOneField(
        Award, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "nominee"],
                condition=models.Q(award__isnull=True),
                name="badge_one_open_nomination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.badge} for {self.nominee_id}"


class Second(models.Model):
    """A member seconds a nomination."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="seconds"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "by"], name="badge_second_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.by_id} seconds {self.nomination_id}"


class Endorsement(models.Model):
    """An organisation vouches for a badge class or an award."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    badge = models.ForeignKey(
        BadgeClass,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    award = models.ForeignKey(
        Award,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    comment = models.CharField(_("comment"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.actor_id} endorses {self.badge_id or self.award_id}"


class ExternalBadge(models.Model):
    """A badge from another issuer or instance that a member verified and keeps."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_badges",
    )
    payload = models.TextField(editable=False)
    version = models.CharField(max_length=8)
    achievement = models.CharField(max_length=300)
    issuer = models.CharField(max_length=500)
    issuer_name = models.CharField(max_length=300, blank=True)
    public = models.BooleanField(_("shown on my profile"), default=False)
    checked = models.DateTimeField()

    class Meta:
        ordering = ["-checked"]

    def __str__(self) -> str:
        return f"{self.achievement} ({self.issuer})"


class PinnedDocument(models.Model):
    """A trusted copy of another issuer's document (DID, profile, status list).

    The verification page reads these instead of fetching anything.
    """

    url = models.URLField(max_length=500, unique=True)
    document = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.url
