"""The network of instances (SPEC §7): what this instance publishes, what it
harvests, and where each harvested commons comes from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Commons


class ChangeEntry(models.Model):
    """One line of the change feed: the latest change of one commons.

    The feed is compacted: a commons has one entry, moved to the end (a new
    ``seq``) at each change, so a walk from 0 is the whole catalogue and a
    walk from a cursor is what changed since. A deleted (or hidden) commons
    leaves a tombstone, kept ``FEDERATION_TOMBSTONE_DAYS``.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")

    seq = models.BigAutoField(primary_key=True)
    uri = models.CharField(max_length=500, db_index=True)
    commons = models.ForeignKey(
        Commons,
        null=True,
        blank=True,
        # The entry outlives its commons (a tombstone names it by URI).
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(max_length=6, choices=Action)
    origin_instance = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.uri}"


class FeedHorizon(models.Model):
    """The last ``seq`` pruned from the feed: a cursor below it is too old
    (its harvester must resync from 0)."""

    seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.seq)


class RemoteInstance(models.Model):
    """Another instance (or portal) this one harvests, as it describes itself."""

    url = models.URLField(_("address"), max_length=500, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    languages = models.JSONField(default=list, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    licence = models.CharField(_("data licence"), max_length=64, blank=True)
    version = models.CharField(max_length=40, blank=True)
    public_key = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    checked = models.DateTimeField(null=True, blank=True)
    healthy = models.BooleanField(default=False)
    problem = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name", "url"]
        verbose_name = _("instance")
        verbose_name_plural = _("instances")

    def __str__(self) -> str:
        return self.name or self.url


class SourceKind(models.TextChoices):
    FABRIQUE = "fabrique", _("Fabrique instance")
    DCAT = "dcat", _("DCAT-AP catalogue")
    UDATA = "udata", _("udata portal")
    CKAN = "ckan", _("CKAN portal")


class HarvestSource(models.Model):
    """A catalogue harvested on a schedule, configured by an administrator."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind)
    every_seconds = models.PositiveIntegerField(
        _("harvest every (seconds)"), default=3600
    )
    filter_kinds = models.JSONField(_("only these kinds"), default=list, blank=True)
    filter_themes = models.JSONField(_("only these themes"), default=list, blank=True)
    filter_licences = models.JSONField(
        _("only these licences"), default=list, blank=True
    )
    delete_missing = models.BooleanField(
        _("delete the commons missing from a full harvest"), default=True
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    instance = models.ForeignKey(
        RemoteInstance,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sources",
    )
    cursor = models.BigIntegerField(default=0, help_text="change feed position")
    next_run = models.DateTimeField(null=True, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")

    def __str__(self) -> str:
        return self.name


class HarvestRun(models.Model):
    """What one harvest of a source did (or, dry, would do)."""

    source = models.ForeignKey(
        HarvestSource, on_delete=models.CASCADE, related_name="runs"
    )
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    full = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)
    requests = models.PositiveIntegerField(default=0)
    bytes = models.BigIntegerField(default=0)
    duration = models.FloatField(default=0)
    stopped = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.source} {self.started:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return not self.stopped and not self.failed


class RemoteCommons(models.Model):
    """A commons harvested from elsewhere: its identity is its origin URI."""

    commons = models.OneToOneField(
        Commons, on_delete=models.CASCADE, related_name="remote"
    )
    origin_uri = models.CharField(_("origin"), max_length=500, unique=True)
    origin_instance = models.CharField(_("origin instance"), max_length=500)
    origin_name = models.CharField(max_length=200, blank=True)
    origin_page = models.URLField(max_length=500, blank=True)
    source = models.ForeignKey(
        HarvestSource, null=True, on_delete=models.SET_NULL, related_name="commons"
    )
    contributors = models.JSONField(default=list, blank=True)
    ledger = models.JSONField(default=list, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("remote commons")
        verbose_name_plural = _("remote commons")
        indexes = [models.Index(fields=["source", "last_seen"])]

    def __str__(self) -> str:
        return self.origin_uri


class Fork(models.Model):
    """A local commons started from a remote one (``prov:wasDerivedFrom``)."""

    commons = models.OneToOneField(
        Commons, on_delete=models.CASCADE, related_name="fork_of"
    )
    derived_from = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.derived_from


class LinkedAccount(models.Model):
    """An account of this instance linked to the same person's account on
    another instance, proved by a claim signed by that instance's key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    actor_uri = models.CharField(_("account elsewhere"), max_length=500)
    instance_url = models.CharField(_("instance"), max_length=500)
    linked = models.DateTimeField(auto_now_add=True)
    #: What that instance publishes about the person (``people.document``):
    #: roles in communities and public badges, read again at each harvest.
    roles = models.JSONField(default=list, blank=True)
    badges = models.JSONField(default=list, blank=True)
    checked = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "actor_uri"], name="linked_account_unique"
            )
        ]

    def __str__(self) -> str:
        return self.actor_uri
