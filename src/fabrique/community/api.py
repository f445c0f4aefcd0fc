"""Community routes of the JSON API: domains, needs, micro-challenges,
participations, lifecycle transitions, betas, experiments and feedback.

Reads are public (hidden objects left out); writes need a token or a session
with CSRF and go through ``fabrique.community.services`` and
``fabrique.community.experiments`` — the functions the pages use. A request
that does not fit the current state (joining twice, an illegal transition)
answers 409 with a message naming the state and what is allowed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from fabrique.api.auth import WRITE_AUTH, reader
from fabrique.api.common import caller, get_or_404, is_moderator, visible
from fabrique.api.errors import ERRORS, ApiError, ErrorOut
from fabrique.api.pagination import PageParams, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.api.schemas import UserOut
from fabrique.catalog.models import Actor, Commons
from fabrique.community import experiments, services
from fabrique.community.lifecycle import State
from fabrique.community.models import (
    BetaVersion,
    Challenge,
    Domain,
    Experiment,
    Invitation,
    Need,
    SplitRequest,
    SubDomain,
)
from fabrique.community.schemas import (
    BetaIn,
    BetaOut,
    ChallengeIn,
    ChallengeOut,
    DomainIn,
    DomainOut,
    ExperimentIn,
    ExperimentOut,
    ExperimentPatch,
    FeedbackIn,
    FeedbackOut,
    JoinIn,
    ParticipationOut,
    QuestionIn,
    QuestionOut,
    SplitAnswerIn,
    SplitRequestIn,
    SplitRequestOut,
    SubDomainIn,
    SubDomainOut,
    TransitionIn,
    TransitionOut,
)

router = Router(tags=["community"])
STATES = tuple(State.values)

READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}
PREFIX = "/community"


@contextmanager
def refusals() -> Iterator[None]:
    """Answer a request that does not fit the current state with a 409."""
    try:
        yield
    except services.TransitionRefused as exc:
        raise ApiError(409, str(exc), code="illegal_transition") from exc
    except services.CommunityError as exc:
        raise ApiError(409, str(exc), code="community_state") from exc


# Querysets -----------------------------------------------------------------


def domains(user: Any) -> QuerySet[Domain]:
    return visible(Domain.objects.all(), user).prefetch_related("members__user")


def needs(user: Any) -> QuerySet[Need]:
    queryset = Need.objects.select_related("domain").prefetch_related("carriers__user")
    if is_moderator(user):
        return queryset
    return queryset.filter(hidden=False, domain__hidden=False)


def challenges(user: Any) -> QuerySet[Challenge]:
    queryset = Challenge.objects.select_related("need", "commons").annotate(
        n_active=Count("participations", filter=Q(participations__status="active")),
        n_waiting=Count("participations", filter=Q(participations__status="waiting")),
    )
    if is_moderator(user):
        return queryset
    return queryset.filter(hidden=False, need__hidden=False)


def _actor(user: Any, slug: str | None) -> Actor | None:
    if not slug:
        return None
    return get_or_404(visible(Actor.objects.all(), user), "actor", slug=slug)


def _commons(user: Any, slug: str) -> Commons:
    return get_or_404(visible(Commons.objects.all(), user), "commons", slug=slug)


# Domains -------------------------------------------------------------------


@router.get(f"{PREFIX}/domains/", response={200: page_of(DomainOut), **READ_ERRORS})
def list_domains(request: HttpRequest, filters: Query[PageParams]) -> Any:
    """Domains of interest (communautés d'intérêt), by name."""
    return paginate(request, domains(reader(request)).order_by("name"), filters)


@router.get(f"{PREFIX}/domains/{{slug}}/", response={200: DomainOut, **READ_ERRORS})
def get_domain(request: HttpRequest, slug: str) -> Any:
    """One domain of interest, with its facilitators."""
    return get_or_404(domains(reader(request)), "domain", slug=slug)


@router.post(f"{PREFIX}/domains/", response={201: DomainOut, **ERRORS}, **WRITE)
def create_domain(request: HttpRequest, payload: DomainIn) -> Any:
    """Create a domain of interest; the caller becomes its facilitator."""
    user = caller(request)
    domain = services.create_domain(user=user, **payload.model_dump())
    return Status(201, domains(user).get(pk=domain.pk))


@router.post(
    f"{PREFIX}/domains/{{slug}}/members/", response={200: DomainOut, **ERRORS}, **WRITE
)
def join_domain(request: HttpRequest, slug: str) -> Any:
    """Become a member of a domain (again: no change)."""
    user = caller(request)
    domain = get_or_404(domains(user), "domain", slug=slug)
    services.join_domain(domain, user=user)
    return domains(user).get(pk=domain.pk)


@router.delete(
    f"{PREFIX}/domains/{{slug}}/members/me/", response={204: None, **ERRORS}, **WRITE
)
def leave_domain(request: HttpRequest, slug: str) -> Any:
    """Leave a domain (the last facilitator names another one first)."""
    user = caller(request)
    domain = get_or_404(domains(user), "domain", slug=slug)
    if not domain.members.filter(user=user).exists():
        raise ApiError(404, "You are not a member of this domain.")
    with refusals():
        services.leave_domain(domain, user=user)
    return Status(204, None)


# Needs ---------------------------------------------------------------------


class QuestionFilters(PageParams):
    domain: str | None = Field(None, description="Slug of the domain.")


@router.get(f"{PREFIX}/needs/", response={200: page_of(QuestionOut), **READ_ERRORS})
def list_needs(request: HttpRequest, filters: Query[QuestionFilters]) -> Any:
    """Needs written as questions, newest first."""
    queryset = needs(reader(request))
    if filters.domain:
        queryset = queryset.filter(domain__slug=filters.domain)
    return paginate(request, queryset.order_by("-created", "-pk"), filters)


@router.get(f"{PREFIX}/needs/{{slug}}/", response={200: QuestionOut, **READ_ERRORS})
def get_need(request: HttpRequest, slug: str) -> Any:
    """One need, with the field actors who carry it."""
    return get_or_404(needs(reader(request)), "need", slug=slug)


@router.post(f"{PREFIX}/needs/", response={201: QuestionOut, **ERRORS}, **WRITE)
def create_need(request: HttpRequest, payload: QuestionIn) -> Any:
    """Post a need, written as a question; the caller carries it."""
    user = caller(request)
    domain = get_or_404(domains(user), "domain", slug=payload.domain)
    need = services.propose_need(
        domain,
        user=user,
        title=payload.title,
        description=payload.description,
        place_name=payload.place_name,
    )
    return Status(201, needs(user).get(pk=need.pk))


@router.post(
    f"{PREFIX}/needs/{{slug}}/carriers/", response={200: QuestionOut, **ERRORS}, **WRITE
)
def carry_need(request: HttpRequest, slug: str) -> Any:
    """Join the field actors who carry a need."""
    user = caller(request)
    need = get_or_404(needs(user), "need", slug=slug)
    services.carry_need(need, user=user)
    return needs(user).get(pk=need.pk)


@router.get(
    f"{PREFIX}/needs/{{slug}}/subdomains/",
    response={200: list[SubDomainOut], **READ_ERRORS},
)
def list_subdomains(request: HttpRequest, slug: str) -> Any:
    """The sub-domains a need is split into."""
    need = get_or_404(needs(reader(request)), "need", slug=slug)
    return list(need.subdomains.all())


@router.post(
    f"{PREFIX}/needs/{{slug}}/subdomains/",
    response={201: SubDomainOut, **ERRORS},
    **WRITE,
)
def add_subdomain(request: HttpRequest, slug: str, payload: SubDomainIn) -> Any:
    """Split a need: add a sub-domain (facilitators)."""
    user = caller(request)
    need = get_or_404(needs(user), "need", slug=slug)
    subdomain = services.add_subdomain(need, user=user, **payload.model_dump())
    return Status(201, subdomain)


def split_requests(user: Any) -> QuerySet[SplitRequest]:
    queryset = SplitRequest.objects.select_related(
        "need", "requested_by", "answered_by"
    )
    if is_moderator(user):
        return queryset
    return queryset.filter(need__hidden=False, need__domain__hidden=False)


@router.get(
    f"{PREFIX}/needs/{{slug}}/split-requests/",
    response={200: list[SplitRequestOut], **READ_ERRORS},
)
def list_split_requests(request: HttpRequest, slug: str) -> Any:
    """Requests to split a need into micro-challenges, newest first, with
    the facilitators' answers."""
    user = reader(request)
    need = get_or_404(needs(user), "need", slug=slug)
    return list(split_requests(user).filter(need=need))


@router.post(
    f"{PREFIX}/needs/{{slug}}/split-requests/",
    response={200: SplitRequestOut, 201: SplitRequestOut, **ERRORS},
    **WRITE,
)
def ask_for_split(request: HttpRequest, slug: str, payload: SplitRequestIn) -> Any:
    """Ask the domain's facilitators to split a need (its carriers).

    While a request is open, asking again answers that request (200)."""
    user = caller(request)
    need = get_or_404(needs(user), "need", slug=slug)
    already = services.open_split_request(need)
    with refusals():
        asked = services.ask_for_split(need, user=user, message=payload.message)
    found = split_requests(user).get(pk=asked.pk)
    return found if already is not None else Status(201, found)


@router.post(
    f"{PREFIX}/split-requests/{{int:request_id}}/decline/",
    response={200: SplitRequestOut, **ERRORS},
    **WRITE,
)
def decline_split(request: HttpRequest, request_id: int, payload: SplitAnswerIn) -> Any:
    """Decline a request to split, saying why (the domain's facilitators).
    A facilitator accepts one by adding sub-domains or micro-challenges."""
    user = caller(request)
    asked = get_or_404(split_requests(user), "split request", pk=request_id)
    with refusals():
        services.decline_split(asked, user=user, answer=payload.answer)
    return split_requests(user).get(pk=asked.pk)


# Challenges ----------------------------------------------------------------


class ChallengeFilters(PageParams):
    state: Literal[STATES] | None = None  # type: ignore[valid-type]
    need: str | None = Field(None, description="Slug of the need.")
    domain: str | None = Field(None, description="Slug of the domain.")


@router.get(
    f"{PREFIX}/challenges/", response={200: page_of(ChallengeOut), **READ_ERRORS}
)
def list_challenges(request: HttpRequest, filters: Query[ChallengeFilters]) -> Any:
    """Micro-challenges, newest first."""
    queryset = challenges(reader(request))
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.need:
        queryset = queryset.filter(need__slug=filters.need)
    if filters.domain:
        queryset = queryset.filter(need__domain__slug=filters.domain)
    return paginate(request, queryset.order_by("-created", "-pk"), filters)


@router.get(
    f"{PREFIX}/challenges/{{slug}}/", response={200: ChallengeOut, **READ_ERRORS}
)
def get_challenge(request: HttpRequest, slug: str) -> Any:
    """One micro-challenge, with its seats and waiting list counts."""
    return get_or_404(challenges(reader(request)), "challenge", slug=slug)


@router.post(f"{PREFIX}/challenges/", response={201: ChallengeOut, **ERRORS}, **WRITE)
def create_challenge(request: HttpRequest, payload: ChallengeIn) -> Any:
    """Split a need into a micro-challenge (facilitators); it starts proposed."""
    user = caller(request)
    need = get_or_404(needs(user), "need", slug=payload.need)
    subdomain = None
    if payload.subdomain is not None:
        subdomain = get_or_404(
            SubDomain.objects.filter(need=need), "sub-domain", pk=payload.subdomain
        )
    data = payload.model_dump(exclude={"need", "subdomain"}, exclude_none=True)
    with refusals():
        challenge = services.create_challenge(
            need, user=user, data=data, subdomain=subdomain
        )
    return Status(201, challenges(user).get(pk=challenge.pk))


@router.get(
    f"{PREFIX}/challenges/{{slug}}/transitions/",
    response={200: list[TransitionOut], **READ_ERRORS},
)
def list_transitions(request: HttpRequest, slug: str) -> Any:
    """The moves the caller may make now (none for anonymous callers)."""
    user = reader(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    return [
        {"source": t.source, "target": t.target, "label": str(t.label)}
        for t in services.allowed_transitions(challenge, user)
    ]


@router.post(
    f"{PREFIX}/challenges/{{slug}}/transitions/",
    response={200: ChallengeOut, **ERRORS},
    **WRITE,
)
def make_transition(request: HttpRequest, slug: str, payload: TransitionIn) -> Any:
    """Move a challenge along its lifecycle; illegal moves answer 409."""
    user = caller(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    commons = _commons(user, payload.commons) if payload.commons else None
    with refusals():
        services.transition(
            challenge,
            user=user,
            target=payload.to,
            reason=payload.reason,
            commons=commons,
        )
    return challenges(user).get(pk=challenge.pk)


# Participations ------------------------------------------------------------


@router.get(
    f"{PREFIX}/challenges/{{slug}}/participations/",
    response={200: page_of(ParticipationOut), **READ_ERRORS},
)
def list_participations(
    request: HttpRequest, slug: str, filters: Query[PageParams]
) -> Any:
    """People taking part, then the waiting list in its order."""
    challenge = get_or_404(challenges(reader(request)), "challenge", slug=slug)
    queryset = (
        challenge.participations.filter(status__in=services.LIVE)
        .select_related("user", "actor", "challenge")
        .order_by("status", "created", "id")
    )
    return paginate(request, queryset, filters)


@router.post(
    f"{PREFIX}/challenges/{{slug}}/participations/",
    response={201: ParticipationOut, **ERRORS},
    **WRITE,
)
def join_challenge(request: HttpRequest, slug: str, payload: JoinIn) -> Any:
    """Take part in a challenge; past its cap, wait on its list."""
    user = caller(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    actor = _actor(user, payload.actor)
    with refusals():
        participation = services.join_challenge(
            challenge, user=user, role=payload.role, actor=actor
        )
    return Status(201, participation)


@router.delete(
    f"{PREFIX}/challenges/{{slug}}/participations/me/",
    response={204: None, **ERRORS},
    **WRITE,
)
def leave_challenge(request: HttpRequest, slug: str) -> Any:
    """Leave a challenge or its waiting list; the first waiting gets the seat."""
    user = caller(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    participation = services.participation_of(user, challenge)
    if participation is None:
        raise ApiError(404, "You are not taking part in this challenge.")
    with refusals():
        services.leave_challenge(participation, user=user)
    return Status(204, None)


# Betas, experiments and feedback -------------------------------------------


@router.get(
    f"{PREFIX}/challenges/{{slug}}/betas/",
    response={200: list[BetaOut], **READ_ERRORS},
)
def list_betas(request: HttpRequest, slug: str) -> Any:
    """The beta versions of a challenge, newest first."""
    challenge = get_or_404(challenges(reader(request)), "challenge", slug=slug)
    return list(challenge.betas.select_related("commons", "created_by", "challenge"))


@router.post(
    f"{PREFIX}/challenges/{{slug}}/betas/", response={201: BetaOut, **ERRORS}, **WRITE
)
def post_beta(request: HttpRequest, slug: str, payload: BetaIn) -> Any:
    """Post a beta tied to the commons it creates or completes (producers)."""
    user = caller(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    commons = _commons(user, payload.commons)
    with refusals():
        beta = experiments.post_beta(
            challenge,
            user=user,
            title=payload.title,
            description=payload.description,
            url=payload.url,
            commons=commons,
        )
    return Status(201, beta)


def _beta(user: Any, beta_id: int) -> BetaVersion:
    queryset = BetaVersion.objects.select_related("challenge")
    if not is_moderator(user):
        queryset = queryset.filter(
            challenge__hidden=False, challenge__need__hidden=False
        )
    found: BetaVersion = get_or_404(queryset, "beta version", pk=beta_id)
    return found


@router.get(
    f"{PREFIX}/betas/{{int:beta_id}}/feedback/",
    response={200: list[FeedbackOut], **READ_ERRORS},
)
def list_beta_feedback(request: HttpRequest, beta_id: int) -> Any:
    """What the people who tried a beta said of it, oldest first."""
    beta = _beta(reader(request), beta_id)
    return list(beta.feedback.select_related("author"))


@router.post(
    f"{PREFIX}/betas/{{int:beta_id}}/feedback/",
    response={201: FeedbackOut, **ERRORS},
    **WRITE,
)
def add_beta_feedback(request: HttpRequest, beta_id: int, payload: FeedbackIn) -> Any:
    """Say how a beta went (anyone signed in who tried it; its makers read it).
    Refused (409) once the challenge no longer takes feedback."""
    user = caller(request)
    beta = _beta(user, beta_id)
    with refusals():
        feedback = experiments.add_beta_feedback(
            beta, user=user, body=payload.body, rating=payload.rating
        )
    return Status(201, feedback)


def experiment_queryset(user: Any) -> QuerySet[Experiment]:
    queryset = Experiment.objects.select_related("challenge").prefetch_related(
        "participants", "feedback__author"
    )
    if is_moderator(user):
        return queryset
    return queryset.filter(challenge__hidden=False)


@router.get(
    f"{PREFIX}/challenges/{{slug}}/experiments/",
    response={200: list[ExperimentOut], **READ_ERRORS},
)
def list_experiments(request: HttpRequest, slug: str) -> Any:
    """The experiments of a challenge, latest first."""
    user = reader(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    return list(experiment_queryset(user).filter(challenge=challenge))


@router.post(
    f"{PREFIX}/challenges/{{slug}}/experiments/",
    response={201: ExperimentOut, **ERRORS},
    **WRITE,
)
def create_experiment(request: HttpRequest, slug: str, payload: ExperimentIn) -> Any:
    """Set up an experiment: place, dates, protocol (producers, facilitators)."""
    user = caller(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    beta = None
    if payload.beta is not None:
        beta = get_or_404(challenge.betas.all(), "beta version", pk=payload.beta)
    with refusals():
        experiment = experiments.create_experiment(
            challenge, user=user, data=payload.model_dump(exclude={"beta"}), beta=beta
        )
    return Status(201, experiment_queryset(user).get(pk=experiment.pk))


@router.get(
    f"{PREFIX}/experiments/{{int:experiment_id}}/",
    response={200: ExperimentOut, **READ_ERRORS},
)
def get_experiment(request: HttpRequest, experiment_id: int) -> Any:
    """One experiment with its participants and feedback."""
    return get_or_404(
        experiment_queryset(reader(request)), "experiment", pk=experiment_id
    )


@router.patch(
    f"{PREFIX}/experiments/{{int:experiment_id}}/",
    response={200: ExperimentOut, **ERRORS},
    **WRITE,
)
def record_results(
    request: HttpRequest, experiment_id: int, payload: ExperimentPatch
) -> Any:
    """Write down the results of an experiment (producers, facilitators)."""
    user = caller(request)
    experiment = get_or_404(experiment_queryset(user), "experiment", pk=experiment_id)
    experiments.record_results(experiment, user=user, results=payload.results)
    return experiment_queryset(user).get(pk=experiment.pk)


@router.post(
    f"{PREFIX}/experiments/{{int:experiment_id}}/feedback/",
    response={201: FeedbackOut, **ERRORS},
    **WRITE,
)
def add_feedback(request: HttpRequest, experiment_id: int, payload: FeedbackIn) -> Any:
    """Leave feedback on an experiment (field actors taking part)."""
    user = caller(request)
    experiment = get_or_404(experiment_queryset(user), "experiment", pk=experiment_id)
    feedback = experiments.add_feedback(
        experiment, user=user, body=payload.body, rating=payload.rating
    )
    return Status(201, feedback)


# Matching --------------------------------------------------------------------


class MatchOut(Schema):
    kind: str = Field(description="person, actor, challenge or need.")
    name: str
    url: str
    score: float
    reasons: list[str] = Field(description="Why it is suggested, in words.")
    skills: list[str] = Field(description="Taxonomy codes in common.")
    distance_km: float | None = None
    role: str | None = Field(
        None, description="field_actor or producer, when known (people, actors)."
    )


class PersonMatchOut(MatchOut):
    username: str
    invited: bool = Field(
        False, description="An invitation to this challenge waits for their answer."
    )


class ActorMatchOut(MatchOut):
    slug: str


class SlugMatchOut(MatchOut):
    slug: str


class ChallengeMatchesOut(Schema):
    skills: list[str] = Field(description="Skills the challenge speaks of.")
    roles_needed: list[str] = Field(
        description="Roles the community still lacks to be formed."
    )
    people: list[PersonMatchOut]
    actors: list[ActorMatchOut]


class PersonSuggestionsOut(Schema):
    challenges: list[SlugMatchOut]
    needs: list[SlugMatchOut]


def _match(suggestion: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": suggestion.kind,
        "name": suggestion.name,
        "url": suggestion.url,
        "score": suggestion.score,
        "reasons": suggestion.reasons,
        "skills": suggestion.skills,
        "distance_km": suggestion.distance_km,
        "role": suggestion.role,
        **extra,
    }


class MatchParams(Schema):
    limit: int = Field(10, ge=1, le=50, description="Suggestions of each kind.")


@router.get(
    f"{PREFIX}/challenges/{{slug}}/matches/",
    response={200: ChallengeMatchesOut, **ERRORS},
    auth=WRITE_AUTH,
)
def challenge_matches(
    request: HttpRequest, slug: str, params: Query[MatchParams]
) -> Any:
    """People and actors who could join the challenge, ranked, each with why.

    For the challenge's facilitators (and the platform's staff) only.
    """
    from fabrique.community import matching

    challenge = get_or_404(
        Challenge.objects.filter(hidden=False).select_related("need__domain"),
        "challenge",
        slug=slug,
    )
    if not services.is_challenge_facilitator(caller(request), challenge):
        raise ApiError(403, "Only the challenge's facilitators see its matches.")
    found = matching.for_challenge(challenge, limit=params.limit)
    return {
        "skills": found["skills"],
        "roles_needed": found["roles_needed"],
        "people": [
            _match(s, username=s.obj.username, invited=s.invited)
            for s in found["people"]
        ],
        "actors": [_match(s, slug=s.obj.slug) for s in found["actors"]],
    }


@router.get(
    f"{PREFIX}/suggestions/",
    response={200: PersonSuggestionsOut, **ERRORS},
    auth=WRITE_AUTH,
)
def my_suggestions(request: HttpRequest, params: Query[MatchParams]) -> Any:
    """Challenges and needs suggested to the caller, ranked, each with why."""
    from fabrique.community import matching

    found = matching.for_person(caller(request), limit=params.limit)
    return {
        kind: [_match(s, slug=s.obj.slug) for s in found[kind]]
        for kind in ("challenges", "needs")
    }


# Invitations and opting out -------------------------------------------------


class InvitationIn(Schema):
    username: str = Field(max_length=150, description="The person invited.")
    role: Literal["field_actor", "producer"]
    message: str = Field("", max_length=2000)


class InvitationOut(Schema):
    id: int
    challenge: str = Field(description="Slug of the challenge.")
    user: UserOut
    invited_by: UserOut | None
    role: str
    message: str
    status: str = Field(description="pending, accepted or declined.")
    created: datetime.datetime
    answered: datetime.datetime | None

    @staticmethod
    def resolve_challenge(obj: Any) -> str:
        return obj.challenge.slug


class OptOutIn(Schema):
    out: bool = Field(description="true: never suggest me to facilitators.")


class OptOutOut(Schema):
    out: bool


def _invitations() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("challenge", "user", "invited_by")


@router.post(
    f"{PREFIX}/challenges/{{slug}}/invitations/",
    response={200: InvitationOut, 201: InvitationOut, **ERRORS},
    **WRITE,
)
def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Any:
    """Invite a person to join the challenge in a role (its facilitators).

    Only that person is notified. While an invitation waits, inviting again
    answers it (200)."""
    from django.contrib.auth import get_user_model

    from fabrique.community import invitations

    user = caller(request)
    challenge = get_or_404(challenges(user), "challenge", slug=slug)
    person = get_or_404(
        get_user_model().objects.filter(is_active=True, deleted=False),
        "person",
        username=payload.username,
    )
    already = invitations.pending(challenge, person)
    with refusals():
        found = invitations.invite(
            challenge, by=user, user=person, role=payload.role, message=payload.message
        )
    found = _invitations().get(pk=found.pk)
    return found if already is not None else Status(201, found)


@router.get(
    f"{PREFIX}/invitations/",
    response={200: list[InvitationOut], **ERRORS},
    auth=WRITE_AUTH,
)
def my_invitations(request: HttpRequest) -> Any:
    """The invitations the caller received, waiting ones first."""
    from fabrique.community import invitations

    return list(invitations.for_user(caller(request))[:200])


def _answer(request: HttpRequest, invitation_id: int, accept: bool) -> Any:
    from fabrique.community import invitations

    user = caller(request)
    found = get_or_404(
        _invitations().filter(user=user, challenge__hidden=False),
        "invitation",
        pk=invitation_id,
    )
    with refusals():
        invitations.answer(found, user=user, accept=accept)
    return _invitations().get(pk=found.pk)


@router.post(
    f"{PREFIX}/invitations/{{int:invitation_id}}/accept/",
    response={200: InvitationOut, **ERRORS},
    **WRITE,
)
def accept_invitation(request: HttpRequest, invitation_id: int) -> Any:
    """Accept an invitation: join the challenge in its role (or its waiting
    list when it is full)."""
    return _answer(request, invitation_id, True)


@router.post(
    f"{PREFIX}/invitations/{{int:invitation_id}}/decline/",
    response={200: InvitationOut, **ERRORS},
    **WRITE,
)
def decline_invitation(request: HttpRequest, invitation_id: int) -> Any:
    """Decline an invitation."""
    return _answer(request, invitation_id, False)


@router.put(
    f"{PREFIX}/suggestions/opt-out/",
    response={200: OptOutOut, **ERRORS},
    **WRITE,
)
def set_opt_out(request: HttpRequest, payload: OptOutIn) -> Any:
    """Stop (or start again) being suggested to facilitators and invited."""
    from fabrique.community import invitations

    user = caller(request)
    invitations.set_opt_out(user, out=payload.out)
    return {"out": invitations.opted_out(user)}
