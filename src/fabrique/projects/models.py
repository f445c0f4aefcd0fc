"""Projects, the contribution ledger and funding (SPEC §3).

A project of an entrepreneur (or a partner's transition) gets the platform's
resources in exchange for contributing to commons: it records the commons it
uses and those it contributes to. The ledger says who contributed what to
which commons or challenge, with evidence, confirmed by a holder. Funders
pledge and grant money to commons.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Actor, Commons
from fabrique.community.models import Challenge


class Project(models.Model):
    class Kind(models.TextChoices):
        STARTUP = "startup", _("entrepreneur's project")
        TRANSITION = "transition", _("partner's transition")
        INDUSTRY = "industry", _("industrial partner's project")
        TERRITORY = "territory", _("territory's project")
        LAB = "lab", _("lab's project")

    class Accompaniment(models.TextChoices):
        APPLIED = "applied", _("applied")
        ACCOMPANIED = "accompanied", _("accompanied")
        ALUMNI = "alumni", _("alumni")
        ENDED = "ended", _("ended")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    actor = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("carried by"),
    )
    accompaniment = models.CharField(
        _("accompaniment"),
        max_length=12,
        choices=Accompaniment,
        default=Accompaniment.APPLIED,
    )
    uses = models.ManyToManyField(
        Commons, blank=True, related_name="used_by_projects", verbose_name=_("uses")
    )
    contributes_to = models.ManyToManyField(
        Commons,
        blank=True,
        related_name="contributing_projects",
        verbose_name=_("contributes to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects_created",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.slug])


class ContributionKind(models.TextChoices):
    CODE = "code", _("code")
    DATA = "data", _("data")
    DOCUMENTATION = "documentation", _("documentation")
    TESTING = "testing", _("testing")
    DESIGN = "design", _("design")
    FACILITATION = "facilitation", _("facilitation")
    FUNDING = "funding", _("funding")


class Contribution(models.Model):
    """One entry of the ledger: who gave what to a commons or a challenge."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a holder")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        REVOKED = "revoked", _("revoked")

    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    actor = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("on behalf of"),
    )
    kind = models.CharField(_("kind"), max_length=14, choices=ContributionKind)
    commons = models.ForeignKey(
        Commons,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    challenge = models.ForeignKey(
        Challenge,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    description = models.CharField(_("what was done"), max_length=300)
    evidence_url = models.URLField(_("evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions_confirmed",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    automatic = models.BooleanField(
        _("recorded automatically"), default=False, editable=False
    )
    source = models.CharField(max_length=40, blank=True, editable=False)
    # Automatic entries of edits: the latest revision they stand for (edits
    # merged within a window share one entry) and the size of what changed.
    revision = models.ForeignKey(
        "core.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    words_added = models.PositiveIntegerField(default=0, editable=False)
    words_removed = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commons__isnull=False)
                | models.Q(challenge__isnull=False),
                name="contribution_has_target",
            ),
        ]
        indexes = [
            models.Index(fields=["commons", "status", "created"]),
            models.Index(fields=["contributor", "created"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.contributor_id} ({self.status})"


CURRENCY = RegexValidator(
    r"^[A-Z]{3}$", _("A currency is an ISO 4217 code such as EUR.")
)


class ContributionEvent(models.Model):
    """One step in the life of a ledger entry, kept for good: who recorded,
    confirmed, declined, disputed or revoked it, when, and why."""

    class Action(models.TextChoices):
        RECORDED = "recorded", _("recorded")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        DISPUTED = "disputed", _("disputed")
        REVOKED = "revoked", _("revoked")

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("step of a contribution")
        verbose_name_plural = _("steps of contributions")

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.contribution_id}"


class Funding(models.Model):
    """A funder's pledge (promised) or grant (paid) to a commons."""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("pledge")
        GRANT = "grant", _("grant")

    funder = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="fundings")
    commons = models.ForeignKey(
        Commons, on_delete=models.CASCADE, related_name="fundings"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[CURRENCY]
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    date = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fundings_recorded",
    )
    # A client's key for one record: sending it again returns that record.
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    # A grant paid on a pledge: the pledge's open amount goes down by as much.
    pledge = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("paid on the pledge"),
    )
    # A grant counts as received once a holder of the commons says so.
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="funding_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="funding_idempotency_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["commons", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} to {self.commons_id}"

    @property
    def received(self) -> bool:
        return self.kind == self.Kind.GRANT and self.acknowledged_at is not None


def receipt_path(instance: Expense, filename: str) -> str:
    return f"receipts/{instance.grant.commons_id}/{filename}"


class Expense(models.Model):
    """Money of a grant spent by the receiving commons, with its proof: a
    receipt (PDF, PNG or JPEG, checked by content) or a link to one."""

    grant = models.ForeignKey(
        Funding, on_delete=models.CASCADE, related_name="expenses"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))
    purpose = models.CharField(_("what it paid for"), max_length=300)
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, blank=True)
    receipt_url = models.URLField(_("link to the receipt"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expenses_recorded",
    )
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="expense_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="expense_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"expense {self.amount} of grant {self.grant_id}"


# The ecosystem's graph and dashboard tables live in their own module.
from fabrique.projects.ecosystem_models import EcosystemCount, GraphEdge  # noqa: E402

__all__ = [
    "Contribution",
    "ContributionKind",
    "EcosystemCount",
    "Expense",
    "Funding",
    "GraphEdge",
    "Project",
]


class ContractReview(models.Model):
    """A holder of a commons in a project's contract says whether what the
    project states of it holds: acknowledged, or contested with a reason.
    One review a project and commons; the latest word replaces the last."""

    class Status(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        CONTESTED = "contested", _("contested")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="contract_reviews"
    )
    commons = models.ForeignKey(
        Commons, on_delete=models.CASCADE, related_name="contract_reviews"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "commons"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "commons"], name="contract_review_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="contested") | ~models.Q(reason=""),
                name="contract_contest_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.project_id} on {self.commons_id}"
