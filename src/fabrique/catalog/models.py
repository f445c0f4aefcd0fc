"""The commons catalogue (SPEC §1): commons, actors, themes, needs, memberships."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def theme_label(name: str, name_en: str) -> str:
    """A theme's name in the current language, from its two names."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class Theme(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:theme", args=[self.slug])

    @property
    def label(self) -> str:
        """The theme's name in the current language (its English name on the
        English site when it has one)."""
        return theme_label(self.name, self.name_en)


class Kind(models.TextChoices):
    DATA = "data", _("open data")
    SOFTWARE = "software", _("software")
    HARDWARE = "hardware", _("hardware")
    KNOWLEDGE = "knowledge", _("knowledge")
    SERVICE = "service", _("service")


class Maturity(models.TextChoices):
    IDEA = "idea", _("idea")
    PROTOTYPE = "prototype", _("prototype")
    BETA = "beta", _("beta")
    PRODUCTION = "production", _("in production")
    ARCHIVED = "archived", _("archived")


class Revisioned(models.Model):
    """Abstract base of objects whose every save is a revision.

    ``revision`` is the number of the latest revision; a save based on an older
    number is an edit conflict (see ``fabrique.core.revisions``).
    """

    revision = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        abstract = True


class Commons(Revisioned):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="commons", verbose_name=_("themes")
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    licence = models.CharField(_("licence (SPDX)"), max_length=64, blank=True)
    maturity = models.CharField(
        _("maturity"), max_length=12, choices=Maturity, default=Maturity.IDEA
    )
    repository_url = models.URLField(_("repository"), blank=True)
    documentation_url = models.URLField(_("documentation"), blank=True)
    demo_url = models.URLField(_("demo"), blank=True)
    download_url = models.URLField(_("download"), blank=True)
    pillar_resource = models.TextField(_("resource"), blank=True)
    pillar_community = models.TextField(_("community"), blank=True)
    pillar_governance = models.TextField(_("governance"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commons_created",
    )

    REVISION_FIELDS = (
        "title", "slug", "summary", "description", "kind", "tags", "licence",
        "maturity", "repository_url", "documentation_url", "demo_url",
        "download_url", "pillar_resource", "pillar_community", "pillar_governance",
    )  # fmt: skip
    REVISION_M2M = ("themes",)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("commons")
        verbose_name_plural = _("commons")
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["maturity"]),
            models.Index(fields=["licence"]),
            # The DCAT catalogue's pages walk the visible commons by id: an
            # index-only scan of this one, instead of the rows themselves.
            models.Index(
                fields=["id"],
                condition=models.Q(hidden=False),
                name="catalog_commons_visible_id",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:commons", args=[self.slug])


class CommonsImage(models.Model):
    commons = models.ForeignKey(
        Commons, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("image"), upload_to="commons/%Y/%m/")
    alt = models.CharField(_("text alternative"), max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.alt


class ActorType(models.TextChoices):
    STARTUP = "startup", _("start-up")
    INDUSTRY = "industry", _("industry")
    TERRITORY = "territory", _("territory")
    LAB = "lab", _("lab")
    ASSOCIATION = "association", _("association")
    PUBLIC_BODY = "public_body", _("public body")
    FUNDER = "funder", _("funder")
    PERSON = "person", _("person")


class Actor(Revisioned):
    """An organisation or a person of the ecosystem."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    is_organisation = models.BooleanField(_("organisation"), default=True)
    type = models.CharField(_("type"), max_length=12, choices=ActorType)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person_actor",
        help_text="for a person: the account it belongs to",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actors_created",
    )

    REVISION_FIELDS = (
        "name", "slug", "is_organisation", "type", "summary", "description",
        "website", "skills",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        indexes = [models.Index(fields=["type"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:actor", args=[self.slug])


class Place(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    def __str__(self) -> str:
        return self.name


class ActorMember(models.Model):
    """A user who belongs to an organisation actor and may act on its behalf."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisations"
    )
    role = models.CharField(max_length=8, choices=Role, default=Role.MEMBER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "user"], name="actor_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.actor_id}"


class Need(models.Model):
    """What help a commons seeks."""

    class HelpKind(models.TextChoices):
        SKILLS = "skills", _("skills")
        DATA = "data", _("data")
        FUNDING = "funding", _("funding")
        TESTERS = "testers", _("testers")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        MET = "met", _("met")
        CLOSED = "closed", _("closed")

    commons = models.ForeignKey(Commons, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("what is needed"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    help_kind = models.CharField(_("kind of help"), max_length=10, choices=HelpKind)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title


class CommunityMembership(models.Model):
    """A person (optionally on behalf of an actor) in a commons' community.

    requested → active → left; a holder approves requests. The first holder of
    a commons is its creator.
    """

    class Role(models.TextChoices):
        HOLDER = "holder", _("holder")
        CONTRIBUTOR = "contributor", _("contributor")
        USER = "user", _("user")
        FUNDER = "funder", _("funder")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", _("active")
        LEFT = "left", _("left")
        DECLINED = "declined", _("declined")

    commons = models.ForeignKey(
        Commons, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    actor = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.REQUESTED
    )
    message = models.TextField(_("message"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_memberships",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["role", "created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(actor__isnull=False),
                name="membership_has_member",
            ),
        ]
        indexes = [models.Index(fields=["commons", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.role} of {self.commons_id} ({self.status})"

    @property
    def member_name(self) -> str:
        if self.actor_id:
            return str(self.actor)
        return self.user.public_name if self.user else str(_("deleted user"))


class ImportSource(models.Model):
    """Where an imported commons came from, so that importing again updates it.

    ``uri`` is the address the metadata was read from (or ``upload:<name>``),
    ``key`` tells apart the commons of one source that holds several (a DCAT
    catalogue: the dataset's identifier), empty otherwise.
    """

    commons = models.ForeignKey(
        Commons, on_delete=models.CASCADE, related_name="import_sources"
    )
    uri = models.CharField(_("source"), max_length=500)
    key = models.CharField(max_length=500, blank=True, default="")
    format = models.CharField(_("format"), max_length=20)
    imported = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["uri", "key"], name="import_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.format} {self.uri}"
