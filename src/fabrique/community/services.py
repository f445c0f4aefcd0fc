"""Rules of domains, needs, micro-challenges and participations, once.

Pages and the JSON API call these functions; they check rights, keep the
community cap under concurrency, run the lifecycle and record activity.
Refusals raise ``PermissionDenied`` (no right) or ``CommunityError`` (the
request does not fit the current state), with a message saying why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fabrique.catalog.models import Actor, Commons
from fabrique.catalog.services import can_manage_actor, normalise_text, unique_slug
from fabrique.community import lifecycle
from fabrique.community.lifecycle import Transition, Who
from fabrique.community.models import (
    Challenge,
    Domain,
    DomainMember,
    Need,
    NeedCarrier,
    Participation,
    SplitRequest,
    SubDomain,
)
from fabrique.community.questions import normalise_question, validate_question
from fabrique.core import activity
from fabrique.core.permissions import can_moderate, is_active_user

Role = Participation.Role
Status = Participation.Status
LIVE = (Status.ACTIVE, Status.WAITING)


class CommunityError(Exception):
    """A community request that does not fit the current state."""


class TransitionRefused(CommunityError):
    """A lifecycle move that is not allowed from the current state."""


# Rights --------------------------------------------------------------------


def require_signed_in(user: Any) -> None:
    if not is_active_user(user):
        raise PermissionDenied(_("You need to be signed in to do this."))


def is_admin(user: Any) -> bool:
    """Site staff (moderators and administrators) act as administrators here."""
    return can_moderate(user)


def is_facilitator(user: Any, domain: Domain) -> bool:
    """A facilitator of ``domain`` (or site staff)."""
    if not is_active_user(user):
        return False
    return (
        is_admin(user)
        or domain.members.filter(user=user, role=DomainMember.Role.FACILITATOR).exists()
    )


def is_challenge_facilitator(user: Any, challenge: Challenge) -> bool:
    """A facilitator of the challenge's domain, or one taking part in it."""
    if is_facilitator(user, challenge.need.domain):
        return True
    return challenge.participations.filter(
        user=user, role=Role.FACILITATOR, status=Status.ACTIVE
    ).exists()


def is_challenge_holder(user: Any, challenge: Challenge) -> bool:
    """The challenge's author or a field actor carrying its need."""
    if not is_active_user(user):
        return False
    return (
        challenge.created_by_id == user.pk
        or challenge.need.carriers.filter(user=user).exists()
    )


def roles_of(user: Any, challenge: Challenge) -> set[Who]:
    """The lifecycle roles ``user`` holds on ``challenge``."""
    roles: set[Who] = set()
    if not is_active_user(user):
        return roles
    if is_admin(user):
        roles.add(Who.ADMIN)
    if is_challenge_facilitator(user, challenge):
        roles.add(Who.FACILITATOR)
    if is_challenge_holder(user, challenge):
        roles.add(Who.HOLDER)
    return roles


def _visible(obj: Any) -> None:
    if getattr(obj, "hidden", False):
        raise PermissionDenied(_("This page is hidden by moderation."))


# Domains -------------------------------------------------------------------


def create_domain(
    *, user: Any, name: str, summary: str = "", description: str = ""
) -> Domain:
    """Create a domain of interest; its creator is its first facilitator."""
    require_signed_in(user)
    name = normalise_text(name or "")
    if not name:
        raise ValidationError({"name": _("A domain needs a name.")})
    with transaction.atomic():
        domain = Domain(
            name=name,
            slug=unique_slug(Domain, name),
            summary=normalise_text(summary or ""),
            description=normalise_text(description or ""),
            created_by=user,
        )
        domain.full_clean()
        domain.save()
        DomainMember.objects.create(
            domain=domain, user=user, role=DomainMember.Role.FACILITATOR
        )
        activity.record(domain, user=user, verb="created", summary=domain.name)
    return domain


def join_domain(domain: Domain, *, user: Any) -> DomainMember:
    """Become a member of ``domain`` (joining twice changes nothing)."""
    require_signed_in(user)
    _visible(domain)
    member, created = DomainMember.objects.get_or_create(domain=domain, user=user)
    if created:
        activity.record(domain, user=user, verb="domain_joined", summary=domain.name)
    return member


