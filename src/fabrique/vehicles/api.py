"""The vehicles API under ``/api/1/vehicles/``: interface types, modules and
their ports, saved vehicles (configurations), ``check`` and ``complete``.

Reads, ``check`` and ``complete`` are public (the last two store nothing);
saving, updating and forking a vehicle need a token or a session with CSRF
and go through :mod:`fabrique.vehicles.services`, as the pages do.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from fabrique.api.auth import WRITE_AUTH
from fabrique.api.common import caller, get_or_404
from fabrique.api.errors import ApiError, ErrorOut
from fabrique.api.pagination import PageParams, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.vehicles import compat, completion, services
from fabrique.vehicles.explain import explain
from fabrique.vehicles.models import Configuration, InterfaceType, Module

router = Router(tags=["vehicles"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 422, 429), ErrorOut)
READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}


class ParameterOut(Schema):
    name: str
    unit: str
    rule: str


class InterfaceTypeOut(Schema):
    key: str
    version: str
    category: str
    title: str
    parameters: list[ParameterOut]
    source: str
    commons: str = Field(..., description="slug of the documenting commons")

    @staticmethod
    def resolve_commons(obj: InterfaceType) -> str:
        return obj.commons.slug


class PortOut(Schema):
    name: str
    interface: str
    version: str
    role: str
    params: dict[str, Any]
    links: int

    @staticmethod
    def resolve_interface(obj: Any) -> str:
        return str(obj.interface.key)

    @staticmethod
    def resolve_version(obj: Any) -> str:
        return str(obj.interface.version)


class PartOut(Schema):
    reference: str
    name: str
    quantity: str
    unit: str
    unit_cost: str
    source: str

    @staticmethod
    def resolve_quantity(obj: Any) -> str:
        return f"{obj.quantity.normalize():f}"

    @staticmethod
    def resolve_unit_cost(obj: Any) -> str:
        return f"{obj.unit_cost:.2f}"


class ModuleItem(Schema):
    slug: str
    title: str
    kind: str
    mass: float
    mass_unit: str
    cost: str
    currency: str
    licence: str
    functions: list[str]
    demo: bool

    @staticmethod
    def resolve_title(obj: Module) -> str:
        return obj.commons.title

    @staticmethod
    def resolve_licence(obj: Module) -> str:
        return obj.commons.licence

    @staticmethod
    def resolve_cost(obj: Module) -> str:
        return f"{obj.cost:.2f}"


class ModuleOut(ModuleItem):
    load_rating: float | None
    required_functions: list[str]
    ports: list[PortOut]
    parts: list[PartOut]

    @staticmethod
    def resolve_ports(obj: Module) -> list[Any]:
        return list(obj.ports.all())

    @staticmethod
    def resolve_parts(obj: Module) -> list[Any]:
        return list(obj.parts.all())


class PortIn(Schema):
    name: str = Field(..., pattern=r"^[-a-z0-9_]+$", max_length=60)
    interface: str = Field(..., description="an interface type's key")
    role: Literal["host", "guest", "peer"]
    params: dict[str, Any] = Field(
        default_factory=dict,
        description='"36..60 V", "25.4 mm", {"min", "max", "unit"} or a word',
    )
    links: int = Field(1, ge=0, le=100, description="0 for a bus")


class PartIn(Schema):
    reference: str = Field(..., max_length=100)
    name: str = Field(..., max_length=200)
    quantity: float = Field(..., gt=0)
    unit: str = "pcs"
    unit_cost: float = Field(0, ge=0)
    unit_mass: float = Field(0, ge=0, description="kg per unit")
    source: str = ""


class ModuleIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field(..., min_length=1, max_length=300)
    licence: str = ""
    kind: Literal[
        "platform", "drive", "battery", "charger", "body", "seat", "cargo",
        "lighting", "brakes", "controller", "converter", "adapter",
    ]  # fmt: skip
    mass: float = Field(..., ge=0)
    mass_unit: str = "kg"
    cost: float = Field(0, ge=0)
    functions: list[str] = Field(default_factory=list)
    load_rating: float | None = Field(None, ge=0, description="platforms, kg")
    required_functions: list[str] = Field(default_factory=list)
    ports: list[PortIn] = Field(default_factory=list)
    parts: list[PartIn] = Field(default_factory=list)


class VehicleIn(Schema):
    platform: str = Field(..., description="slug of the platform module")
    modules: dict[str, str] = Field(
        default_factory=dict, description="item key → module slug"
    )
    links: list[list[str]] = Field(
        default_factory=list, description="[a, a_port, b, b_port] item keys"
    )
    payload: float = Field(0, ge=0, description="rider and load, kg")
    required_functions: list[str] = Field(default_factory=list)


class SaveIn(VehicleIn):
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = ""
    licence: str = ""


class ProblemOut(Schema):
    code: str
    severity: str
    message: str = Field(..., description="in the caller's language")
    items: list[str]
    ports: list[str]
    parameter: str
    values: list[str]
    adapters: list[str] = Field(
        ..., description="slugs of adapter modules that bridge the two sides"
    )


class CheckOut(Schema):
    ok: bool = Field(..., description="no problem of severity error")
    problems: list[ProblemOut]


class ConfigurationOut(Schema):
    slug: str
    title: str
    summary: str
    platform: str
    modules: dict[str, str]
    links: list[list[str]]
    payload: float
    forked_from: str | None
    check: CheckOut


class CompleteIn(Schema):
    platform: str
    required_functions: list[str] = Field(default_factory=list)
    budget: float | None = Field(None, ge=0)
    max_mass: float | None = Field(None, ge=0, description="kg of added modules")
    licences: list[str] | None = Field(None, description="SPDX ids allowed")
    rank_by: Literal["cost", "mass"] = "cost"
    top: int = Field(5, ge=1, le=20)
    payload: float = Field(0, ge=0)


class ProposalOut(Schema):
    modules: dict[str, str]
    links: list[list[str]]
    cost: float
    mass: float


class CompleteOut(Schema):
    proposals: list[ProposalOut]
    reasons: list[dict[str, Any]] = Field(
        ..., description="why no set exists: codes and figures, when none"
    )


class ModuleFilters(PageParams):
    kind: str | None = None
    interface: str | None = None


def _check_out(draft: services.Draft) -> dict[str, Any]:
    try:
        problems = services.check(draft)
    except services.VehicleError as exc:
        raise ApiError(422, str(exc)) from None
    titles = dict(
        Module.objects.filter(commons__slug__in=draft.items().values()).values_list(
            "commons__slug", "commons__title"
        )
    )
    names = {k: titles.get(v, v) for k, v in draft.items().items()}
    return {
        "ok": not compat.errors(problems),
        "problems": [
            {
                "code": p.code,
                "severity": p.severity,
                "message": explain(p, names),
                "items": list(p.items),
                "ports": list(p.ports),
                "parameter": p.parameter,
                "values": list(p.values),
                "adapters": [m.commons.slug for m in services.adapters_for(p)],
            }
            for p in problems
        ],
    }


def _draft(payload: VehicleIn) -> services.Draft:
    try:
        return services.Draft.from_data(payload.model_dump())
    except services.VehicleError as exc:
        raise ApiError(422, str(exc)) from None


def _configuration_out(configuration: Configuration) -> dict[str, Any]:
    draft = services.Draft.of(configuration)
    return {
        "slug": configuration.commons.slug,
        "title": configuration.commons.title,
        "summary": configuration.commons.summary,
        "platform": draft.platform,
        "modules": draft.modules,
        "links": draft.links,
        "payload": draft.payload,
        "forked_from": configuration.forked_from.commons.slug
        if configuration.forked_from
        else None,
        "check": _check_out(draft),
    }


def _configurations() -> Any:
    return Configuration.objects.filter(commons__hidden=False).select_related(
        "commons", "forked_from__commons"
    )


@router.get(
    "/vehicles/interface-types/",
    response={200: list[InterfaceTypeOut], **READ_ERRORS},
)
def list_interface_types(request: HttpRequest) -> Any:
    """Every interface type, each version, with its parameters and rules."""
    return InterfaceType.objects.select_related("commons")


@router.get("/vehicles/modules/", response={200: page_of(ModuleItem), **READ_ERRORS})
def list_modules(request: HttpRequest, filters: Query[ModuleFilters]) -> Any:
    """Modules, filtered by kind and by an interface type's key."""
    rows = services.modules_queryset()
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.interface:
        rows = rows.filter(ports__interface__key=filters.interface).distinct()
    return paginate(request, rows.order_by("kind", "commons__title", "pk"), filters)


