"""Small factories for community tests."""

from __future__ import annotations

import itertools

from fabrique.community import services
from fabrique.community.models import Challenge, Domain, Need
from tests.catalog.factories import make_user

_counter = itertools.count(1)


def make_domain(facilitator=None, name: str = "Vélo") -> Domain:
    facilitator = facilitator or make_user()
    return services.create_domain(
        user=facilitator, name=f"{name} {next(_counter)}", summary="Du vélo partagé."
    )


def make_need(domain=None, author=None, title="Comment partager plus de vélos ?"):
    domain = domain or make_domain()
    author = author or make_user()
    return services.propose_need(domain, user=author, title=title)


def challenge_data(**overrides) -> dict:
    data = {
        "title": "Dix vélos cargo en prêt à Villeurbanne",
        "goal": "Prêter dix vélos cargo à des familles pendant un mois.",
        "success_criteria": "Huit familles sur dix s'en servent chaque semaine.",
        "place_name": "Villeurbanne",
        "lat": 45.7719,
        "lon": 4.8902,
    }
    data.update(overrides)
    return data


def make_challenge(need: Need | None = None, *, state: str = "open", **overrides):
    """A challenge in ``state`` (set directly: the lifecycle is tested apart)."""
    need = need or make_need()
    facilitator = need.domain.members.filter(role="facilitator").first().user
    challenge = services.create_challenge(
        need, user=facilitator, data=challenge_data(**overrides)
    )
    if state != challenge.state:
        reason = "Plus de vélos disponibles." if state == "closed" else ""
        Challenge.objects.filter(pk=challenge.pk).update(
            state=state, closed_reason=reason
        )
        challenge.refresh_from_db()
    return challenge


def facilitator_of(obj) -> object:
    domain = obj if isinstance(obj, Domain) else getattr(obj, "domain", None)
    if domain is None:
        domain = obj.need.domain
    return domain.members.filter(role="facilitator").first().user


def fill_community(challenge, *, field: int | None = None, makers: int | None = None):
    """Enough people join ``challenge`` for its community to be formed (the
    instance's minimum by default); returns the makers who joined."""
    field = services.minimum_field() if field is None else field
    makers = services.minimum_makers() if makers is None else makers
    for _ in range(field):
        services.join_challenge(challenge, user=make_user(), role="field_actor")
    joined = [make_user() for _ in range(makers)]
    for maker in joined:
        services.join_challenge(challenge, user=maker, role="producer")
    return joined
