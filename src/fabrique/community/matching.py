"""Matching: who could take part in a challenge, and what suits a person.

For a challenge, people and actors are ranked by three things, and each
suggestion carries the reasons that gave it its place:

- **skills** — their free-text skills mapped onto the taxonomy
  (:mod:`fabrique.community.skills`) against the skills the challenge speaks
  of (its need, goal and success criteria): 3 points a skill in common, 1
  a skill of the same family;
- **past contributions** — confirmed ledger entries to the commons the
  challenge produced or to challenges of the same domain: up to 3 points,
  recent ones and those of the making kinds (code, data, design, testing)
  weighing more than documentation or funding;
- **place** — distance between the challenge's place and theirs when both
  have coordinates: up to 3 points within 100 km.

- **role** — a challenge needs field actors and makers (producers): a
  person's role is the one they took most in past challenges, else the
  kind of organisation they belong to (a territory, public body or
  association is in the field; a start-up, industry or lab makes). While the
  challenge still lacks people of a role, suggestions of that role gain
  1.5 points.

Never suggested for a challenge: the people already in it, its
facilitators and author, and anyone who opted out of suggestions
(:mod:`fabrique.community.invitations`). Equal scores are ordered by the
number of skills in common, then of skills in the families wanted, then
contributions, and only then by name.

For a person, open challenges and needs are ranked the same way from their
side, with their domains of interest counting too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fabrique.catalog.models import Actor, ActorMember, Place
from fabrique.community import invitations, skills
from fabrique.community.lifecycle import JOINABLE
from fabrique.community.models import Challenge, DomainMember, Need, Participation
from fabrique.projects.models import Contribution

SKILL_POINTS = 3.0
FAMILY_POINTS = 1.0
MAX_CONTRIBUTION_POINTS = 3.0
MAX_PLACE_POINTS = 3.0
PLACE_RADIUS_KM = 100.0
DOMAIN_POINTS = 2.0
ROLE_POINTS = 1.5
LIMIT = 10

#: Skills people showed elsewhere, filled in by higher apps (public skill
#: badges): each source returns ``{user id: [taxonomy codes]}``.
SKILL_SOURCES: list[Callable[[], dict[int, list[str]]]] = []


def _shown_skills() -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for source in SKILL_SOURCES:
        for user_id, codes in source().items():
            found[user_id].extend(c for c in codes if c not in found[user_id])
    return found


#: How much a confirmed entry of each kind says about taking part again.
KIND_WEIGHTS = {
    "code": 1.0,
    "data": 1.0,
    "design": 1.0,
    "testing": 1.0,
    "facilitation": 0.75,
    "documentation": 0.5,
    "funding": 0.25,
}
FIELD_ACTOR, PRODUCER = "field_actor", "producer"
#: The role an organisation's kind suggests for its people.
ROLE_OF_ACTOR_TYPE = {
    "territory": FIELD_ACTOR,
    "public_body": FIELD_ACTOR,
    "association": FIELD_ACTOR,
    "startup": PRODUCER,
    "industry": PRODUCER,
    "lab": PRODUCER,
}


@dataclass
class Suggestion:
    kind: str  # "person", "actor", "challenge", "need"
    obj: Any
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    distance_km: float | None = None
    role: str | None = None  # "field_actor" or "producer", when known
    invited: bool = False
    weight: float = 0.0  # what their contributions weigh, for ties
    related: int = 0  # their skills in the families wanted, for ties

    @property
    def role_label(self) -> str:
        return str(Participation.Role(self.role).label) if self.role else ""

    @property
    def name(self) -> str:
        if self.kind == "person":
            return str(self.obj.public_name)
        return str(getattr(self.obj, "name", None) or self.obj.title)

    @property
    def url(self) -> str:
        if self.kind == "person":
            from django.urls import reverse

            return reverse("accounts:public_profile", args=[self.obj.username])
        return str(self.obj.get_absolute_url())


# Pieces ----------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def challenge_skills(challenge: Challenge) -> list[str]:
    """The taxonomy skills a challenge speaks of, from its texts."""
    need = challenge.need
    text = "\n".join(
        [
            challenge.title,
            challenge.goal,
            challenge.success_criteria,
            need.title,
            need.description,
            challenge.subdomain.title if challenge.subdomain else "",
            need.domain.name,
        ]
    )
    return skills.codes_in_text(text)


def _with(codes: list[str], more: list[str] | None) -> list[str]:
    return codes + [c for c in more or [] if c not in codes]


def need_skills(need: Need) -> list[str]:
    return skills.codes_in_text(f"{need.title}\n{need.description}\n{need.domain}")


def _skill_part(
    theirs: list[str], wanted: list[str], language: str
) -> tuple[float, list[str], str | None]:
    common = [code for code in wanted if code in theirs]
    families = {code.split(".")[0] for code in common}
    near = {
        code.split(".")[0]
        for code in theirs
        if code not in common
        and code.split(".")[0] in {w.split(".")[0] for w in wanted}
    } - families
    score = SKILL_POINTS * len(common) + FAMILY_POINTS * len(near)
    reason = None
    if common:
        names = ", ".join(skills.label(code, language) for code in common)
        reason = ngettext(
            "%(n)d skill in common: %(skills)s",
            "%(n)d skills in common: %(skills)s",
            len(common),
        ) % {"n": len(common), "skills": names}
    elif near:
        reason = _("skills in the same family: %(families)s") % {
            "families": ", ".join(
                f.label(language) for f in skills.taxonomy() if f.code in near
            )
        }
    return score, common, reason


def _recency(when: datetime, now: datetime) -> float:
    days = (now - when).days
    if days <= 90:
        return 1.0
    if days <= 365:
        return 0.5
    return 0.25


def _place_part(distance: float | None) -> tuple[float, str | None]:
    if distance is None or distance > PLACE_RADIUS_KM:
        return 0.0, None
    points = MAX_PLACE_POINTS * (1 - distance / PLACE_RADIUS_KM)
    return points, _("%(km)s km away") % {"km": f"{distance:.0f}"}


def _nearest(
    lat: float | None, lon: float | None, places: Iterable[tuple[float, float]]
) -> float | None:
    if lat is None or lon is None:
        return None
    found = [distance_km(lat, lon, plat, plon) for plat, plon in places]
    return min(found) if found else None


def _month(when: datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m")


# For a challenge -------------------------------------------------------------


def _near_places(challenge: Challenge) -> Any:
    """Places within a box around the challenge's place (none without one)."""
    if challenge.lat is None or challenge.lon is None:
        return Place.objects.none()
    dlat = PLACE_RADIUS_KM / 111.0
    dlon = dlat / max(0.1, math.cos(math.radians(challenge.lat)))
    return Place.objects.filter(
        actor__hidden=False,
        lat__range=(challenge.lat - dlat, challenge.lat + dlat),
        lon__range=(challenge.lon - dlon, challenge.lon + dlon),
    )


