"""The ecosystem graph's edges, written when the objects behind them are.

Each origin (a challenge, a commons' membership list, a project, an
actor–target pair of the ledger, a funder–commons pair) owns its edges:
after any write to it, :func:`refresh` deletes them and derives them again
from the source tables, in the same transaction as the write. Deleting a node
removes every edge that touches it. :func:`rebuild` derives the whole table
from scratch, for bulk loads that bypass signals.

Edges point from the actor side to the commons side:

- actor → challenge, relation = the role taken (field actor, producer,
  facilitator);
- challenge → commons, ``delivered`` (the commons it produced) or ``beta``;
- actor → commons, relation = the membership role, or ``contributes``
  (confirmed ledger entries, weighted by their number), or ``funds``;
- actor → project ``carries``; project → commons ``uses`` / ``contributes``.

A person's own actor (``Actor.user``) stands for them where they act alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from fabrique.catalog.models import Actor, Commons, CommunityMembership
from fabrique.community.models import BetaVersion, Challenge, Participation
from fabrique.core import versions
from fabrique.core.presave import row_before_save
from fabrique.projects.models import (
    Contribution,
    Funding,
    GraphEdge,
    Project,
)

ACTOR, COMMONS, PROJECT, CHALLENGE = "actor", "commons", "project", "challenge"
NODE_TYPES = (ACTOR, COMMONS, PROJECT, CHALLENGE)
BATCH = 5000

Key = tuple[str, int, str, int, str]  # src type, src id, dst type, dst id, relation


def _edge(key: Key, weight: int, origin: str, domain_id: int | None) -> GraphEdge:
    src_type, src_id, dst_type, dst_id, relation = key
    return GraphEdge(
        src_type=src_type,
        src_id=src_id,
        dst_type=dst_type,
        dst_id=dst_id,
        relation=relation,
        weight=weight,
        origin=origin,
        domain_id=domain_id,
    )


def _person_actors(user_ids: Iterable[int | None]) -> dict[int, int]:
    ids = {u for u in user_ids if u is not None}
    if not ids:
        return {}
    return dict(Actor.objects.filter(user_id__in=ids).values_list("user_id", "id"))  # type: ignore[arg-type]


# Derivations, one per kind of origin ---------------------------------------


def _challenge_edges(challenge_ids: Iterable[int] | None) -> list[GraphEdge]:
    challenges = Challenge.objects.all()
    betas = BetaVersion.objects.exclude(commons=None)
    seats = Participation.objects.filter(status=Participation.Status.ACTIVE)
    if challenge_ids is not None:
        ids = list(challenge_ids)
        challenges = challenges.filter(pk__in=ids)
        betas = betas.filter(challenge_id__in=ids)
        seats = seats.filter(challenge_id__in=ids)
    rows = {
        pk: (commons_id, domain_id)
        for pk, commons_id, domain_id in challenges.values_list(
            "pk", "commons_id", "need__domain_id"
        )
    }
    keys: dict[int, dict[Key, int]] = {pk: {} for pk in rows}
    for pk, (commons_id, _domain) in rows.items():
        if commons_id:
            keys[pk][(CHALLENGE, pk, COMMONS, commons_id, "delivered")] = 1
    for pk, commons_id in betas.values_list("challenge_id", "commons_id").distinct():
        if pk in rows and commons_id != rows[pk][0]:
            keys[pk][(CHALLENGE, pk, COMMONS, commons_id, "beta")] = 1
    people = list(seats.values_list("challenge_id", "actor_id", "user_id", "role"))
    person = _person_actors(user for _c, _a, user, _r in people)
    for pk, actor_id, user_id, role in people:
        actor = actor_id or person.get(user_id)
        if actor and pk in rows:
            key = (ACTOR, actor, CHALLENGE, pk, role)
            keys[pk][key] = keys[pk].get(key, 0) + 1
    return [
        _edge(key, weight, f"challenge:{pk}", rows[pk][1])
        for pk, edges in keys.items()
        for key, weight in edges.items()
    ]


def _member_edges(commons_ids: Iterable[int] | None) -> list[GraphEdge]:
    members = CommunityMembership.objects.filter(
        status=CommunityMembership.Status.ACTIVE
    )
    if commons_ids is not None:
        members = members.filter(commons_id__in=list(commons_ids))
    rows = list(members.values_list("commons_id", "actor_id", "user_id", "role"))
    person = _person_actors(user for _c, _a, user, _r in rows)
    keys: Counter[Key] = Counter()
    for commons_id, actor_id, user_id, role in rows:
        actor = actor_id or person.get(user_id)
        if actor:
            keys[(ACTOR, actor, COMMONS, commons_id, role)] += 1
    return [_edge(k, n, f"members:{k[3]}", None) for k, n in keys.items()]


def _project_edges(project_ids: Iterable[int] | None) -> list[GraphEdge]:
    projects = Project.objects.all()
    uses = Project.uses.through.objects.all()
    gives = Project.contributes_to.through.objects.all()
    if project_ids is not None:
        ids = list(project_ids)
        projects = projects.filter(pk__in=ids)
        uses = uses.filter(project_id__in=ids)
        gives = gives.filter(project_id__in=ids)
    edges = [
        _edge((ACTOR, actor, PROJECT, pk, "carries"), 1, f"project:{pk}", None)
        for pk, actor in projects.values_list("pk", "actor_id")
    ]
    for relation, rows in (("uses", uses), ("contributes", gives)):
        edges += [
            _edge((PROJECT, pk, COMMONS, c, relation), 1, f"project:{pk}", None)
            for pk, c in rows.values_list("project_id", "commons_id")
        ]
    return edges


def _contribution_origin(actor: int, commons: int | None, challenge: int | None) -> str:
    if commons:
        return f"contrib:{actor}:{COMMONS}:{commons}"
    return f"contrib:{actor}:{CHALLENGE}:{challenge}"


def _contribution_edges(where: Q | None) -> list[GraphEdge]:
    entries = Contribution.objects.filter(status=Contribution.Status.CONFIRMED)
    if where is not None:
        entries = entries.filter(where)
    rows = (
        entries.values_list(
            "actor_id", "contributor__person_actor__id", "commons_id", "challenge_id"
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    keys: Counter[tuple[int, int | None, int | None]] = Counter()
    for actor_id, person, commons_id, challenge_id, n in rows:
        actor = actor_id or person
        if actor:
            keys[(actor, commons_id, challenge_id)] += n
    edges = []
    for (actor, commons_id, challenge_id), n in keys.items():
        target = (COMMONS, commons_id) if commons_id else (CHALLENGE, challenge_id)
        key = (ACTOR, actor, target[0], target[1], "contributes")
        origin = _contribution_origin(actor, commons_id, challenge_id)
        edges.append(_edge(key, n, origin, None))  # type: ignore[arg-type]
    return edges


def _funding_edges(where: Q | None) -> list[GraphEdge]:
    fundings = Funding.objects.filter(hidden=False)  # hidden by moderation
    if where is not None:
        fundings = fundings.filter(where)
    rows = fundings.values_list("funder_id", "commons_id").annotate(n=Count("id"))
    return [
        _edge((ACTOR, f, COMMONS, c, "funds"), n, f"funding:{f}:{c}", None)
        for f, c, n in rows.order_by()
    ]


# Refresh -------------------------------------------------------------------

#: The version that moves whenever the graph may have changed: cached
#: neighbourhoods are stored under it, so a write makes them stale at once
#: (a version of ``fabrique.core.versions``: writers do not queue on it).
VERSION = "graph"


def version() -> int:
    """The graph's current version (read by the cache of neighbourhoods)."""
    return versions.current(VERSION)