@router.get("/vehicles/modules/{slug}/", response={200: ModuleOut, **READ_ERRORS})
def get_module(request: HttpRequest, slug: str) -> Any:
    """One module with its ports and its own bill of materials."""
    return get_or_404(services.modules_queryset(), "module", commons__slug=slug)


@router.post("/vehicles/modules/", response={201: ModuleOut, **ERRORS}, **WRITE)
def create_module(request: HttpRequest, payload: ModuleIn) -> Any:
    """Create a module: a hardware commons you hold, with its ports and parts."""
    unknown = sorted(set(payload.functions) - set(compat.FUNCTIONS))
    if unknown:
        raise ApiError(422, f"Unknown functions: {', '.join(unknown)}.")
    try:
        compat.quantity({"value": payload.mass, "unit": payload.mass_unit}, "kg")
        module = services.create_module(
            user=caller(request),
            commons={
                "title": payload.title,
                "summary": payload.summary,
                "licence": payload.licence,
            },
            kind=payload.kind,
            mass=payload.mass,
            mass_unit=payload.mass_unit,
            cost=payload.cost,
            functions=payload.functions,
            load_rating=payload.load_rating,
            required_functions=payload.required_functions,
            ports=[p.model_dump() for p in payload.ports],
            parts=[p.model_dump() for p in payload.parts],
        )
    except (services.VehicleError, compat.CompatError) as exc:
        raise ApiError(422, str(exc)) from None
    return Status(201, services.modules_queryset().get(pk=module.pk))


