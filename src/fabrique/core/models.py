"""Objects shared by every app: revisions, activity, follows, discussions,
moderation reports and the audit log.

They point at their subject through a generic foreign key, so a commons, an
actor, a challenge or a project all get history, discussions and activity the
same way.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class GenericTarget(models.Model):
    """Abstract base: a link to any object (content type + primary key)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True


class Revision(GenericTarget):
    """One saved state of a revisioned object: full content, author, comment."""

    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
        verbose_name=_("author"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    content = models.JSONField(_("content"))
    reverted_from = models.PositiveIntegerField(_("reverted from"), null=True)

    class Meta:
        ordering = ["content_type", "object_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"],
                name="revision_number_unique",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "number"])]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} r{self.number}"


class Activity(GenericTarget):
    """Who did what to which object, and when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    verb = models.CharField(max_length=40)
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created"])]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.content_type_id}:{self.object_id}"


class Follow(GenericTarget):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="follow_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.content_type_id}:{self.object_id}"


class Discussion(GenericTarget):
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="discussions",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    closed = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["-updated"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    body = models.TextField(_("message"))
    created = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.discussion_id}"


class Report(GenericTarget):
    """A moderation report on any object (commons, message, actor, ...)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        HIDDEN = "hidden", _("hidden")
        DISMISSED = "dismissed", _("dismissed")
        RESTORED = "restored", _("restored")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.status})"


class AuditLog(GenericTarget):
    """Moderation and permission-sensitive actions; never deleted."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.action} on {self.content_type_id}:{self.object_id}"


class Version(models.Model):
    """A version of cached things on SQLite (``fabrique.core.versions``; on
    PostgreSQL each version is a sequence instead)."""

    name = models.CharField(max_length=30, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.value}"


# The search index tables (documents, facets) live with the search package.
from fabrique.core.search.models import (  # noqa: E402, F401
    SearchDocument,
    SearchEntry,
    SearchFacet,
    SearchFacetTotal,
)
