"""The ecosystem graph: a neighbourhood of actors, commons, projects, challenges.

Reads only the precomputed edge table (:mod:`fabrique.projects.graph_edges`)
and the labels of the nodes it reaches, so a domain's neighbourhood costs a
few indexed queries whatever the size of the ecosystem. Hidden objects never
appear. The page and the API call :func:`neighbourhood`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Model, Q
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Actor, Commons, Theme
from fabrique.community.models import Challenge, Domain
from fabrique.projects import graph_edges
from fabrique.projects.graph_edges import (
    ACTOR,
    CHALLENGE,
    COMMONS,
    NODE_TYPES,
    PROJECT,
)
from fabrique.projects.models import GraphEdge, Project

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
MAX_DEPTH = 3
TYPE_LABELS = {
    ACTOR: _("actor"),
    COMMONS: _("commons"),
    PROJECT: _("project"),
    CHALLENGE: _("challenge"),
}

NodeKey = tuple[str, int]


class GraphError(ValueError):
    """A graph request that names something unknown."""


@dataclass
class Node:
    type: str
    id: int
    label: str
    url: str
    size: float = 1.0
    kind: str = ""

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


@dataclass
class Edge:
    source: str
    target: str
    relation: str
    weight: int


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False


def parse_center(value: str) -> NodeKey:
    """``"commons:12"`` → ``("commons", 12)``; a clear error otherwise."""
    node_type, _sep, raw = (value or "").partition(":")
    if node_type not in NODE_TYPES or not raw.isdigit():
        raise GraphError(
            f"center {value!r} is not TYPE:ID with TYPE one of "
            f"{', '.join(NODE_TYPES)} (for example commons:12)"
        )
    return node_type, int(raw)


def _touching(nodes: Iterable[NodeKey]) -> Q:
    by_type: dict[str, list[int]] = {}
    for node_type, pk in nodes:
        by_type.setdefault(node_type, []).append(pk)
    where = Q(pk__in=[])
    for node_type, ids in by_type.items():
        where |= Q(src_type=node_type, src_id__in=ids)
        where |= Q(dst_type=node_type, dst_id__in=ids)
    return where


_EDGE_FIELDS = ("src_type", "src_id", "dst_type", "dst_id", "relation", "weight")


def _by_type(nodes: Iterable[NodeKey]) -> dict[str, list[int]]:
    by_type: dict[str, list[int]] = {}
    for node_type, pk in nodes:
        by_type.setdefault(node_type, []).append(pk)
    return by_type


def _edges_touching(nodes: list[NodeKey], cap: int) -> list[tuple[Any, ...]]:
    """At most ``cap`` edges with an end among ``nodes``."""
    if connection.vendor != "postgresql":
        rows = GraphEdge.objects.filter(_touching(nodes)).values_list(*_EDGE_FIELDS)
        return list(rows[:cap])
    # One array parameter per type rather than thousands of IN parameters.
    clauses, params = [], []
    for node_type, ids in _by_type(nodes).items():
        clauses.append("(src_type = %s AND src_id = ANY(%s))")
        clauses.append("(dst_type = %s AND dst_id = ANY(%s))")
        params += [node_type, ids, node_type, ids]
    if not clauses:
        return []
    # Only constant names and placeholders are joined in; values are bound.
    sql = (
        f"SELECT {', '.join(_EDGE_FIELDS)} FROM {GraphEdge._meta.db_table} "  # noqa: S608
        f"WHERE {' OR '.join(clauses)} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, cap])
        return [tuple(row) for row in cursor.fetchall()]


def _with_ids(queryset: Any, ids: list[int]) -> Any:
    """``queryset`` restricted to ``ids`` (an array parameter on PostgreSQL)."""
    if connection.vendor != "postgresql":
        return queryset.filter(pk__in=ids)
    # A constant subquery; the ids travel as one bound array parameter.
    ids_sql = RawSQL("SELECT unnest(%s::integer[])", (ids,))
    return queryset.filter(pk__in=ids_sql)


def _expand(
    seeds: list[NodeKey],
    depth: int,
    limit: int,
    first: list[tuple[Any, ...]] | None = None,
) -> tuple[dict[NodeKey, int], list[tuple[Any, ...]], bool]:
    """Breadth-first walk from ``seeds``; nodes (with their level) and edges.

    ``first`` gives the first step's edges when they are known already (a
    domain's challenge edges carry the domain).
    """
    level: dict[NodeKey, int] = dict.fromkeys(seeds[:limit], 0)
    truncated = len(seeds) > limit
    edges: dict[tuple[Any, ...], None] = {}
    frontier = list(level)
    for step in range(1, depth + 1):
        if not frontier:
            break
        if step == 1 and first is not None:
            rows = first
        else:
            rows = _edges_touching(frontier, limit * 3)
        following: list[NodeKey] = []
        for row in rows:
            src, dst = (row[0], row[1]), (row[2], row[3])
            for node in (src, dst):
                if node not in level:
                    if len(level) >= limit:
                        truncated = True
                        break
                    level[node] = step
                    following.append(node)
            else:
                edges[row] = None
        frontier = following
    return level, list(edges), truncated


def _url_maker(name: str) -> str:
    try:
        return reverse(name, args=["__slug__"])
    except NoReverseMatch:  # pages not mounted: fall back to the API
        return ""


def _labels(nodes: Iterable[NodeKey]) -> dict[NodeKey, Node]:
    """Label, link and kind of each visible node; hidden and gone ones are left out."""
    by_type: dict[str, list[int]] = {}
    for node_type, pk in nodes:
        by_type.setdefault(node_type, []).append(pk)
    found: dict[NodeKey, Node] = {}
    sources: dict[str, tuple[Any, str, str, str]] = {
        COMMONS: (Commons, "title", "kind", "catalog:commons"),
        ACTOR: (Actor, "name", "type", "catalog:actor"),
        PROJECT: (Project, "name", "kind", "projects:project"),
        CHALLENGE: (Challenge, "title", "state", "community:challenge"),
    }
    for node_type, ids in by_type.items():
        model, label, kind, url_name = sources[node_type]
        pattern = _url_maker(url_name) or f"/api/1/{node_type}s/__slug__"
        rows = _with_ids(model.objects.filter(hidden=False), ids).values_list(
            "pk", label, "slug", kind
        )
        for pk, text, slug, kind_value in rows:
            found[(node_type, pk)] = Node(
                node_type, pk, text, pattern.replace("__slug__", slug), kind=kind_value
            )
    return found


def _seeds(domain: Domain | None, center: NodeKey | None, limit: int) -> list[NodeKey]:
    if center is not None:
        return [center]
    if domain is not None:
        ids = Challenge.objects.filter(need__domain=domain, hidden=False)
        return [(CHALLENGE, pk) for pk in ids.values_list("pk", flat=True)]
    # The whole ecosystem: start from the most connected edges' ends.
    seeds: dict[NodeKey, None] = {}
    for row in GraphEdge.objects.order_by("-weight", "id").values_list(
        "src_type", "src_id", "dst_type", "dst_id"
    )[: limit * 2]:
        seeds[(row[0], row[1])] = None
        seeds[(row[2], row[3])] = None
    return list(seeds)


def neighbourhood(
    *,
    domain: Domain | None = None,
    center: NodeKey | None = None,
    depth: int | None = None,
    kind: str = "",
    theme: Theme | None = None,
    types: Iterable[str] = NODE_TYPES,
    limit: int = DEFAULT_LIMIT,
) -> Graph:
    """The graph around ``center``, or a domain's challenges, or everything.

    ``kind`` and ``theme`` keep only the commons of that kind or theme (the
    other nodes stay when something still links them); ``types`` keeps only
    those node types. At most ``limit`` nodes come back, nearest first.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    if depth is None:
        depth = 1 if center is not None or domain is None else 2
    depth = max(0, min(depth, MAX_DEPTH))
    seeds = _seeds(domain, center, limit)
    if domain is None and center is None:
        depth = 0
    first = None
    if domain is not None and center is None:
        first = list(
            GraphEdge.objects.filter(domain_id=domain.pk).values_list(*_EDGE_FIELDS)[
                : limit * 4
            ]
        )
    level, rows, truncated = _expand(seeds, depth, limit, first)
    if domain is None and center is None:
        # Seeds came as edge ends: keep those edges among them.
        rows = list(
            GraphEdge.objects.filter(_touching(level))
            .order_by("-weight", "id")
            .values_list(*_EDGE_FIELDS)[: limit * 4]
        )
        rows = [r for r in rows if (r[0], r[1]) in level and (r[2], r[3]) in level]
    nodes = _labels(level)
    wanted = set(types)
    drop: set[NodeKey] = {key for key in nodes if key[0] not in wanted}
    if kind or theme is not None:
        commons = [pk for (t, pk) in nodes if t == COMMONS]
        keep = _with_ids(Commons.objects.all(), commons)
        if kind:
            keep = keep.filter(kind=kind)
        if theme is not None:
            keep = keep.filter(themes=theme)
        kept = set(keep.values_list("pk", flat=True))
        drop |= {(COMMONS, pk) for pk in commons if pk not in kept}
    for key in drop:
        nodes.pop(key, None)
    edges = [
        Edge(f"{r[0]}:{r[1]}", f"{r[2]}:{r[3]}", r[4], r[5])
        for r in rows
        if (r[0], r[1]) in nodes and (r[2], r[3]) in nodes
    ]
    degree: dict[str, int] = {}
    for edge in edges:
        degree[edge.source] = degree.get(edge.source, 0) + edge.weight
        degree[edge.target] = degree.get(edge.target, 0) + edge.weight
    seed_set = set(seeds)
    if kind or theme is not None:
        # A node the filter cut off from everything else has nothing to show.
        nodes = {
            k: n
            for k, n in nodes.items()
            if n.key in degree or (k in seed_set and k[0] != COMMONS)
        }
    ordered = sorted(
        nodes.values(), key=lambda n: (level.get((n.type, n.id), 0), n.key)
    )
    for node in ordered:
        node.size = round(1 + math.log2(1 + degree.get(node.key, 0)), 2)
    return Graph(nodes=ordered, edges=edges, truncated=truncated)


