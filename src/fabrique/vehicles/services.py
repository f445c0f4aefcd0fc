"""Vehicle services shared by the pages and the API: one rule, one place.

Models are turned into the plain specifications of
:mod:`fabrique.vehicles.compat`, checked there, and the problems explained in
the visitor's language here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fabrique.catalog import services as catalog
from fabrique.catalog.models import Commons, Kind
from fabrique.core.permissions import can_edit
from fabrique.core.revisions import save_revision
from fabrique.vehicles import bom as bom_engine
from fabrique.vehicles import compat
from fabrique.vehicles.interface_data import INTERFACE_TYPES
from fabrique.vehicles.models import (
    Configuration,
    InterfaceType,
    Module,
    Part,
    Port,
)

PLATFORM = "platform"


class VehicleError(catalog.CatalogError):
    """A vehicle request that cannot be done; the message says why."""


# Interface types ---------------------------------------------------------------


def seed_interface_types(user: Any = None) -> int:
    """Create the shipped interface types (and their knowledge commons) that
    are missing; return how many were created. Idempotent."""
    created = 0
    for entry in INTERFACE_TYPES:
        if InterfaceType.objects.filter(
            key=entry["key"], version=entry["version"]
        ).exists():
            continue
        with transaction.atomic():
            commons = Commons(
                title=f"{entry['title']} {entry['version']}",
                slug=catalog.unique_slug(
                    Commons, f"interface {entry['key']} {entry['version']}"
                ),
                summary=entry["summary"],
                description=f"{entry['documentation']}\n\n{entry['source']}",
                kind=Kind.KNOWLEDGE,
                licence="CC-BY-SA-4.0",
                maturity="beta",
                tags=["interface", entry["category"]],
                created_by=user,
            )
            # Revision 1, as any commons: its community takes it from there.
            save_revision(
                commons,
                user=user,
                base_revision=None,
                comment=_("Interface type shipped with Fabrique"),
            )
            InterfaceType.objects.create(
                key=entry["key"],
                version=entry["version"],
                category=entry["category"],
                title=entry["title"],
                parameters=entry["params"],
                link_parts=entry.get("link_parts", []),
                source=entry["source"],
                commons=commons,
            )
        created += 1
    return created


def interface_spec(row: InterfaceType) -> compat.InterfaceSpec:
    return compat.InterfaceSpec(
        row.key,
        row.version,
        row.category,
        tuple(
            compat.ParamSpec(p["name"], p.get("unit", ""), p["rule"])
            for p in row.parameters
        ),
    )


def interface_specs() -> dict[str, compat.InterfaceSpec]:
    """The newest version of each interface type, by key."""
    specs: dict[str, compat.InterfaceSpec] = {}
    for row in InterfaceType.objects.order_by("key", "version"):
        specs[row.key] = interface_spec(row)
    return specs


# Modules -----------------------------------------------------------------------


def module_spec(module: Module) -> compat.ModuleSpec:
    return compat.ModuleSpec(
        key=module.commons.slug,
        title=module.commons.title,
        kind=module.kind,
        mass={"value": module.mass, "unit": module.mass_unit},
        cost=float(module.cost),
        functions=tuple(module.functions),
        ports=tuple(
            compat.PortSpec(
                p.name,
                p.interface.key,
                p.role,
                p.params,
                version=p.interface.version,
                links=p.links,
            )
            for p in module.ports.all()
        ),
        load_rating=(
            {"value": module.load_rating, "unit": module.load_rating_unit}
            if module.load_rating is not None
            else None
        ),
        required_functions=tuple(module.required_functions),
        licence=module.commons.licence,
    )


def modules_queryset() -> Any:
    return (
        Module.objects.filter(commons__hidden=False)
        .select_related("commons")
        .prefetch_related("ports__interface", "parts")
    )


def module_specs(slugs: Iterable[str] | None = None) -> dict[str, compat.ModuleSpec]:
    rows = modules_queryset()
    if slugs is not None:
        rows = rows.filter(commons__slug__in=set(slugs))
    return {m.commons.slug: module_spec(m) for m in rows}


def create_module(
    *,
    user: Any,
    commons: dict[str, Any],
    kind: str,
    mass: float,
    cost: Decimal | float | str = 0,
    functions: Iterable[str] = (),
    ports: Iterable[dict[str, Any]] = (),
    parts: Iterable[dict[str, Any]] = (),
    load_rating: float | None = None,
    required_functions: Iterable[str] = (),
    mass_unit: str = "kg",
    demo: bool = False,
) -> Module:
    """A hardware commons with its vehicle profile, ports and parts."""
    data = {**commons, "kind": Kind.HARDWARE}
    interfaces = {row.key: row for row in InterfaceType.objects.all()}
    with transaction.atomic():
        row = catalog.create_commons(user=user, data=data)
        module = Module.objects.create(
            commons=row,
            kind=kind,
            mass=mass,
            mass_unit=mass_unit,
            cost=Decimal(str(cost)),
            functions=list(functions),
            load_rating=load_rating,
            required_functions=list(required_functions),
            demo=demo,
        )
        for port in ports:
            interface = interfaces.get(port["interface"])
            if interface is None:
                raise VehicleError(
                    _("Unknown interface type: %(key)s.") % {"key": port["interface"]}
                )
            Port.objects.create(
                module=module,
                name=port["name"],
                interface=interface,
                role=port["role"],
                params=port.get("params", {}),
                links=port.get("links", 1),
            )
        for part in parts:
            Part.objects.create(module=module, **part)
    return module


# Configurations ------------------------------------------------------------------


@dataclass
class Draft:
    """A vehicle as the configurator and the API send it."""

    platform: str
    modules: dict[str, str]  # item key -> module slug
    links: list[list[str]]
    payload: float = 0.0
    required_functions: tuple[str, ...] = ()

    @classmethod
    def of(cls, configuration: Configuration) -> Draft:
        items = dict(configuration.items)
        platform = items.pop(PLATFORM, "")
        return cls(
            platform,
            items,
            [list(link) for link in configuration.links],
            configuration.payload,
            tuple(configuration.required_functions),
        )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Draft:
        links = []
        for link in data.get("links") or []:
            if isinstance(link, Mapping):
                link = [link.get(k, "") for k in ("a", "a_port", "b", "b_port")]
            if not isinstance(link, (list, tuple)) or len(link) != 4:
                raise VehicleError(_("A link has four parts: a, a_port, b, b_port."))
            links.append([str(x) for x in link])
        modules = {str(k): str(v) for k, v in (data.get("modules") or {}).items()}
        if PLATFORM in modules:
            raise VehicleError(_("The key “platform” is kept for the platform."))
        try:
            payload = float(data.get("payload") or 0)
        except (TypeError, ValueError) as exc:
            raise VehicleError(_("The payload is a number of kilograms.")) from exc
        return cls(
            str(data.get("platform") or ""),
            modules,
            links,
            payload,
            tuple(str(f) for f in data.get("required_functions") or ()),
        )

    def items(self) -> dict[str, str]:
        return (
            {PLATFORM: self.platform, **self.modules}
            if self.platform
            else {**self.modules}
        )

    def spec(self) -> compat.ConfigSpec:
        return compat.ConfigSpec(
            platform=PLATFORM,
            items=self.items(),
            links=tuple(compat.Link(*link) for link in self.links),
            payload={"value": self.payload, "unit": "kg"},
            required_functions=self.required_functions,
        )


def check(
    draft: Draft,
    *,
    modules: Mapping[str, compat.ModuleSpec] | None = None,
    interfaces: Mapping[str, compat.InterfaceSpec] | None = None,
) -> list[compat.Problem]:
    """Every problem of ``draft``."""
    if modules is None:
        modules = module_specs(draft.items().values())
    if interfaces is None:
        interfaces = interface_specs()
    try:
        return compat.check_configuration(draft.spec(), modules, interfaces)
    except compat.CompatError as exc:
        raise VehicleError(str(exc)) from exc


def adapters_for(problem: compat.Problem) -> list[Module]:
    """Adapter modules that bridge the two sides of ``problem``: two interface
    types, or two connectors of one interface type."""
    if problem.code == "interface_mismatch":
        a, b = problem.values[:2]
        rows = modules_queryset().filter(kind="adapter")
        return [m for m in rows if {p.interface.key for p in m.ports.all()} >= {a, b}]
    if problem.code == "parameter_incompatible" and problem.parameter == "connector":
        wanted = {v.casefold() for v in problem.values[:2]}
        found = []
        for m in modules_queryset().filter(kind="adapter"):
            have = {
                str(p.params.get("connector", "")).casefold() for p in m.ports.all()
            }
            if have >= wanted:
                found.append(m)
        return found
    return []


def _commons_data(title: str, summary: str, licence: str) -> dict[str, Any]:
    return {
        "title": title,
        "summary": summary or _("A modular open vehicle."),
        "kind": Kind.HARDWARE,
        "licence": licence or "CERN-OHL-S-2.0",
        "tags": ["vehicle"],
    }


def save_configuration(
    draft: Draft,
    *,
    user: Any,
    title: str,
    summary: str = "",
    licence: str = "",
    forked_from: Configuration | None = None,
) -> Configuration:
    """Save ``draft`` as a new vehicle commons held by ``user``."""
    catalog.require_signed_in(user)
    if not title.strip():
        raise VehicleError(_("A vehicle needs a title."))
    unknown = set(draft.items().values()) - set(
        Module.objects.filter(commons__slug__in=draft.items().values()).values_list(
            "commons__slug", flat=True
        )
    )
    if unknown or not draft.platform:
        raise VehicleError(
            _("Unknown modules: %(slugs)s.") % {"slugs": ", ".join(sorted(unknown))}
            if unknown
            else _("Pick a platform first.")
        )
    with transaction.atomic():
        commons = catalog.create_commons(
            user=user, data=_commons_data(title, summary, licence)
        )
        return Configuration.objects.create(
            commons=commons,
            items=draft.items(),
            links=draft.links,
            payload=draft.payload,
            required_functions=list(draft.required_functions),
            forked_from=forked_from,
            created_by=user,
        )


def update_configuration(
    configuration: Configuration, draft: Draft, *, user: Any
) -> Configuration:
    if not can_edit(user, configuration):
        raise PermissionDenied(_("Only the vehicle's holders change it; fork it."))
    configuration.items = draft.items()
    configuration.links = draft.links
    configuration.payload = draft.payload
    configuration.required_functions = list(draft.required_functions)
    configuration.save()
    return configuration


def fork(configuration: Configuration, *, user: Any) -> Configuration:
    """A copy of ``configuration`` held by ``user``, pointing back at it."""
    return save_configuration(
        Draft.of(configuration),
        user=user,
        title=_("%(title)s (fork)") % {"title": configuration.commons.title},
        summary=configuration.commons.summary,
        licence=configuration.commons.licence,
        forked_from=configuration,
    )


# Bill of materials -----------------------------------------------------------------


def _part(data: Mapping[str, Any]) -> bom_engine.PartLine:
    return bom_engine.PartLine(
        str(data["reference"]),
        str(data["name"]),
        Decimal(str(data["quantity"])),
        str(data.get("unit") or "pcs"),
        Decimal(str(data.get("unit_cost") or 0)),
        float(data.get("unit_mass") or 0),
        str(data.get("source") or ""),
    )


def bill_of_materials(draft: Draft) -> bom_engine.Bom:
    """Modules' parts rolled up, plus each link's connectors and bolts."""
    counts: dict[str, int] = {}
    for slug in draft.items().values():
        counts[slug] = counts.get(slug, 0) + 1
    rows = {
        m.commons.slug: m for m in modules_queryset().filter(commons__slug__in=counts)
    }
    entries = []
    for slug, count in counts.items():
        module = rows.get(slug)
        if module is None:
            continue
        parts = [
            bom_engine.PartLine(
                p.reference,
                p.name,
                p.quantity,
                p.unit,
                p.unit_cost,
                p.unit_mass,
                p.source,
            )
            for p in module.parts.all()
        ]
        mass = compat.quantity({"value": module.mass, "unit": module.mass_unit}, "kg")
        entries.append((module.commons.title, count, module.cost, mass, parts))
    item_modules = draft.items()
    link_parts = []
    for a, a_port, _b, _b_port in draft.links:
        module = rows.get(item_modules.get(a, ""))
        port = (
            next((p for p in module.ports.all() if p.name == a_port), None)
            if module
            else None
        )
        if port is not None:
            link_parts += [_part(x) for x in port.interface.link_parts]
    try:
        return bom_engine.rollup(entries, link_parts)
    except compat.CompatError as exc:
        raise VehicleError(str(exc)) from exc


def okh_manifest(configuration: Configuration, *, bom_url: str) -> dict[str, Any]:
    """The OKH-LOSH manifest of a whole vehicle, as a dict (see okh_toml)."""
    import tomllib

    from fabrique.standards import okh

    commons = configuration.commons
    holder = commons.created_by
    licensor = (
        getattr(holder, "public_name", "") or getattr(holder, "username", "")
        if holder
        else ""
    ) or "Fabrique"
    draft = Draft.of(configuration)
    bom = bill_of_materials(draft)
    try:
        text = okh.from_commons(
            {
                "title": commons.title,
                "summary": commons.summary,
                "description": commons.description,
                "licence": commons.licence,
                "repository_url": commons.repository_url
                or configuration_url(configuration),
                "licensor": [licensor],
                "maturity": commons.maturity,
                "version": str(commons.revision or 1),
            }
        )
    except okh.StandardsError as exc:
        raise VehicleError(str(exc)) from exc
    manifest: dict[str, Any] = tomllib.loads(text)
    manifest["bom"] = bom_url
    manifest["mass"] = {
        "value": round(bom.total_mass, 3),
        "unit": "kg",
    }
    parts = []
    for module in modules_queryset().filter(
        commons__slug__in=set(draft.items().values())
    ):
        entry: dict[str, Any] = {
            "name": module.commons.title,
            "source": [module.commons.repository_url or module_url(module)],
            "mass": {
                "value": compat.quantity(
                    {"value": module.mass, "unit": module.mass_unit}, "kg"
                ),
                "unit": "kg",
            },
        }
        parts.append(entry)
    manifest["part"] = parts
    if Port.objects.filter(
        module__commons__slug__in=set(draft.items().values()),
        interface__key__startswith="energybus",
    ).exists():
        manifest["standard-compliance"] = ["CiA 454"]
    return manifest


def configuration_url(configuration: Configuration) -> str:
    return settings.SITE_URL + configuration.get_absolute_url()


def module_url(module: Module) -> str:
    return settings.SITE_URL + module.get_absolute_url()


def okh_toml(manifest: dict[str, Any]) -> str:
    import tomli_w

    return tomli_w.dumps(manifest)