@router.get(
    "/vehicles/modules/{slug}/ports/", response={200: list[PortOut], **READ_ERRORS}
)
def list_ports(request: HttpRequest, slug: str) -> Any:
    """The ports of one module."""
    module = get_or_404(services.modules_queryset(), "module", commons__slug=slug)
    return list(module.ports.all())


@router.post("/vehicles/check/", response={200: CheckOut, **READ_ERRORS})
def check(request: HttpRequest, payload: VehicleIn) -> Any:
    """Every problem of a vehicle, with its reason; stores nothing."""
    return _check_out(_draft(payload))


@router.post("/vehicles/complete/", response={200: CompleteOut, **READ_ERRORS})
def complete(request: HttpRequest, payload: CompleteIn) -> Any:
    """Module sets completing a platform, ranked, or why there is none."""
    specs = services.module_specs()
    platform = specs.get(payload.platform)
    if platform is None:
        raise ApiError(404, f"No module with slug={payload.platform!r}.")
    result = completion.complete(
        platform,
        [m for k, m in specs.items() if k != platform.key],
        services.interface_specs(),
        required=payload.required_functions,
        limits=completion.Limits(
            budget=payload.budget,
            max_mass=payload.max_mass,
            licences=frozenset(payload.licences)
            if payload.licences is not None
            else None,
            rank_by=payload.rank_by,
            top=payload.top,
            payload=payload.payload,
        ),
    )
    return {
        "proposals": [
            {
                "modules": p.modules,
                "links": [[x.a, x.a_port, x.b, x.b_port] for x in p.links],
                "cost": p.cost,
                "mass": p.mass,
            }
            for p in result.proposals
        ],
        "reasons": result.reasons,
    }


@router.get(
    "/vehicles/configurations/",
    response={200: page_of(ConfigurationOut), **READ_ERRORS},
)
def list_configurations(request: HttpRequest, filters: Query[PageParams]) -> Any:
    """Shared vehicles, newest change first, each with its check."""
    return paginate(
        request,
        _configurations().order_by("-updated", "-pk"),
        filters,
        serialise=_configuration_out,
    )


@router.get(
    "/vehicles/configurations/{slug}/",
    response={200: ConfigurationOut, **READ_ERRORS},
)
def get_configuration(request: HttpRequest, slug: str) -> Any:
    """One shared vehicle with its problems."""
    return _configuration_out(
        get_or_404(_configurations(), "vehicle", commons__slug=slug)
    )


@router.post(
    "/vehicles/configurations/",
    response={201: ConfigurationOut, **ERRORS},
    **WRITE,
)
def create_configuration(request: HttpRequest, payload: SaveIn) -> Any:
    """Save a vehicle as a hardware commons you hold."""
    try:
        configuration = services.save_configuration(
            _draft(payload),
            user=caller(request),
            title=payload.title,
            summary=payload.summary,
            licence=payload.licence,
        )
    except services.VehicleError as exc:
        raise ApiError(422, str(exc)) from None
    return Status(201, _configuration_out(configuration))


@router.put(
    "/vehicles/configurations/{slug}/",
    response={200: ConfigurationOut, **ERRORS},
    **WRITE,
)
def update_configuration(request: HttpRequest, slug: str, payload: VehicleIn) -> Any:
    """Replace a vehicle's modules and links (its holders only)."""
    configuration = get_or_404(_configurations(), "vehicle", commons__slug=slug)
    try:
        services.update_configuration(
            configuration, _draft(payload), user=caller(request)
        )
    except PermissionDenied:
        raise ApiError(403, "Only the vehicle's holders change it; fork it.") from None
    return _configuration_out(configuration)


@router.post(
    "/vehicles/configurations/{slug}/fork/",
    response={201: ConfigurationOut, **ERRORS},
    **WRITE,
)
def fork_configuration(request: HttpRequest, slug: str) -> Any:
    """A copy of a vehicle that you hold, pointing back at it."""
    source = get_or_404(_configurations(), "vehicle", commons__slug=slug)
    return Status(201, _configuration_out(services.fork(source, user=caller(request))))