CACHE_SECONDS = 600


def cached_json(**query: Any) -> dict[str, Any]:
    """:func:`as_json` of :func:`neighbourhood`, cached until the graph changes.

    The key holds the graph's version, which every write that may change an
    edge, a node's name or its visibility moves on (``graph_edges.bump``), in
    the same transaction: a stale answer is never served after a write.
    """
    parts = []
    for name, value in sorted(query.items()):
        if isinstance(value, Model):
            value = value.pk
        elif isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        parts.append(f"{name}={value}")
    key = (
        "ecosystem-graph:"
        + hashlib.sha256(
            f"{graph_edges.version()}|{'&'.join(parts)}|{get_language()}".encode()
        ).hexdigest()
    )
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = as_json(neighbourhood(**query))
        cache.set(key, found, CACHE_SECONDS)
    return found


def as_json(graph: Graph) -> dict[str, Any]:
    """The graph as the API and the page's script read it."""
    return {
        "nodes": [
            {
                "id": n.key,
                "type": n.type,
                "label": n.label,
                "url": n.url,
                "size": n.size,
                "kind": n.kind,
            }
            for n in graph.nodes
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "relation": e.relation,
                "weight": e.weight,
            }
            for e in graph.edges
        ],
        "truncated": graph.truncated,
    }
