"""Transport datasets (SPEC §5): datasets, resources, versions, validation jobs.

A dataset *is* a commons of kind *data*: its title, slug, licence, summary
and description live on :class:`fabrique.catalog.models.Commons` and are
edited through the catalogue's services, so revisions, activity and search
follow. Files live on disk under ``settings.TRANSPORT_STORE`` (layout in
:mod:`fabrique.transport.storage`).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.core.activity import VERBS
from fabrique.core.permissions import can_edit, edit_rule, is_commons_holder
from fabrique.transport import storage

# How this app's activity reads in the streams ("Camille <verb> · 2 hours ago").
VERBS.setdefault("transport_resource_added", _("added a transport resource"))
VERBS.setdefault(
    "transport_version_published", _("published a new version of the data")
)


class Dataset(models.Model):
    commons = models.OneToOneField(
        "catalog.Commons",
        on_delete=models.CASCADE,
        related_name="transport_dataset",
        verbose_name=_("commons"),
    )
    publisher = models.ForeignKey(
        "catalog.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transport_datasets",
        verbose_name=_("publisher"),
    )
    coverage = models.CharField(_("coverage"), max_length=200, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)
    # Denormalised from the latest ready GTFS version, for the list's filters.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    has_errors = models.BooleanField(_("has errors"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("transport dataset")
        verbose_name_plural = _("transport datasets")
        indexes = [
            models.Index(fields=["valid_until"]),
            models.Index(fields=["has_errors"]),
        ]

    def __str__(self) -> str:
        return self.commons.title

    def get_absolute_url(self) -> str:
        return reverse("transport:dataset", args=[self.commons.slug])

    @property
    def title(self) -> str:
        return self.commons.title

    @property
    def slug(self) -> str:
        return self.commons.slug

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if None in (self.min_lon, self.min_lat, self.max_lon, self.max_lat):
            return None
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)  # type: ignore[return-value]


class ResourceFormat(models.TextChoices):
    GTFS = "gtfs", "GTFS"
    GTFS_RT = "gtfs-rt", "GTFS-RT"
    GBFS = "gbfs", "GBFS"
    NETEX = "netex", "NeTEx"
    OTHER = "other", _("other")


class Resource(models.Model):
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(
        _("format"), max_length=10, choices=ResourceFormat, default=ResourceFormat.GTFS
    )
    # Empty: versions come from uploads only.
    url = models.URLField(_("address"), max_length=1000, blank=True)
    fetch_every_hours = models.PositiveIntegerField(
        _("fetch every (hours)"), null=True, blank=True
    )
    next_fetch_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_fetch_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title

    def latest_version(self) -> Version | None:
        return self.versions.order_by("-number").first()

    def latest_ready_version(self) -> Version | None:
        return (
            self.versions.filter(status=VersionStatus.READY).order_by("-number").first()
        )


class VersionSource(models.TextChoices):
    UPLOAD = "upload", _("upload")
    URL = "url", _("address")


class VersionStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    VALIDATING = "validating", _("validating")
    INGESTING = "ingesting", _("ingesting")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class Version(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(_("size"), default=0)
    filename = models.CharField(_("file name"), max_length=255)
    source = models.CharField(
        _("source"), max_length=8, choices=VersionSource, default=VersionSource.UPLOAD
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transport_versions",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus, default=VersionStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Against the previous ready version of the same resource.
    diff = models.JSONField(null=True, blank=True)
    # Last sign of life of the check (queued, or a worker's heartbeat while it
    # runs) and how many runs were started: a run whose worker died is taken
    # again, a bounded number of times (fabrique.transport.recovery).
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Times the original file was downloaded from the site.
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        ordering = ["resource", "-number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="transport_version_number"
            ),
            models.UniqueConstraint(
                fields=["resource", "sha256"], name="transport_version_sha256"
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("transport:version", args=[self.pk])

    @property
    def directory(self) -> Path:
        return storage.version_dir(self.pk)

    @property
    def is_pending(self) -> bool:
        return self.status in (
            VersionStatus.QUEUED,
            VersionStatus.VALIDATING,
            VersionStatus.INGESTING,
        )

    @property
    def progress_text(self) -> str:
        return progress_text(self.progress_message)

    @property
    def is_stale(self) -> bool:
        """Pending with no sign of life for a lease: its check can be retried."""
        return self.is_pending and is_stale(self.heartbeat or self.created)

    @property
    def original_path(self) -> Path:
        return self.directory / storage.original_name(self.filename)


#: Stored progress message of a check the task queue did not take (yet).
WAITING_FOR_QUEUE = "Waiting for the task queue"
#: Progress messages as stored (English), and how they read on a page.
PROGRESS_TEXTS = {
    "Waiting for a worker": _("Waiting for a worker"),
    "Opening the feed": _("Opening the feed"),
    "opening the feed": _("Opening the feed"),
    "Storing the feed": _("Storing the feed"),
    "Preparing departures": _("Preparing departures"),
    "Summarising": _("Summarising"),
    "Drawing the map": _("Drawing the map"),
    "Counting trips by day": _("Counting trips by day"),
    "Ready": _("Ready"),
    "Failed": _("Failed"),
    "Checking": _("Checking"),
    "Stored, not checked": _("Stored, not checked"),
    "Waiting for a worker (new attempt)": _("Waiting for a worker (new attempt)"),
    WAITING_FOR_QUEUE: _(
        "Waiting for the task queue, which does not answer: the check starts "
        "as soon as it is back"
    ),
}
PROGRESS_PREFIXES = (
    ("reading ", _("Reading %(name)s")),
    ("checking ", _("Checking: %(name)s")),
    ("storing ", _("Storing %(name)s")),
    ("Checked; not stored, missing: ", _("Checked; not stored, missing: %(name)s")),
)


def progress_text(message: str) -> str:
    """A stored progress message in the visitor's language."""
    if message in PROGRESS_TEXTS:
        return str(PROGRESS_TEXTS[message])
    for prefix, text in PROGRESS_PREFIXES:
        if message.startswith(prefix):
            name = message.removeprefix(prefix)
            if prefix == "checking ":
                name = name.replace("_", " ")
            return str(text) % {"name": name}
    return message