def bump() -> None:
    """Move the version on: every cached neighbourhood is stale."""
    versions.bump(VERSION)


def _derive(origin: str) -> list[GraphEdge]:
    kind, _sep, rest = origin.partition(":")
    if kind == "challenge":
        return _challenge_edges([int(rest)])
    if kind == "members":
        return _member_edges([int(rest)])
    if kind == "project":
        return _project_edges([int(rest)])
    if kind == "funding":
        funder, commons = (int(x) for x in rest.split(":"))
        return _funding_edges(Q(funder_id=funder, commons_id=commons))
    if kind == "contrib":
        actor_s, target, target_id = rest.split(":")
        actor = int(actor_s)
        field = "commons_id" if target == COMMONS else "challenge_id"
        who = Q(actor_id=actor) | Q(actor=None, contributor__person_actor__id=actor)
        where = who & Q(**{field: int(target_id)})
        if target == CHALLENGE:
            where &= Q(commons=None)
        return _contribution_edges(where)
    raise ValueError(f"unknown graph origin {origin!r}")


def refresh(*origins: str) -> None:
    """Derive again the edges of each origin, replacing the stored ones."""
    with transaction.atomic():
        for origin in dict.fromkeys(o for o in origins if o):
            GraphEdge.objects.filter(origin=origin).delete()
            GraphEdge.objects.bulk_create(_derive(origin), batch_size=BATCH)
        bump()


def drop_node(node_type: str, node_id: int) -> None:
    """Remove every edge that touches a deleted node."""
    GraphEdge.objects.filter(
        Q(src_type=node_type, src_id=node_id) | Q(dst_type=node_type, dst_id=node_id)
    ).delete()
    bump()


