"""Notifications: what happened to what a person follows or takes part in.

One row per person and activity entry, written from the activity stream; the
person reads them on the site and, if they chose so, in a daily or weekly
e-mail digest. ``emailed_at`` marks what a digest already carried, so nothing
is sent twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabrique.core.models import Activity


class Frequency(models.TextChoices):
    IN_APP = "in_app", _("on the site only")
    DAILY = "daily", _("on the site and a daily e-mail digest")
    WEEKLY = "weekly", _("on the site and a weekly e-mail digest")
    NONE = "none", _("no notifications")


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    frequency = models.CharField(
        _("notify me"), max_length=8, choices=Frequency, default=Frequency.IN_APP
    )
    last_digest = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"


class Reason(models.TextChoices):
    FOLLOWING = "following", _("you follow it")
    TAKING_PART = "taking_part", _("you take part in it")
    DISCUSSION = "discussion", _("you wrote in this discussion")
    ASKED = "asked", _("you are asked to act")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="notifications"
    )
    reason = models.CharField(_("why"), max_length=12, choices=Reason)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity"], name="notification_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created"])]

    def __str__(self) -> str:
        return f"{self.user_id} ← activity {self.activity_id}"
