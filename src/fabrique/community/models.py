"""Challenges and communities (SPEC §2).

A domain of interest (*communauté d'intérêt*) gathers members and
facilitators. Inside it, field actors write needs as questions; a facilitator
splits a need into sub-domains and micro-challenges small enough for a
community of 15–20 people. People take part in a challenge as field actors,
producers or facilitators; past the challenge's cap they wait on a list and
are promoted, first come first served, when a seat frees up. Beta versions
built by producers are tried in experiments, and a delivered challenge links
to the commons it produced.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Actor, Commons, Theme
from fabrique.community.lifecycle import State
from fabrique.community.questions import validate_question

CAP_MIN = 15
CAP_MAX = 20


def default_cap() -> int:
    """The instance's community cap (``FABRIQUE_CHALLENGE_CAP``)."""
    return int(getattr(settings, "FABRIQUE_CHALLENGE_CAP", 18))


class Domain(models.Model):
    """A domain of interest: a community around a field of mobility."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="domains", verbose_name=_("themes")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="domains_created",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        ordering = ["name"]
        verbose_name = _("domain of interest")
        verbose_name_plural = _("domains of interest")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:domain", args=[self.slug])


class DomainMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        FACILITATOR = "facilitator", _("facilitator")

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="domain_memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.MEMBER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-role", "created"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "user"], name="domain_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.domain_id}"


class Need(models.Model):
    """A need written as a question by field actors, inside a domain."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(
        _("the need, as a question"), max_length=200, validators=[validate_question]
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("context"), blank=True)
    place_name = models.CharField(_("where"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_needs",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:need", args=[self.slug])


class NeedCarrier(models.Model):
    """A field actor who carries a need: a person, optionally for an actor."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="carriers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="needs_carried",
    )
    actor = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs_carried",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "user"], name="need_carrier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} carries {self.need_id}"


class SplitRequest(models.Model):
    """A carrier of a need asks the domain's facilitators to split it into
    micro-challenges; a facilitator answers by splitting it or declining."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for a facilitator")
        DONE = "done", _("split")
        DECLINED = "declined", _("declined")

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="split_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="split_requests",
    )
    message = models.TextField(_("what you would like to see split"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="split_requests_answered",
    )
    created = models.DateTimeField(auto_now_add=True)
    answered = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("request to split a need")
        verbose_name_plural = _("requests to split a need")
        constraints = [
            # One open request per need: asking again adds nothing.
            models.UniqueConstraint(
                fields=["need"],
                condition=models.Q(status="open"),
                name="split_request_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"split of {self.need_id} ({self.status})"


class SubDomain(models.Model):
    """A part of a need, as a facilitator splits it."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="subdomains")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("sub-domain")
        verbose_name_plural = _("sub-domains")

    def __str__(self) -> str:
        return self.title


class Challenge(models.Model):
    """A micro-challenge: small enough for one community of 15–20 people."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="challenges")
    subdomain = models.ForeignKey(
        SubDomain,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
        verbose_name=_("sub-domain"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    goal = models.TextField(_("goal"))
    success_criteria = models.TextField(_("success criteria"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    lon = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    cap = models.PositiveSmallIntegerField(
        _("community cap"),
        default=default_cap,
        validators=[MinValueValidator(CAP_MIN), MaxValueValidator(CAP_MAX)],
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State, default=State.PROPOSED
    )
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    commons = models.ForeignKey(
        Commons,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
        verbose_name=_("commons produced"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges_created",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("micro-challenge")
        verbose_name_plural = _("micro-challenges")
        indexes = [models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cap__gte=CAP_MIN, cap__lte=CAP_MAX),
                name="challenge_cap_bounds",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=State.CLOSED) | ~models.Q(closed_reason=""),
                name="challenge_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:challenge", args=[self.slug])


class Participation(models.Model):
    """A person in a challenge, in a role; active, waiting for a seat, or gone."""

    class Role(models.TextChoices):
        FIELD_ACTOR = "field_actor", _("field actor")
        PRODUCER = "producer", _("producer")
        FACILITATOR = "facilitator", _("facilitator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("taking part")
        WAITING = "waiting", _("waiting list")
        LEFT = "left", _("left")

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participations",
    )
    actor = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role)
    status = models.CharField(_("status"), max_length=8, choices=Status)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            # One live participation per person and challenge (a person who
            # left may come back: their old rows stay as history).
            models.UniqueConstraint(
                fields=["challenge", "user"],
                condition=models.Q(status__in=["active", "waiting"]),
                name="participation_live_unique",
            )
        ]
        indexes = [models.Index(fields=["challenge", "status", "created"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.challenge_id} ({self.status})"


class BetaVersion(models.Model):
    """A beta built by producers, tied to the commons it creates or completes."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="betas"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it does"), blank=True)
    url = models.URLField(_("where to find it"), blank=True)
    # A beta always names its commons; deleting the commons keeps the beta
    # in the challenge's history.
    commons = models.ForeignKey(
        Commons,
        null=True,
        on_delete=models.SET_NULL,
        related_name="betas",
        verbose_name=_("commons"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="betas_posted",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("beta version")
        verbose_name_plural = _("beta versions")

    def __str__(self) -> str:
        return self.title


class Experiment(models.Model):
    """Field actors try a beta in real use: where, when, with whom, how, results."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="experiments"
    )
    beta = models.ForeignKey(
        BetaVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiments",
        verbose_name=_("beta version"),
    )
    title = models.CharField(_("title"), max_length=200)
    place_name = models.CharField(_("place"), max_length=200)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    protocol = models.TextField(_("protocol"))
    results = models.TextField(_("results"), blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="experiments",
        verbose_name=_("participants"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiments_created",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts", "-id"]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gte=models.F("starts")),
                name="experiment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    """What a person observed: during an experiment, or using a beta."""

    experiment = models.ForeignKey(
        Experiment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    beta = models.ForeignKey(
        BetaVersion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("beta version"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="experiment_feedback",
    )
    body = models.TextField(_("feedback"))
    rating = models.PositiveSmallIntegerField(
        _("how well it worked (1 to 5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False, help_text="hidden by moderation")

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            # Feedback is on an experiment or on a beta, never on nothing.
            models.CheckConstraint(
                condition=models.Q(experiment__isnull=False)
                | models.Q(beta__isnull=False),
                name="feedback_has_a_subject",
            )
        ]

    def __str__(self) -> str:
        if self.experiment_id is None:
            return f"feedback {self.pk} on beta {self.beta_id}"
        return f"feedback {self.pk} on {self.experiment_id}"


class Invitation(models.Model):
    """A facilitator asks a suggested person to join a challenge in a role.

    The person hears of it alone (the invitation is not public activity) and
    accepts — joining the challenge, or its waiting list when it is full — or
    declines. One open invitation a person and challenge.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="challenge_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="challenge_invitations_sent",
    )
    role = models.CharField(_("role"), max_length=12, choices=Participation.Role)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=8, choices=Status, default=Status.PENDING
    )
    created = models.DateTimeField(auto_now_add=True)
    answered = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user"],
                condition=models.Q(status="pending"),
                name="invitation_one_open",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="facilitator"),
                name="invitation_not_as_facilitator",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation of {self.user_id} to {self.challenge_id} ({self.status})"


class SuggestionOptOut(models.Model):
    """A person who asked not to be suggested to facilitators."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="suggestion_opt_out",
    )
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} is not suggested"