def rebuild() -> int:
    """Derive the whole edge table from scratch; return the number of edges."""
    with transaction.atomic():
        GraphEdge.objects.all().delete()
        total = 0
        for derive in (_challenge_edges, _member_edges, _project_edges):
            edges = derive(None)
            GraphEdge.objects.bulk_create(edges, batch_size=BATCH)
            total += len(edges)
        for derive_all in (_contribution_edges, _funding_edges):
            edges = derive_all(None)
            GraphEdge.objects.bulk_create(edges, batch_size=BATCH)
            total += len(edges)
        bump()
    return total


# Signals -------------------------------------------------------------------


def _ledger_origin(entry: Contribution) -> str:
    actor = entry.actor_id
    if actor is None and entry.contributor_id is not None:
        actor = _person_actors([entry.contributor_id]).get(entry.contributor_id)
    if actor is None:
        return ""
    return _contribution_origin(actor, entry.commons_id, entry.challenge_id)


def _origins_of(instance: Model) -> list[str]:
    if isinstance(instance, Challenge):
        return [f"challenge:{instance.pk}"]
    if isinstance(instance, (BetaVersion, Participation)):
        return [f"challenge:{instance.challenge_id}"]
    if isinstance(instance, CommunityMembership):
        return [f"members:{instance.commons_id}"]
    if isinstance(instance, Project):
        return [f"project:{instance.pk}"]
    if isinstance(instance, Contribution):
        return [_ledger_origin(instance)]
    if isinstance(instance, Funding):
        return [f"funding:{instance.funder_id}:{instance.commons_id}"]
    return []


_SOURCES: tuple[type[Model], ...] = (
    Challenge, BetaVersion, Participation, CommunityMembership, Project,
    Contribution, Funding,
)  # fmt: skip
_NODES: dict[type[Model], str] = {
    Actor: ACTOR,
    Commons: COMMONS,
    Project: PROJECT,
    Challenge: CHALLENGE,
}


#: For a ledger entry, the fields its edges come from (who, for what, whether
#: confirmed): a save of other fields only (its words, its description)
#: changes no edge, and nothing a neighbourhood shows.
_EDGE_FIELDS: dict[type[Model], frozenset[str]] = {
    Contribution: frozenset(
        {
            "status",
            "actor",
            "actor_id",
            "contributor",
            "contributor_id",
            "commons",
            "commons_id",
            "challenge",
            "challenge_id",
        }
    ),
}


def _edgeless(sender: Any, update_fields: Any) -> bool:
    fields = _EDGE_FIELDS.get(sender)
    return bool(
        update_fields is not None
        and fields is not None
        and not fields & set(update_fields)
    )


def _before_save(sender: Any, instance: Model, **kwargs: Any) -> None:
    # A write may move an object to another origin (a contribution to another
    # commons): remember where it was, to refresh both.
    if instance.pk is None or kwargs.get("raw"):
        return
    if _edgeless(sender, kwargs.get("update_fields")):
        return
    old = row_before_save(sender, instance)
    instance._graph_origins = _origins_of(old) if old else []  # type: ignore[attr-defined]


def _after_save(sender: Any, instance: Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or _edgeless(sender, kwargs.get("update_fields")):
        return
    before = getattr(instance, "_graph_origins", [])
    refresh(*before, *_origins_of(instance))


def _after_delete(sender: Any, instance: Model, **kwargs: Any) -> None:
    if sender in _NODES:
        drop_node(_NODES[sender], instance.pk)
    if sender in _SOURCES:
        refresh(*_origins_of(instance))


def _node_saved(sender: Any, instance: Model, **kwargs: Any) -> None:
    # A node's name, address or visibility shows in cached neighbourhoods.
    if not kwargs.get("raw"):
        bump()


def _after_m2m(sender: Any, instance: Model, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Project):
        refresh(f"project:{instance.pk}")
    else:  # the reverse side: a commons' projects changed
        refresh(*(f"project:{pk}" for pk in kwargs.get("pk_set") or ()))


def connect() -> None:
    """Keep the edge table current as the ecosystem is written."""
    for model in _SOURCES:
        uid = f"graph.{model.__name__}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post")
    for model in {*_SOURCES, *_NODES}:
        post_delete.connect(
            _after_delete, sender=model, dispatch_uid=f"graph.{model.__name__}.del"
        )
    for model in (Actor, Commons):
        post_save.connect(
            _node_saved, sender=model, dispatch_uid=f"graph.{model.__name__}.node"
        )
    for through in (Project.uses.through, Project.contributes_to.through):
        m2m_changed.connect(
            _after_m2m, sender=through, dispatch_uid=f"graph.{through.__name__}"
        )