def lease() -> timedelta:
    """How long a running check may go without a heartbeat before it is
    considered dead (``TRANSPORT_TASK_LEASE`` seconds)."""
    return timedelta(seconds=int(settings.TRANSPORT_TASK_LEASE))


def heartbeat_every() -> float:
    """Seconds between two heartbeats of a run: several within a lease."""
    return min(5.0, lease().total_seconds() / 4)


def is_stale(last_sign: datetime | None) -> bool:
    return last_sign is None or last_sign < timezone.now() - lease()


class ReuseKind(models.TextChoices):
    APPLICATION = "application", _("application")
    MAP = "map", _("map or visualisation")
    API = "api", _("API or service")
    RESEARCH = "research", _("study or research")
    ARTICLE = "article", _("article")
    OTHER = "other", _("other")


class Reuse(models.Model):
    """A reuse of a dataset declared by someone: what, where, of which kind."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="reuses"
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=1000)
    kind = models.CharField(
        _("kind"), max_length=12, choices=ReuseKind, default=ReuseKind.APPLICATION
    )
    # Who made it (a person, a company, a lab), as the declarer wrote it.
    by = models.CharField(_("made by"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transport_reuses",
    )
    created = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "url"], name="transport_reuse_url"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.dataset.get_absolute_url()}#reuses"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ValidationJob(models.Model):
    """An on-demand validation: no account, kept until ``expires_at``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    progress_message = models.CharField(max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    source_url = models.URLField(_("address"), max_length=1000, blank=True)
    size = models.BigIntegerField(_("size"), default=0)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
    # Who sent it, as a digest of the client's address (never the address):
    # a client has at most TRANSPORT_VALIDATIONS_PER_CLIENT jobs unfinished.
    client = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("validation job")
        verbose_name_plural = _("validation jobs")

    def __str__(self) -> str:
        return str(self.id)

    @property
    def directory(self) -> Path:
        return storage.job_dir(self.id)


# Who may add resources and versions: the dataset's holders and its
# publisher's members (moderators too, as everywhere).
@edit_rule(Dataset)
def _dataset_rule(user: Any, obj: Dataset) -> bool:
    if obj.commons.hidden:
        return False
    if is_commons_holder(user, obj.commons):
        return True
    return bool(
        obj.publisher_id is not None
        and obj.publisher is not None
        and obj.publisher.members.filter(user=user).exists()
    )


@edit_rule(Resource)
def _resource_rule(user: Any, obj: Resource) -> bool:
    return can_edit(user, obj.dataset)


@edit_rule(Version)
def _version_rule(user: Any, obj: Version) -> bool:
    return can_edit(user, obj.resource.dataset)


class RealtimeFetch(models.Model):
    """One fetch of a GTFS-RT resource: what came back and what its check found.

    Kept ``TRANSPORT_REALTIME_KEEP_DAYS`` days (30 by default) for the
    resource page's charts; the last body is kept on disk for the proxy.
    """

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="realtime_fetches"
    )
    fetched_at = models.DateTimeField(default=timezone.now)
    # When the next fetch may happen (the period, or the feed's max-age).
    next_after = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    size = models.PositiveIntegerField(default=0)
    header_time = models.DateTimeField(null=True, blank=True)
    # Seconds between the header timestamp and the fetch.
    age_seconds = models.IntegerField(null=True, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    entities = models.PositiveIntegerField(default=0)
    trip_updates = models.PositiveIntegerField(default=0)
    vehicles = models.PositiveIntegerField(default=0)
    alerts = models.PositiveIntegerField(default=0)
    # Notice code -> count for this fetch.
    rule_counts = models.JSONField(default=dict, blank=True)
    validation_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-fetched_at", "-pk"]
        verbose_name = _("real-time fetch")
        verbose_name_plural = _("real-time fetches")
        indexes = [models.Index(fields=["resource", "-fetched_at"])]

    def __str__(self) -> str:
        return f"{self.resource_id} @ {self.fetched_at:%Y-%m-%d %H:%M:%S}"
