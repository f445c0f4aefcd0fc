"""Beta versions and experiments of a micro-challenge, and feedback on both.

Producers (and facilitators) post betas, each tied to a commons it creates or
completes; they set up experiments where field actors try a beta in real use;
field actors taking part leave feedback. The rules live here, once, for the
pages and the API.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabrique.catalog import services as catalog
from fabrique.catalog.models import Commons
from fabrique.catalog.services import normalise_text
from fabrique.community.models import (
    BetaVersion,
    Challenge,
    Experiment,
    Feedback,
    Participation,
)
from fabrique.community.services import (
    CommunityError,
    is_challenge_facilitator,
    require_signed_in,
)
from fabrique.core import activity

Role = Participation.Role
#: States in which betas and experiments may be added.
BUILDING = ("formed", "beta", "experimenting")


def _active_role(user: Any, challenge: Challenge) -> str | None:
    row = challenge.participations.filter(user=user, status="active").first()
    return row.role if row else None


def may_build(user: Any, challenge: Challenge) -> bool:
    """Producers taking part, and facilitators, post betas and experiments."""
    require_signed_in(user)
    return _active_role(user, challenge) == Role.PRODUCER or is_challenge_facilitator(
        user, challenge
    )


def _require_building(challenge: Challenge) -> None:
    if challenge.state not in BUILDING:
        raise CommunityError(
            _(
                "Betas and experiments come once the community is formed "
                "(now: %(state)s)."
            )
            % {"state": challenge.get_state_display()}
        )


def post_beta(
    challenge: Challenge,
    *,
    user: Any,
    title: str,
    description: str = "",
    url: str = "",
    commons: Commons | None = None,
    new_commons: dict[str, Any] | None = None,
) -> BetaVersion:
    """Post a beta that completes ``commons`` or creates one from ``new_commons``."""
    if not may_build(user, challenge):
        raise PermissionDenied(
            _("Only producers taking part and facilitators may post a beta.")
        )
    _require_building(challenge)
    if (commons is None) == (new_commons is None):
        raise ValidationError(
            {
                "commons": _(
                    "Name the commons this beta completes, or describe a new one."
                )
            }
        )
    with transaction.atomic():
        if new_commons is not None:
            data = {"maturity": "beta", **new_commons}
            commons = catalog.create_commons(user=user, data=data, themes=[])
        assert commons is not None
        beta = BetaVersion(
            challenge=challenge,
            title=normalise_text(title or ""),
            description=normalise_text(description or ""),
            url=normalise_text(url or ""),
            commons=commons,
            created_by=user,
        )
        beta.full_clean()
        beta.save()
        activity.record(
            challenge,
            user=user,
            verb="beta_posted",
            summary=beta.title,
            data={"beta": beta.pk, "commons": commons.pk},
        )
        activity.record(
            commons,
            user=user,
            verb="beta_posted",
            summary=f"{challenge.title}: {beta.title}",
            data={"beta": beta.pk, "challenge": challenge.pk},
        )
    return beta


EXPERIMENT_FIELDS = (
    "title", "place_name", "lat", "lon", "starts", "ends", "protocol",
)  # fmt: skip


def create_experiment(
    challenge: Challenge,
    *,
    user: Any,
    data: dict[str, Any],
    beta: BetaVersion | None = None,
) -> Experiment:
    """Set up an experiment of ``challenge`` (of one of its betas)."""
    if not may_build(user, challenge):
        raise PermissionDenied(
            _("Only producers taking part and facilitators may set up experiments.")
        )
    _require_building(challenge)
    if beta is not None and beta.challenge_id != challenge.pk:
        raise CommunityError(_("This beta belongs to another challenge."))
    unknown = set(data) - set(EXPERIMENT_FIELDS)
    if unknown:
        raise CommunityError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    values = {k: normalise_text(v) for k, v in data.items()}
    starts, ends = values.get("starts"), values.get("ends")
    if (
        isinstance(starts, datetime.date)
        and isinstance(ends, datetime.date)
        and ends < starts
    ):
        raise ValidationError({"ends": _("An experiment ends after it starts.")})
    with transaction.atomic():
        experiment = Experiment(
            challenge=challenge, beta=beta, created_by=user, **values
        )
        experiment.full_clean()
        experiment.save()
        activity.record(
            challenge,
            user=user,
            verb="experiment_created",
            summary=experiment.title,
            data={"experiment": experiment.pk},
        )
    return experiment


def join_experiment(experiment: Experiment, *, user: Any) -> None:
    """A person taking part in the challenge joins one of its experiments."""
    require_signed_in(user)
    if _active_role(user, experiment.challenge) is None:
        raise PermissionDenied(
            _("Join the challenge first to take part in its experiments.")
        )
    experiment.participants.add(user)


def record_results(experiment: Experiment, *, user: Any, results: str) -> Experiment:
    """Write down what the experiment showed."""
    if not may_build(user, experiment.challenge):
        raise PermissionDenied(
            _("Only producers taking part and facilitators may record results.")
        )
    experiment.results = normalise_text(results or "")
    experiment.save(update_fields=["results", "updated"])
    activity.record(
        experiment.challenge,
        user=user,
        verb="experiment_results",
        summary=experiment.title,
        data={"experiment": experiment.pk},
    )
    return experiment


def add_feedback(
    experiment: Experiment, *, user: Any, body: str, rating: int | None = None
) -> Feedback:
    """A field actor of the challenge says what they observed."""
    require_signed_in(user)
    role = _active_role(user, experiment.challenge)
    if (
        role != Role.FIELD_ACTOR
        and not experiment.participants.filter(pk=user.pk).exists()
    ):
        raise PermissionDenied(
            _("Feedback comes from the field actors taking part in the challenge.")
        )
    feedback = Feedback(
        experiment=experiment,
        author=user,
        body=normalise_text(body or ""),
        rating=rating,
    )
    feedback.full_clean()
    with transaction.atomic():
        feedback.save()
        experiment.participants.add(user)
        activity.record(
            experiment.challenge,
            user=user,
            verb="feedback_added",
            summary=experiment.title,
            data={"experiment": experiment.pk, "feedback": feedback.pk},
        )
    return feedback


#: States in which a beta may receive feedback (from its posting on).
FEEDBACK_ON_BETAS = ("formed", "beta", "experimenting", "delivered")


def add_beta_feedback(
    beta: BetaVersion, *, user: Any, body: str, rating: int | None = None
) -> Feedback:
    """Anyone signed in who tried a beta says how it went (its makers read it)."""
    require_signed_in(user)
    challenge = beta.challenge
    if challenge.hidden:
        raise PermissionDenied(_("This page is hidden by moderation."))
    if challenge.state not in FEEDBACK_ON_BETAS:
        raise CommunityError(
            _("This challenge is %(state)s: its betas take no more feedback.")
            % {"state": challenge.get_state_display()}
        )
    feedback = Feedback(
        beta=beta, author=user, body=normalise_text(body or ""), rating=rating
    )
    feedback.full_clean()
    with transaction.atomic():
        feedback.save()
        activity.record(
            challenge,
            user=user,
            verb="beta_feedback_added",
            summary=beta.title,
            data={"beta": beta.pk, "feedback": feedback.pk},
        )
    return feedback


def produced_commons(challenge: Challenge) -> Commons | None:
    """The commons of the latest beta: what a delivered challenge produced."""
    beta = challenge.betas.order_by("-created", "-id").first()
    return beta.commons if beta else None