def _related_contributions(challenge: Challenge) -> Q:
    """Ledger entries that speak for the challenge: same commons or domain."""
    related = Q(challenge__need__domain_id=challenge.need.domain_id)
    if challenge.commons_id:
        related |= Q(commons_id=challenge.commons_id)
    related |= Q(commons__betas__challenge__need__domain_id=challenge.need.domain_id)
    return related


def _target_name(entry: Contribution) -> str:
    if entry.challenge_id and entry.challenge:
        return entry.challenge.title
    return entry.commons.title if entry.commons else ""


def for_challenge(
    challenge: Challenge, *, limit: int = LIMIT, now: datetime | None = None
) -> dict[str, Any]:
    """Ranked people and actors: ``{"skills": […], "people": […], "actors": […]}``.

    People already taking part (or waiting) are left out, as are accounts
    that are inactive or deleted and actors hidden by moderation.
    """
    now = now or timezone.now()
    language = translation.get_language() or "fr"
    wanted = challenge_skills(challenge)
    taken = _never_suggested(challenge)
    entries = list(
        Contribution.objects.filter(status=Contribution.Status.CONFIRMED)
        .filter(_related_contributions(challenge))
        .select_related("commons", "challenge")
        .order_by("-created", "-id")
        .distinct()[:2000]
    )
    by_user: dict[int, list[Contribution]] = defaultdict(list)
    by_actor: dict[int, list[Contribution]] = defaultdict(list)
    for entry in entries:
        if entry.contributor_id:
            by_user[entry.contributor_id].append(entry)
        if entry.actor_id:
            by_actor[entry.actor_id].append(entry)

    user_model: Any = get_user_model()
    people = (
        user_model.objects.filter(is_active=True, deleted=False)
        .exclude(pk__in=taken)
        .exclude(suggestion_opt_out__isnull=False)
    )
    near = _near_places(challenge)
    nearby_people = set(near.values_list("actor__user_id", flat=True)) | set(
        near.values_list("actor__members__user_id", flat=True)
    )
    shown = _shown_skills()
    people = people.filter(
        Q(pk__in=list(by_user))
        | ~Q(skills=[])
        | Q(pk__in=nearby_people - {None})
        | Q(pk__in=list(shown))
    )
    # A person's places: those of their own person page and of organisations
    # they belong to.
    user_places: dict[int, list[tuple[float, float]]] = defaultdict(list)
    if challenge.lat is not None:
        for row in near.filter(
            Q(actor__user__isnull=False) | Q(actor__members__isnull=False)
        ).values_list("actor__user_id", "actor__members__user_id", "lat", "lon"):
            owner, member, lat, lon = row
            for uid in {owner, member} - {None}:
                user_places[uid].append((lat, lon))

    ranked_people = []
    for person in people.iterator(chunk_size=2000):
        suggestion = _score(
            Suggestion("person", person),
            theirs=_with(skills.codes_for(person.skills or []), shown.get(person.pk)),
            wanted=wanted,
            contributions=by_user.get(person.pk, []),
            distance=_nearest(
                challenge.lat, challenge.lon, user_places.get(person.pk, [])
            ),
            now=now,
            language=language,
        )
        if suggestion.score > 0:
            ranked_people.append(suggestion)

    # A person's own page stands for them among the people, not the actors.
    actors = Actor.objects.filter(hidden=False, user__isnull=True).filter(
        Q(pk__in=list(by_actor))
        | ~Q(skills=[])
        | Q(pk__in=near.values_list("actor_id", flat=True))
    )
    actor_places: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for actor_id, lat, lon in near.values_list("actor_id", "lat", "lon"):
        actor_places[actor_id].append((lat, lon))
    ranked_actors = []
    for actor in actors.iterator(chunk_size=2000):
        suggestion = _score(
            Suggestion("actor", actor),
            theirs=skills.codes_for(actor.skills or []),
            wanted=wanted,
            contributions=by_actor.get(actor.pk, []),
            distance=_nearest(
                challenge.lat, challenge.lon, actor_places.get(actor.pk, [])
            ),
            now=now,
            language=language,
        )
        if suggestion.score > 0:
            ranked_actors.append(suggestion)
    needed = roles_needed(challenge)
    _role_part(
        ranked_people, _roles_of_people([s.obj.pk for s in ranked_people]), needed
    )
    _role_part(
        ranked_actors,
        {s.obj.pk: ROLE_OF_ACTOR_TYPE.get(s.obj.type) for s in ranked_actors},
        needed,
    )
    invited = invitations.pending_ids(challenge)
    for suggestion in ranked_people:
        suggestion.invited = suggestion.obj.pk in invited
    return {
        "skills": [skills.label(code, language) for code in wanted],
        "roles_needed": [str(Participation.Role(role).label) for role in needed],
        "people": _top(ranked_people, limit),
        "actors": _top(ranked_actors, limit),
    }


