"""Routes of the ecosystem graph and dashboards under /api/1/ecosystem/.

Both are public reads over precomputed tables (``graph_edges``,
``aggregates``): the page and the API call the same functions.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema

from fabrique.api.errors import ApiError, ErrorOut
from fabrique.catalog.models import Kind, Theme
from fabrique.community.models import Domain
from fabrique.projects import dashboards, graph

router = Router(tags=["ecosystem"])
READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
NodeType = Literal["actor", "commons", "project", "challenge"]


class GraphParams(Schema):
    domain: str = Field("", description="Slug of a domain of interest.")
    kind: str = Field("", description="Keep only commons of this kind.")
    theme: str = Field("", description="Keep only commons of this theme (slug).")
    center: str = Field("", description="A node to start from: TYPE:ID.")
    depth: int | None = Field(None, ge=0, le=graph.MAX_DEPTH)
    types: list[NodeType] = Field(
        default_factory=lambda: list(graph.NODE_TYPES),
        description="Node types to keep.",
    )
    limit: int = Field(graph.DEFAULT_LIMIT, ge=1, le=graph.MAX_LIMIT)


class NodeOut(Schema):
    id: str = Field(description="TYPE:ID")
    type: str
    label: str
    url: str
    size: float
    kind: str = Field(description="Commons kind, actor type, project kind or state.")


class EdgeOut(Schema):
    source: str
    target: str
    relation: str
    weight: int


class GraphOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool = Field(description="True when more nodes were in reach.")


def graph_from_params(params: GraphParams) -> dict[str, Any]:
    """Resolve the query's names; the neighbourhood as JSON (pages use it too)."""
    domain = theme = center = None
    if params.domain:
        domain = Domain.objects.filter(slug=params.domain, hidden=False).first()
        if domain is None:
            raise ApiError(404, f"No domain of interest with slug={params.domain!r}.")
    if params.theme:
        theme = Theme.objects.filter(slug=params.theme).first()
        if theme is None:
            raise ApiError(404, f"No theme with slug={params.theme!r}.")
    if params.kind and params.kind not in Kind.values:
        raise ApiError(
            422,
            f"kind {params.kind!r} is not one of {', '.join(Kind.values)}.",
            details=[{"field": "kind", "type": "value_error"}],
        )
    if params.center:
        try:
            center = graph.parse_center(params.center)
        except graph.GraphError as exc:
            raise ApiError(
                422, str(exc), details=[{"field": "center", "type": "value_error"}]
            ) from exc
    return graph.cached_json(
        domain=domain,
        center=center,
        depth=params.depth,
        kind=params.kind,
        theme=theme,
        types=params.types,
        limit=params.limit,
    )


@router.get(
    "/ecosystem/graph/",
    response={200: GraphOut, **READ_ERRORS},
    url_name="ecosystem_graph",
)
def ecosystem_graph(request: HttpRequest, params: Query[GraphParams]) -> Any:
    """Nodes and edges around a domain's challenges, a node, or everything.

    ``domain`` starts from the domain's micro-challenges (depth 2 by default:
    their actors and commons, then those commons' projects, members,
    contributors and funders); ``center`` from one node (depth 1).
    """
    # Thousands of nodes: serialise the plain structure once, without a
    # second validation pass over what ``as_json`` already shaped.
    return JsonResponse(graph_from_params(params))


class ChartOut(Schema):
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


@router.get(
    "/ecosystem/dashboard/",
    response={200: list[ChartOut], **READ_ERRORS},
    url_name="ecosystem_dashboard",
)
def ecosystem_dashboard(request: HttpRequest) -> Any:
    """Every chart of the dashboard as a table: commons, contributions,
    challenges, funding and the health of each community."""
    return [
        {
            "slug": c.slug,
            "title": str(c.title),
            "columns": [str(col) for col in c.columns],
            "rows": [[_plain(v) for v in row] for row in c.rows],
        }
        for c in dashboards.charts()
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, (int, float, str)):
        return value
    return str(value)
