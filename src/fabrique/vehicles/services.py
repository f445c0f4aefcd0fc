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
from django.utils.translation import gettext_lazy as _lazy

from fabrique.catalog import services as catalog
from fabrique.catalog.models import Commons, Kind
from fabrique.core import activity
from fabrique.core.permissions import can_edit, can_moderate, is_commons_holder
from fabrique.core.revisions import save_revision
from fabrique.vehicles import bom as bom_engine
from fabrique.vehicles import compat
from fabrique.vehicles.explain import PARAM_NAMES
from fabrique.vehicles.interface_data import INTERFACE_TYPES
from fabrique.vehicles.models import (
    Configuration,
    InterfaceType,
    Module,
    ModuleKind,
    Part,
    Port,
    Role,
)

# A module's changes are revisions of its commons, read in the activity stream.
activity.VERBS.setdefault("vehicle_changed", _lazy("changed the vehicle module"))

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
    """The newest version of each interface type, by key, and every version
    by ``key@version`` (ports of an older version are checked by it)."""
    specs: dict[str, compat.InterfaceSpec] = {}
    for row in InterfaceType.objects.order_by("key", "version"):
        specs[row.key] = specs[row.ref] = interface_spec(row)
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
                params=validate_params(interface, port.get("params", {})),
                links=port.get("links", 1),
            )
        for part in parts:
            Part.objects.create(module=module, **part)
    return module


# Editing a module (pages; the API's creation shares the validation) ----------


def require_holder(user: Any, commons: Commons) -> None:
    """Only the commons' holders (or moderators) change its vehicle module."""
    catalog.require_signed_in(user)
    if not (is_commons_holder(user, commons) or can_moderate(user)):
        raise PermissionDenied(
            _("Only the holders of this commons change its vehicle module.")
        )


def can_change_module(user: Any, commons: Commons) -> bool:
    try:
        require_holder(user, commons)
    except (PermissionDenied, catalog.CatalogError):
        return False
    return True


def _changed(module: Module, *, user: Any, comment: str) -> None:
    """A revision of the module's commons, with ``comment``, and its activity."""
    save_revision(
        module.commons,
        user=user,
        base_revision=None,
        comment=comment,
        verb="vehicle_changed",
    )


def _number(value: Any, label: str) -> float:
    try:
        number = float(str(value).replace(",", ".").strip())
    except ValueError:
        raise VehicleError(
            _("%(field)s is a number, not “%(value)s”.")
            % {"field": label, "value": value}
        ) from None
    if number < 0 or number != number:
        raise VehicleError(_("%(field)s cannot be negative.") % {"field": label})
    return number


def _mass(mass: Any, unit: str) -> tuple[float, str]:
    value = _number(mass, _("The mass"))
    unit = (unit or "kg").strip()
    try:
        compat.convert(value, unit, "kg")
    except compat.UnitInvalid:
        raise VehicleError(
            _("The mass unit “%(unit)s” is not a unit (try kg or g).") % {"unit": unit}
        ) from None
    except compat.UnitMismatch:
        raise VehicleError(
            _("The mass unit “%(unit)s” is not a unit of mass (try kg or g).")
            % {"unit": unit}
        ) from None
    return value, unit


def _profile(
    kind: str, mass: Any, mass_unit: str, cost: Any
) -> tuple[str, float, str, Decimal]:
    if kind not in ModuleKind.values:
        raise VehicleError(_("Unknown module kind: %(kind)s.") % {"kind": kind})
    value, unit = _mass(mass, mass_unit)
    return kind, value, unit, Decimal(str(_number(cost or 0, _("The cost"))))


def make_module(
    commons: Commons,
    *,
    user: Any,
    kind: str,
    mass: Any,
    mass_unit: str = "kg",
    cost: Any = 0,
) -> Module:
    """Turn a hardware commons ``user`` holds into a vehicle module."""
    require_holder(user, commons)
    if commons.kind != Kind.HARDWARE:
        raise VehicleError(_("Only a hardware commons can be a vehicle module."))
    if Module.objects.filter(commons=commons).exists():
        raise VehicleError(_("This commons is already a vehicle module."))
    kind, value, unit, price = _profile(kind, mass, mass_unit, cost)
    with transaction.atomic():
        module = Module.objects.create(
            commons=commons, kind=kind, mass=value, mass_unit=unit, cost=price
        )
        _changed(module, user=user, comment=_("Became a vehicle module"))
    return module


