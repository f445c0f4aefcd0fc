"""Schemas of the community routes of the JSON API."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from fabrique.api.schemas import UserOut
from fabrique.community.lifecycle import State
from fabrique.community.models import CAP_MAX, CAP_MIN, Participation
from fabrique.core.markdown import MAX_MARKDOWN_CHARS

QUESTION_PATTERN = r"[?？]\s*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
Text = Field("", max_length=MAX_MARKDOWN_CHARS, description="Markdown.")


def _date(description: str) -> Any:
    return Field(description=description, json_schema_extra={"pattern": DATE_PATTERN})


class DomainOut(Schema):
    slug: str
    name: str
    summary: str
    description: str
    facilitators: list[UserOut]
    members: int
    created: datetime.datetime

    @staticmethod
    def resolve_facilitators(obj: Any) -> list[Any]:
        return [m.user for m in obj.members.all() if m.role == "facilitator"]

    @staticmethod
    def resolve_members(obj: Any) -> int:
        return len(obj.members.all())


class DomainIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    summary: str = Field("", max_length=300)
    description: str = Text


class QuestionOut(Schema):
    slug: str
    domain: str = Field(description="Slug of the domain of interest.")
    title: str = Field(description="The need, as a question.")
    description: str
    place_name: str
    carriers: list[UserOut]
    created: datetime.datetime

    @staticmethod
    def resolve_domain(obj: Any) -> str:
        return obj.domain.slug

    @staticmethod
    def resolve_carriers(obj: Any) -> list[Any]:
        return [c.user for c in obj.carriers.all()]


class QuestionIn(Schema):
    domain: str = Field(description="Slug of the domain of interest.", max_length=220)
    title: str = Field(
        min_length=2,
        max_length=200,
        description="The need, written as a question (it ends with “?”).",
        json_schema_extra={"pattern": QUESTION_PATTERN},
    )
    description: str = Text
    place_name: str = Field("", max_length=200)


class SubDomainIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Text


class SubDomainOut(Schema):
    id: int
    title: str
    description: str


class ChallengeOut(Schema):
    slug: str
    need: str = Field(description="Slug of the need.")
    subdomain: int | None
    title: str
    goal: str
    success_criteria: str
    deadline: datetime.date | None
    place_name: str
    lat: float | None
    lon: float | None
    cap: int
    seats_taken: int
    waiting: int
    state: str = Field(description=", ".join(State.values))
    closed_reason: str
    commons: str | None = Field(description="Slug of the commons it delivered.")
    created: datetime.datetime

    @staticmethod
    def resolve_need(obj: Any) -> str:
        return obj.need.slug

    @staticmethod
    def resolve_subdomain(obj: Any) -> int | None:
        return obj.subdomain_id

    @staticmethod
    def resolve_commons(obj: Any) -> str | None:
        return obj.commons.slug if obj.commons_id else None

    @staticmethod
    def resolve_seats_taken(obj: Any) -> int:
        return (
            getattr(obj, "n_active", None)
            or obj.participations.filter(status="active").count()
        )

    @staticmethod
    def resolve_waiting(obj: Any) -> int:
        return (
            getattr(obj, "n_waiting", None)
            or obj.participations.filter(status="waiting").count()
        )


class ChallengeIn(Schema):
    need: str = Field(description="Slug of the need it splits.", max_length=220)
    subdomain: int | None = Field(None, description="Id of a sub-domain of the need.")
    title: str = Field(min_length=1, max_length=200)
    goal: str = Field(min_length=1, max_length=MAX_MARKDOWN_CHARS)
    success_criteria: str = Field(min_length=1, max_length=MAX_MARKDOWN_CHARS)
    deadline: datetime.date | None = None
    place_name: str = Field("", max_length=200)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    cap: int | None = Field(
        None, ge=CAP_MIN, le=CAP_MAX, description="Seats; the instance's default."
    )


TARGETS = tuple(state.value for state in State if state != State.PROPOSED)


class TransitionIn(Schema):
    to: Literal[TARGETS] = Field(  # type: ignore[valid-type]
        description="The state to move to."
    )
    reason: str = Field("", max_length=5000, description="Why (to close).")
    commons: str | None = Field(
        None, description="Slug of the commons delivered (default: latest beta's)."
    )


class TransitionOut(Schema):
    source: str
    target: str
    label: str


class ParticipationOut(Schema):
    id: int
    challenge: str
    user: UserOut
    actor: str | None
    role: str = Field(description=", ".join(Participation.Role.values))
    status: str = Field(description=", ".join(Participation.Status.values))
    created: datetime.datetime

    @staticmethod
    def resolve_challenge(obj: Any) -> str:
        return obj.challenge.slug

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.slug if obj.actor_id else None


ROLES = tuple(Participation.Role.values)


class JoinIn(Schema):
    role: Literal[ROLES] = Field(  # type: ignore[valid-type]
        "field_actor", description="Your role in the challenge."
    )
    actor: str | None = Field(None, description="Slug of an actor you act for.")


class BetaIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    commons: str = Field(
        description="Slug of the commons it creates or completes (create it first "
        "with POST /api/1/commons/ for a new one).",
        max_length=220,
    )
    description: str = Text
    url: str = Field("", max_length=200)


class BetaOut(Schema):
    id: int
    challenge: str
    title: str
    description: str
    url: str
    commons: str | None = Field(description="Slug of its commons (None: deleted).")
    created_by: UserOut | None
    created: datetime.datetime

    @staticmethod
    def resolve_challenge(obj: Any) -> str:
        return obj.challenge.slug

    @staticmethod
    def resolve_commons(obj: Any) -> str | None:
        return obj.commons.slug if obj.commons_id else None


class ExperimentIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    place_name: str = Field(min_length=1, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    starts: datetime.date = _date("First day (YYYY-MM-DD).")
    ends: datetime.date = _date("Last day (YYYY-MM-DD).")
    protocol: str = Field(min_length=1, max_length=MAX_MARKDOWN_CHARS)
    beta: int | None = Field(None, description="Id of the beta version tried.")


class ExperimentPatch(Schema):
    results: str = Field(max_length=MAX_MARKDOWN_CHARS)


class SplitRequestIn(Schema):
    message: str = Field("", max_length=MAX_MARKDOWN_CHARS)


class SplitAnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=MAX_MARKDOWN_CHARS)


class SplitRequestOut(Schema):
    id: int
    need: str = Field(description="Slug of the need.")
    status: str = Field(description="open, done (split) or declined.")
    message: str
    requested_by: UserOut | None
    answer: str
    answered_by: UserOut | None
    created: datetime.datetime
    answered: datetime.datetime | None

    @staticmethod
    def resolve_need(obj: Any) -> str:
        return obj.need.slug


class FeedbackIn(Schema):
    body: str = Field(min_length=1, max_length=MAX_MARKDOWN_CHARS)
    rating: int | None = Field(None, ge=1, le=5)


class FeedbackOut(Schema):
    id: int
    author: UserOut | None
    body: str
    rating: int | None
    created: datetime.datetime


class ExperimentOut(Schema):
    id: int
    challenge: str
    beta: int | None
    title: str
    place_name: str
    lat: float
    lon: float
    starts: datetime.date
    ends: datetime.date
    protocol: str
    results: str
    participants: list[UserOut]
    feedback: list[FeedbackOut]

    @staticmethod
    def resolve_challenge(obj: Any) -> str:
        return obj.challenge.slug

    @staticmethod
    def resolve_beta(obj: Any) -> int | None:
        return obj.beta_id

    @staticmethod
    def resolve_feedback(obj: Any) -> list[Any]:
        return [f for f in obj.feedback.all() if not f.hidden]

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        return list(obj.participants.all())