def _never_suggested(challenge: Challenge) -> set[int]:
    """People in the challenge, its facilitators and its author."""
    live = [Participation.Status.ACTIVE, Participation.Status.WAITING]
    found = set(
        challenge.participations.filter(
            Q(status__in=live) | Q(role=Participation.Role.FACILITATOR)
        ).values_list("user_id", flat=True)
    )
    found |= set(
        DomainMember.objects.filter(
            domain_id=challenge.need.domain_id, role=DomainMember.Role.FACILITATOR
        ).values_list("user_id", flat=True)
    )
    if challenge.created_by_id:
        found.add(challenge.created_by_id)
    return found


def roles_needed(challenge: Challenge) -> list[str]:
    """The roles the challenge's community still lacks to be formed."""
    from fabrique.community import services

    active = challenge.participations.filter(status=Participation.Status.ACTIVE)
    counts = dict(
        active.values("role").annotate(n=Count("id")).values_list("role", "n")
    )
    needed = []
    if counts.get(FIELD_ACTOR, 0) < services.minimum_field():
        needed.append(FIELD_ACTOR)
    if counts.get(PRODUCER, 0) < services.minimum_makers():
        needed.append(PRODUCER)
    return needed


def _roles_of_people(user_ids: list[int]) -> dict[int, str | None]:
    """Each person's role: the one taken most in past challenges (field
    actor on a tie), else that of the kind of organisation they belong to."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for user_id, role in Participation.objects.filter(
        user_id__in=user_ids, role__in=[FIELD_ACTOR, PRODUCER]
    ).values_list("user_id", "role"):
        counts[user_id][role] += 1
    roles: dict[int, str | None] = {}
    for user_id, seen in counts.items():
        roles[user_id] = PRODUCER if seen[PRODUCER] > seen[FIELD_ACTOR] else FIELD_ACTOR
    rest = [pk for pk in user_ids if pk not in roles]
    for user_id, kind in (
        ActorMember.objects.filter(user_id__in=rest, actor__hidden=False)
        .order_by("user_id", "id")
        .values_list("user_id", "actor__type")
    ):
        if roles.get(user_id) is None:
            roles[user_id] = ROLE_OF_ACTOR_TYPE.get(kind)
    return roles


def _role_part(
    rows: list[Suggestion], roles: dict[int, str | None], needed: list[str]
) -> None:
    for suggestion in rows:
        suggestion.role = roles.get(suggestion.obj.pk)
        if suggestion.role in needed:
            suggestion.score = round(suggestion.score + ROLE_POINTS, 3)
            suggestion.reasons.append(
                _("the challenge still needs field actors")
                if suggestion.role == FIELD_ACTOR
                else _("the challenge still needs makers")
            )


def _score(
    suggestion: Suggestion,
    *,
    theirs: list[str],
    wanted: list[str],
    contributions: list[Contribution],
    distance: float | None,
    now: datetime,
    language: str,
) -> Suggestion:
    points, common, reason = _skill_part(theirs, wanted, language)
    suggestion.skills = common
    wanted_families = {code.split(".")[0] for code in wanted}
    suggestion.related = sum(
        1
        for code in theirs
        if code not in common and code.split(".")[0] in wanted_families
    )
    if reason:
        suggestion.reasons.append(reason)
    if contributions:
        weight = sum(
            _recency(entry.created, now) * KIND_WEIGHTS.get(entry.kind, 0.5)
            for entry in contributions
        )
        suggestion.weight = weight
        points += min(MAX_CONTRIBUTION_POINTS, weight)
        latest = contributions[0]
        suggestion.reasons.append(
            _("contributed to %(target)s in %(month)s")
            % {"target": _target_name(latest), "month": _month(latest.created)}
        )
    place_points, place_reason = _place_part(distance)
    if place_reason:
        points += place_points
        suggestion.distance_km = distance
        suggestion.reasons.append(place_reason)
    suggestion.score = round(points, 3)
    return suggestion


def _top(rows: list[Suggestion], limit: int) -> list[Suggestion]:
    rows.sort(
        key=lambda s: (
            -s.score,
            -len(s.skills),
            -s.related,
            -s.weight,
            s.name.casefold(),
        )
    )
    return rows[:limit]


# For a person ----------------------------------------------------------------


def _person_places(user: Any) -> list[tuple[float, float]]:
    return list(
        Place.objects.filter(actor__hidden=False)
        .filter(Q(actor__user=user) | Q(actor__members__user=user))
        .values_list("lat", "lon")
        .distinct()
    )


def for_person(
    user: Any, *, limit: int = LIMIT, now: datetime | None = None
) -> dict[str, list[Suggestion]]:
    """Challenges open to ``user`` and needs they might carry, ranked."""
    now = now or timezone.now()
    language = translation.get_language() or "fr"
    theirs = skills.codes_for(user.skills or [])
    domains = dict(
        DomainMember.objects.filter(user=user).values_list("domain_id", "domain__name")
    )
    places = _person_places(user)
    contributed = list(
        Contribution.objects.filter(
            contributor=user, status=Contribution.Status.CONFIRMED
        )
        .select_related("challenge__need", "commons")
        .order_by("-created")[:500]
    )
    domain_contributions: dict[int, list[Contribution]] = defaultdict(list)
    for entry in contributed:
        if entry.challenge_id and entry.challenge:
            domain_contributions[entry.challenge.need.domain_id].append(entry)
    # Not the challenges they are in or facilitate.
    taking_part = Participation.objects.filter(
        Q(status__in=[Participation.Status.ACTIVE, Participation.Status.WAITING])
        | Q(role=Participation.Role.FACILITATOR),
        user=user,
    ).values_list("challenge_id", flat=True)
    facilitated = DomainMember.objects.filter(
        user=user, role=DomainMember.Role.FACILITATOR
    ).values_list("domain_id", flat=True)
    challenges = (
        Challenge.objects.filter(
            hidden=False, need__hidden=False, need__domain__hidden=False,
            state__in=list(JOINABLE),
        )
        .exclude(pk__in=list(taking_part))
        .exclude(created_by=user)
        .exclude(need__domain_id__in=list(facilitated))
        .select_related("need__domain", "subdomain")
    )  # fmt: skip
    ranked = []
    for challenge in challenges.iterator(chunk_size=1000):
        suggestion = _score(
            Suggestion("challenge", challenge),
            theirs=theirs,
            wanted=challenge_skills(challenge),
            contributions=domain_contributions.get(challenge.need.domain_id, []),
            distance=_nearest(challenge.lat, challenge.lon, places),
            now=now,
            language=language,
        )
        _domain_part(suggestion, challenge.need.domain_id, domains)
        if suggestion.score > 0:
            ranked.append(suggestion)
    carried = user.needs_carried.values_list("need_id", flat=True)
    needs = (
        Need.objects.filter(hidden=False, domain__hidden=False)
        .exclude(pk__in=list(carried))
        .select_related("domain")
    )
    ranked_needs = []
    for need in needs.iterator(chunk_size=1000):
        suggestion = Suggestion("need", need)
        points, common, reason = _skill_part(theirs, need_skills(need), language)
        suggestion.score, suggestion.skills = points, common
        if reason:
            suggestion.reasons.append(reason)
        _domain_part(suggestion, need.domain_id, domains)
        if suggestion.score > 0:
            ranked_needs.append(suggestion)
    return {"challenges": _top(ranked, limit), "needs": _top(ranked_needs, limit)}


def _domain_part(
    suggestion: Suggestion, domain_id: int, domains: dict[int, str]
) -> None:
    if domain_id in domains:
        suggestion.score = round(suggestion.score + DOMAIN_POINTS, 3)
        suggestion.reasons.append(
            _("you are a member of %(domain)s") % {"domain": domains[domain_id]}
        )