def update_module(
    module: Module,
    *,
    user: Any,
    kind: str,
    mass: Any,
    mass_unit: str = "kg",
    cost: Any = 0,
) -> Module:
    require_holder(user, module.commons)
    module.kind, module.mass, module.mass_unit, module.cost = _profile(
        kind, mass, mass_unit, cost
    )
    with transaction.atomic():
        module.save()
        _changed(module, user=user, comment=_("Vehicle module profile changed"))
    return module


def validate_params(
    interface: InterfaceType, params: Mapping[str, Any]
) -> dict[str, Any]:
    """``params`` checked against ``interface``'s parameters with pint.

    Empty values are dropped; a quantity must be expressible in the unit the
    interface declares. Errors name the parameter and the unit problem.
    """
    declared = {p["name"]: p.get("unit", "") for p in interface.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise VehicleError(
            _("%(interface)s has no parameter %(names)s.")
            % {"interface": interface.ref, "names": ", ".join(unknown)}
        )
    out: dict[str, Any] = {}
    for name, raw in params.items():
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        unit = declared[name]
        label = str(PARAM_NAMES.get(name, name))
        try:
            value = compat.read_value(raw)
        except compat.CompatError:
            raise VehicleError(
                _("Parameter %(name)s: “%(value)s” cannot be read.")
                % {"name": label, "value": raw}
            ) from None
        if not unit:
            out[name] = raw if isinstance(raw, Mapping) else value.text()
            continue
        if value.is_word:
            raise VehicleError(
                _(
                    "Parameter %(name)s needs a quantity in %(unit)s "
                    "(for example “12 %(unit)s” or “36..60 %(unit)s”), "
                    "not “%(value)s”."
                )
                % {"name": label, "unit": unit, "value": value.word}
            )
        if not value.unit:
            raise VehicleError(
                _("Parameter %(name)s: give a unit, for example “%(value)s %(unit)s”.")
                % {"name": label, "value": value.text(), "unit": unit}
            )
        try:
            compat.in_unit(value, unit)
        except compat.UnitInvalid:
            raise VehicleError(
                _("Parameter %(name)s: “%(unit)s” is not a unit.")
                % {"name": label, "unit": value.unit}
            ) from None
        except compat.UnitMismatch:
            raise VehicleError(
                _(
                    "Parameter %(name)s: %(unit)s cannot be expressed in "
                    "%(target)s, the unit of this interface."
                )
                % {"name": label, "unit": value.unit, "target": unit}
            ) from None
        if isinstance(raw, Mapping):
            out[name] = dict(raw)
        elif value.low == value.high:
            out[name] = {"value": value.low, "unit": value.unit}
        else:
            out[name] = {"min": value.low, "max": value.high, "unit": value.unit}
    return out


def _port_fields(
    module: Module,
    *,
    name: str,
    interface: InterfaceType | None,
    role: str,
    params: Mapping[str, Any],
    links: Any,
    port: Port | None = None,
) -> dict[str, Any]:
    from django.utils.text import slugify

    slug = slugify(name)
    if not slug:
        raise VehicleError(_("A port needs a name (letters, digits, dashes)."))
    if interface is None:
        raise VehicleError(_("Choose the port's interface type."))
    if role not in Role.values:
        raise VehicleError(_("Unknown port role: %(role)s.") % {"role": role})
    clash = module.ports.filter(name=slug)
    if port is not None:
        clash = clash.exclude(pk=port.pk)
    if clash.exists():
        raise VehicleError(
            _("This module already has a port named %(name)s.") % {"name": slug}
        )
    count = int(_number(links if links not in (None, "") else 1, _("Links")))
    return {
        "name": slug,
        "interface": interface,
        "role": role,
        "params": validate_params(interface, params),
        "links": count,
    }


def add_port(module: Module, *, user: Any, **fields: Any) -> Port:
    require_holder(user, module.commons)
    data = _port_fields(module, **fields)
    with transaction.atomic():
        port = Port.objects.create(module=module, **data)
        _changed(
            module, user=user, comment=_("Port added: %(name)s") % {"name": port.name}
        )
    return port


def update_port(port: Port, *, user: Any, **fields: Any) -> Port:
    require_holder(user, port.module.commons)
    data = _port_fields(port.module, port=port, **fields)
    for key, value in data.items():
        setattr(port, key, value)
    with transaction.atomic():
        port.save()
        _changed(
            port.module,
            user=user,
            comment=_("Port changed: %(name)s") % {"name": port.name},
        )
    return port


def remove_port(port: Port, *, user: Any) -> None:
    require_holder(user, port.module.commons)
    with transaction.atomic():
        port.delete()
        _changed(
            port.module,
            user=user,
            comment=_("Port removed: %(name)s") % {"name": port.name},
        )


def _part_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    name = str(data.get("name") or "").strip()
    if not name:
        raise VehicleError(_("A part needs a name."))
    quantity = _number(data.get("quantity") or 0, _("The quantity"))
    if quantity <= 0:
        raise VehicleError(_("The quantity must be more than zero."))
    unit = str(data.get("unit") or "pcs").strip()
    if unit not in ("pcs", "pc"):
        try:
            compat.convert(1, unit, unit)
        except compat.CompatError:
            raise VehicleError(
                _("The part unit “%(unit)s” is not a unit (pcs, m, kg, l…).")
                % {"unit": unit}
            ) from None
    from django.utils.text import slugify

    return {
        "reference": str(data.get("reference") or "").strip()[:100]
        or slugify(name)[:100].upper(),
        "name": name[:200],
        "quantity": Decimal(str(quantity)),
        "unit": unit[:10],
        "unit_cost": Decimal(
            str(_number(data.get("unit_cost") or 0, _("The unit cost")))
        ),
        "unit_mass": _number(data.get("unit_mass") or 0, _("The unit mass")),
        "source": str(data.get("source") or "").strip()[:300],
    }


def add_part(module: Module, *, user: Any, data: Mapping[str, Any]) -> Part:
    require_holder(user, module.commons)
    fields = _part_fields(data)
    with transaction.atomic():
        part = Part.objects.create(module=module, **fields)
        _changed(
            module, user=user, comment=_("Part added: %(name)s") % {"name": part.name}
        )
    return part


def update_part(part: Part, *, user: Any, data: Mapping[str, Any]) -> Part:
    require_holder(user, part.module.commons)
    for key, value in _part_fields(data).items():
        setattr(part, key, value)
    with transaction.atomic():
        part.save()
        _changed(
            part.module,
            user=user,
            comment=_("Part changed: %(name)s") % {"name": part.name},
        )
    return part


def remove_part(part: Part, *, user: Any) -> None:
    require_holder(user, part.module.commons)
    with transaction.atomic():
        part.delete()
        _changed(
            part.module,
            user=user,
            comment=_("Part removed: %(name)s") % {"name": part.name},
        )


# Interface type versions -------------------------------------------------------


def parse_parameters(text: str) -> list[dict[str, str]]:
    """Lines ``name unit rule`` (unit ``-`` for a word) as interface parameters."""
    params = []
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if not words:
            continue
        if len(words) != 3:
            raise VehicleError(
                _(
                    "Line %(n)s: write “name unit rule”, for example "
                    "“voltage V overlap”."
                )
                % {"n": number}
            )
        name, unit, rule = words
        unit = "" if unit == "-" else unit
        if rule not in compat.PARAM_RULES:
            raise VehicleError(
                _("Line %(n)s: unknown rule %(rule)s (one of %(rules)s).")
                % {"n": number, "rule": rule, "rules": ", ".join(compat.PARAM_RULES)}
            )
        if unit:
            try:
                compat.convert(1, unit, unit)
            except compat.CompatError:
                raise VehicleError(
                    _("Line %(n)s: “%(unit)s” is not a unit.")
                    % {"n": number, "unit": unit}
                ) from None
        params.append({"name": name, "unit": unit, "rule": rule})
    if not params:
        raise VehicleError(_("An interface type has at least one parameter."))
    return params


def propose_version(
    previous: InterfaceType,
    *,
    user: Any,
    version: str,
    parameters: str,
    documentation: str,
) -> InterfaceType:
    """A new version of ``previous``'s interface type, with its own knowledge
    commons; the old version stays, so ports that name it still resolve."""
    catalog.require_signed_in(user)
    version = version.strip()
    if not version or len(version) > 20:
        raise VehicleError(_("Give the new version a number, such as 1.1 or 2.0."))
    if InterfaceType.objects.filter(key=previous.key, version=version).exists():
        raise VehicleError(
            _("%(key)s already has a version %(version)s.")
            % {"key": previous.key, "version": version}
        )
    params = parse_parameters(parameters)
    with transaction.atomic():
        commons = catalog.create_commons(
            user=user,
            data={
                "title": f"{previous.title} {version}",
                "summary": previous.commons.summary,
                "description": documentation.strip() or previous.commons.description,
                "kind": Kind.KNOWLEDGE,
                "licence": previous.commons.licence or "CC-BY-SA-4.0",
                "tags": ["interface", previous.category],
            },
        )
        return InterfaceType.objects.create(
            key=previous.key,
            version=version,
            category=previous.category,
            title=previous.title,
            parameters=params,
            link_parts=previous.link_parts,
            source=previous.source,
            commons=commons,
        )


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