def leave_domain(domain: Domain, *, user: Any) -> None:
    """Leave ``domain``; the last facilitator must name another one first."""
    require_signed_in(user)
    member = domain.members.filter(user=user).first()
    if member is None:
        raise CommunityError(_("You are not a member of this domain."))
    if (
        member.role == DomainMember.Role.FACILITATOR
        and not domain.members.filter(role=DomainMember.Role.FACILITATOR)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise CommunityError(
            _("You are the last facilitator: name another one before leaving.")
        )
    member.delete()
    activity.record(domain, user=user, verb="domain_left", summary=domain.name)


def set_domain_role(domain: Domain, *, by: Any, user: Any, role: str) -> DomainMember:
    """A facilitator makes a member a facilitator (or a member again)."""
    if not is_facilitator(by, domain):
        raise PermissionDenied(_("Only the facilitators of this domain may do this."))
    if role not in DomainMember.Role.values:
        raise CommunityError(_("Unknown role: %(role)s.") % {"role": role})
    member, _created = DomainMember.objects.get_or_create(domain=domain, user=user)
    if role == DomainMember.Role.MEMBER and member.role != role:
        others = domain.members.filter(role=DomainMember.Role.FACILITATOR).exclude(
            pk=member.pk
        )
        if not others.exists():
            raise CommunityError(_("A domain keeps at least one facilitator."))
    member.role = role
    member.save(update_fields=["role"])
    activity.record(
        domain,
        user=by,
        verb="domain_role",
        summary=str(user),
        data={"user": user.pk, "role": role},
    )
    return member


# Needs ---------------------------------------------------------------------


def propose_need(
    domain: Domain,
    *,
    user: Any,
    title: str,
    description: str = "",
    place_name: str = "",
    actor: Actor | None = None,
) -> Need:
    """Post a need, written as a question; its author carries it (and
    becomes a member of the domain)."""
    require_signed_in(user)
    _visible(domain)
    title = normalise_question(title or "")
    try:
        validate_question(title)
    except ValidationError as exc:
        raise ValidationError({"title": exc.messages}) from exc
    if actor is not None and not (
        can_manage_actor(user, actor) or actor.members.filter(user=user).exists()
    ):
        raise PermissionDenied(
            _("You are not a member of %(actor)s.") % {"actor": actor}
        )
    with transaction.atomic():
        need = Need(
            domain=domain,
            title=title,
            slug=unique_slug(Need, title),
            description=normalise_text(description or ""),
            place_name=normalise_text(place_name or ""),
            created_by=user,
        )
        need.full_clean()
        need.save()
        NeedCarrier.objects.create(need=need, user=user, actor=actor)
        # Whoever brings a need to a domain belongs to its community.
        DomainMember.objects.get_or_create(domain=domain, user=user)
        activity.record(need, user=user, verb="created", summary=need.title)
    return need


def carry_need(need: Need, *, user: Any, actor: Actor | None = None) -> NeedCarrier:
    """A field actor joins the people who carry ``need``."""
    require_signed_in(user)
    _visible(need)
    if actor is not None and not (
        can_manage_actor(user, actor) or actor.members.filter(user=user).exists()
    ):
        raise PermissionDenied(
            _("You are not a member of %(actor)s.") % {"actor": actor}
        )
    carrier, created = NeedCarrier.objects.get_or_create(
        need=need, user=user, defaults={"actor": actor}
    )
    if created:
        activity.record(need, user=user, verb="need_carried", summary=need.title)
    return carrier


def add_subdomain(
    need: Need, *, user: Any, title: str, description: str = ""
) -> SubDomain:
    """A facilitator splits ``need``: one sub-domain."""
    if not is_facilitator(user, need.domain):
        raise PermissionDenied(_("Only the facilitators of this domain may split it."))
    subdomain = SubDomain(
        need=need,
        title=normalise_text(title or ""),
        description=normalise_text(description or ""),
    )
    subdomain.full_clean()
    subdomain.save()
    activity.record(need, user=user, verb="subdomain_added", summary=subdomain.title)
    return subdomain


# Asking for a split ----------------------------------------------------------


def open_split_request(need: Need) -> SplitRequest | None:
    return need.split_requests.filter(status=SplitRequest.Status.OPEN).first()


def _asked_to_split(need: Need) -> list[int]:
    """Who hears of a request to split ``need``: the domain's facilitators,
    and the site's moderators when the domain has no facilitator left who
    can act."""
    facilitators = list(
        need.domain.members.filter(
            role=DomainMember.Role.FACILITATOR,
            user__is_active=True,
            user__deleted=False,
        ).values_list("user_id", flat=True)
    )
    if facilitators:
        return facilitators
    return list(
        get_user_model()
        .objects.filter(
            Q(role__in=("moderator", "admin")) | Q(is_superuser=True),
            is_active=True,
            deleted=False,
        )
        .values_list("pk", flat=True)
    )


def ask_for_split(need: Need, *, user: Any, message: str = "") -> SplitRequest:
    """A carrier of ``need`` asks its domain's facilitators to split it into
    micro-challenges; they are notified and answer by splitting or declining.
    Asking while a request is open returns that request; a need already split
    into a micro-challenge is not asked for again (CommunityError)."""
    require_signed_in(user)
    _visible(need)
    if not need.carriers.filter(user=user).exists():
        raise PermissionDenied(
            _("Only the people who carry this need may ask for it to be split.")
        )
    current = open_split_request(need)
    if current is not None:
        return current
    if need.challenges.filter(hidden=False).exists():
        raise CommunityError(_("This need is already split into micro-challenges."))
    try:
        with transaction.atomic():
            request = SplitRequest.objects.create(
                need=need, requested_by=user, message=normalise_text(message or "")
            )
            activity.record(
                need,
                user=user,
                verb="split_requested",
                summary=need.title,
                data={"split_request": request.pk, "asked": _asked_to_split(need)},
            )
    except IntegrityError:  # another carrier asked at the same moment
        found = open_split_request(need)
        assert found is not None
        return found
    return request


def decline_split(request: SplitRequest, *, user: Any, answer: str) -> SplitRequest:
    """A facilitator declines a request to split, saying why."""
    if not is_facilitator(user, request.need.domain):
        raise PermissionDenied(_("Only the facilitators of this domain may answer."))
    if request.status != SplitRequest.Status.OPEN:
        raise CommunityError(_("This request has already been answered."))
    answer = normalise_text(answer or "")
    if not answer:
        raise ValidationError({"answer": _("Say why the need is not split.")})
    request.status = SplitRequest.Status.DECLINED
    request.answer = answer
    request.answered_by = user
    request.answered = timezone.now()
    request.save(update_fields=["status", "answer", "answered_by", "answered"])
    activity.record(
        request.need,
        user=user,
        verb="split_declined",
        summary=answer,
        data={"split_request": request.pk},
    )
    return request


# Challenges ----------------------------------------------------------------

CHALLENGE_FIELDS = (
    "title", "goal", "success_criteria", "deadline", "place_name", "lat", "lon",
    "cap",
)  # fmt: skip


def create_challenge(
    need: Need,
    *,
    user: Any,
    data: dict[str, Any],
    subdomain: SubDomain | None = None,
) -> Challenge:
    """A facilitator splits ``need`` into a micro-challenge (state: proposed)."""
    if not is_facilitator(user, need.domain):
        raise PermissionDenied(_("Only the facilitators of this domain may split it."))
    _visible(need)
    unknown = set(data) - set(CHALLENGE_FIELDS)
    if unknown:
        raise CommunityError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if subdomain is not None and subdomain.need_id != need.pk:
        raise CommunityError(_("This sub-domain belongs to another need."))
    values = {k: normalise_text(v) for k, v in data.items() if v is not None}
    if (values.get("lat") is None) != (values.get("lon") is None):
        raise ValidationError({"lat": _("Give both latitude and longitude, or none.")})
    with transaction.atomic():
        challenge = Challenge(need=need, subdomain=subdomain, created_by=user, **values)
        challenge.slug = unique_slug(Challenge, challenge.title or "")
        challenge.full_clean()
        challenge.save()
        need.split_requests.filter(status=SplitRequest.Status.OPEN).update(
            status=SplitRequest.Status.DONE, answered_by=user, answered=timezone.now()
        )
        activity.record(
            challenge,
            user=user,
            verb="created",
            summary=challenge.title,
            data={"need": need.pk, "state": challenge.state},
        )
    return challenge


# Participation -------------------------------------------------------------


def _locked(challenge: Challenge) -> Challenge:
    """Re-read ``challenge`` holding its row lock until the transaction ends.

    On PostgreSQL ``SELECT … FOR UPDATE`` serialises joins and leaves of one
    challenge; on SQLite the transaction is already ``IMMEDIATE`` (see
    settings), so one writer at a time holds the database.
    """
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


def seats_taken(challenge: Challenge) -> int:
    return challenge.participations.filter(status=Status.ACTIVE).count()


def waiting_list(challenge: Challenge) -> QuerySet[Participation]:
    """People waiting for a seat, first come first served."""
    return challenge.participations.filter(status=Status.WAITING).order_by(
        "created", "id"
    )


def join_challenge(
    challenge: Challenge,
    *,
    user: Any,
    role: str = Role.FIELD_ACTOR,
    actor: Actor | None = None,
) -> Participation:
    """Take part in ``challenge`` in ``role``; past the cap, wait for a seat.

    Safe under concurrency: two people joining for the last seat never push
    the community past its cap.
    """
    require_signed_in(user)
    _visible(challenge)
    if role not in Role.values:
        raise CommunityError(_("Unknown role: %(role)s.") % {"role": role})
    if actor is not None and not (
        can_manage_actor(user, actor) or actor.members.filter(user=user).exists()
    ):
        raise PermissionDenied(
            _("You are not a member of %(actor)s.") % {"actor": actor}
        )
    with transaction.atomic():
        locked = _locked(challenge)
        if locked.state not in lifecycle.JOINABLE:
            raise CommunityError(
                _("This challenge is %(state)s: nobody may join it now.")
                % {"state": lifecycle.label(locked.state)}
            )
        current = locked.participations.filter(user=user, status__in=LIVE).first()
        if current is not None:
            raise CommunityError(
                _("You are already in this challenge (%(status)s).")
                % {"status": current.get_status_display()}
            )
        full = seats_taken(locked) >= locked.cap
        participation = Participation.objects.create(
            challenge=locked,
            user=user,
            actor=actor,
            role=role,
            status=Status.WAITING if full else Status.ACTIVE,
        )
        activity.record(
            locked,
            user=user,
            verb="challenge_waiting" if full else "challenge_joined",
            summary=locked.title,
            data={"participation": participation.pk, "role": role},
        )
    return participation


def leave_challenge(participation: Participation, *, user: Any) -> Participation | None:
    """Leave a challenge (or its waiting list); the first person waiting gets
    the freed seat. Returns the promoted participation, if any."""
    require_signed_in(user)
    if participation.user_id != user.pk:
        raise PermissionDenied(_("This participation is not yours."))
    with transaction.atomic():
        locked = _locked(participation.challenge)
        row = Participation.objects.select_for_update().get(pk=participation.pk)
        if row.status == Status.LEFT:
            raise CommunityError(_("You have already left this challenge."))
        was_active = row.status == Status.ACTIVE
        row.status = Status.LEFT
        row.save(update_fields=["status", "updated"])
        participation.status = row.status
        activity.record(
            locked,
            user=user,
            verb="challenge_left",
            summary=locked.title,
            data={"participation": row.pk},
        )
        promoted = _promote(locked) if was_active else None
    return promoted


def _promote(challenge: Challenge) -> Participation | None:
    """Give free seats to the first people waiting; return the first promoted."""
    first = None
    free = challenge.cap - seats_taken(challenge)
    for waiting in list(waiting_list(challenge)[: max(free, 0)]):
        waiting.status = Status.ACTIVE
        waiting.save(update_fields=["status", "updated"])
        activity.record(
            challenge,
            user=waiting.user,
            verb="challenge_promoted",
            summary=challenge.title,
            data={"participation": waiting.pk},
        )
        first = first or waiting
    return first


def participation_of(user: Any, challenge: Challenge) -> Participation | None:
    """``user``'s live participation in ``challenge``, if any."""
    if not is_active_user(user):
        return None
    return challenge.participations.filter(user=user, status__in=LIVE).first()


def community(challenge: Challenge) -> dict[str, list[Participation]]:
    """Active participants grouped by role, in role order."""
    groups: dict[str, list[Participation]] = {r: [] for r in Role.values}
    rows = challenge.participations.filter(status=Status.ACTIVE).select_related(
        "user", "actor"
    )
    for row in rows:
        groups[row.role].append(row)
    return groups


# Lifecycle -----------------------------------------------------------------


def _allowed_text(state: str) -> str:
    targets = [lifecycle.label(t.target) for t in lifecycle.transitions_from(state)]
    return (
        ", ".join(targets)
        if targets
        else _("none (the life of this challenge is over)")
    )


def minimum_field() -> int:
    """Field actors needed to form a community (``FABRIQUE_CHALLENGE_MIN_FIELD``)."""
    return int(getattr(settings, "FABRIQUE_CHALLENGE_MIN_FIELD", 5))


def minimum_makers() -> int:
    """Makers a community needs to be formed (``FABRIQUE_CHALLENGE_MIN_MAKERS``)."""
    return int(getattr(settings, "FABRIQUE_CHALLENGE_MIN_MAKERS", 1))


def minimum_text() -> str:
    """The minimum to form a community, as words ("5 field actors and 1 maker")."""
    field, makers = minimum_field(), minimum_makers()
    return _("%(field)s and %(makers)s") % {
        "field": ngettext("%(n)d field actor", "%(n)d field actors", field)
        % {"n": field},
        "makers": ngettext("%(n)d maker", "%(n)d makers", makers) % {"n": makers},
    }


def missing_to_form(challenge: Challenge) -> list[str]:
    """What the community still lacks to be declared formed (empty: nothing)."""
    active = challenge.participations.filter(status=Status.ACTIVE)
    field = active.filter(role=Role.FIELD_ACTOR).count()
    makers = active.filter(role=Role.PRODUCER).count()
    missing = []
    if field < minimum_field():
        n = minimum_field() - field
        missing.append(
            ngettext("%(n)d more field actor", "%(n)d more field actors", n) % {"n": n}
        )
    if makers < minimum_makers():
        n = minimum_makers() - makers
        missing.append(ngettext("%(n)d more maker", "%(n)d more makers", n) % {"n": n})
    return missing


def _check_preconditions(challenge: Challenge, target: str) -> None:
    """Refuse a move the challenge is not ready for, saying what is missing."""
    if challenge.state == lifecycle.State.OPEN and target == lifecycle.State.FORMED:
        missing = missing_to_form(challenge)
        if missing:
            raise CommunityError(
                _(
                    "The community is not formed yet: it needs at least %(minimum)s "
                    "taking part; missing: %(missing)s."
                )
                % {"minimum": minimum_text(), "missing": ", ".join(missing)}
            )
    if (
        challenge.state == lifecycle.State.FORMED
        and target == lifecycle.State.BETA
        and not challenge.betas.exists()
    ):
        raise CommunityError(
            _("No beta to put in production: a maker posts a beta version first.")
        )


def allowed_transitions(challenge: Challenge, user: Any) -> list[Transition]:
    """The transitions ``user`` may make now (the page's buttons)."""
    roles = roles_of(user, challenge)
    return [t for t in lifecycle.transitions_from(challenge.state) if t.who & roles]


def transition(
    challenge: Challenge,
    *,
    user: Any,
    target: str,
    reason: str = "",
    commons: Commons | None = None,
) -> Challenge:
    """Move ``challenge`` to ``target`` if the lifecycle and ``user``'s rights allow.

    Closing needs a reason; delivering needs the commons it produced (by
    default the commons of its latest beta).
    """
    require_signed_in(user)
    with transaction.atomic():
        locked = _locked(challenge)
        move = lifecycle.find(locked.state, target)
        if move is None:
            raise TransitionRefused(
                _(
                    "A challenge that is %(state)s cannot become %(target)s; "
                    "from %(state)s it may become: %(allowed)s."
                )
                % {
                    "state": lifecycle.label(locked.state),
                    "target": lifecycle.label(target),
                    "allowed": _allowed_text(locked.state),
                }
            )
        if not move.who & roles_of(user, locked):
            raise PermissionDenied(
                _("Only %(who)s may move this challenge from %(state)s to %(target)s.")
                % {
                    "who": _(" or ").join(str(w.label) for w in Who if w in move.who),
                    "state": lifecycle.label(locked.state),
                    "target": lifecycle.label(target),
                }
            )
        _check_preconditions(locked, move.target)
        reason = normalise_text(reason or "")
        if move.needs_reason and not reason:
            raise ValidationError({"reason": _("Say why the challenge is closed.")})
        if move.needs_commons:
            latest = locked.betas.order_by("-created", "-id").first()
            commons = commons or locked.commons or (latest and latest.commons)
            if commons is None:
                raise ValidationError(
                    {"commons": _("Name the commons this challenge delivers.")}
                )
            locked.commons = commons
        source = locked.state
        locked.state = move.target
        if move.needs_reason:
            locked.closed_reason = reason
        locked.save(update_fields=["state", "closed_reason", "commons", "updated"])
        activity.record(
            locked,
            user=user,
            verb="challenge_transition",
            summary=f"{lifecycle.label(source)} → {lifecycle.label(move.target)}",
            data={
                "from": source,
                "to": move.target,
                "reason": reason,
                "commons": locked.commons_id,
            },
        )
    challenge.state = locked.state
    challenge.closed_reason = locked.closed_reason
    challenge.commons = locked.commons
    return challenge
