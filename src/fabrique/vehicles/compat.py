"""Compatibility of vehicle modules, computed with units (no Django here).

A *port* declares an interface type (``energybus-power@1.0``), a role
(``host`` supplies or carries, ``guest`` draws or is carried, ``peer`` for a
shared bus) and parameters. A parameter is a range ``{"min", "max", "unit"}``,
a single quantity ``{"value", "unit"}`` or a word ``{"value": "M6"}``; texts
such as ``"36..60 V"`` or ``"25.4 mm"`` are read too. Quantities are read by
pint and converted to the unit the interface type declares, so ``1 in`` and
``25.4 mm`` are equal and ``48000 mV`` is ``48 V``.

Each interface parameter has a rule saying how a host's and a guest's values
must relate (see :data:`PARAM_RULES`). :func:`check_connection` lists every
broken rule of one link; :func:`check_configuration` every problem of a whole
vehicle, links and system checks together. Problems carry a code of
:data:`RULES`, the modules, ports and parameter concerned and both values, so
a page can explain them in its own words.

>>> bus = InterfaceSpec("bus", "1.0", "electrical",
...     (ParamSpec("voltage", "V", "host_within_guest"),))
>>> battery = ModuleSpec("b", "Battery", "battery", ports=(PortSpec(
...     "out", "bus", "host", {"voltage": "42..54 V"}),))
>>> motor = ModuleSpec("m", "Motor", "drive", ports=(PortSpec(
...     "in", "bus", "guest", {"voltage": {"min": 36000, "max": 48000,
...     "unit": "mV"}}),))
>>> [p.code for p in check_connection(battery, "out", motor, "in", {"bus": bus})]
['parameter_incompatible']
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ROLES = ("host", "guest", "peer")
CATEGORIES = ("mechanical", "electrical", "data")
# Functions a vehicle may need; modules and platforms say which they provide.
FUNCTIONS = (
    "structure", "steering", "propulsion", "energy_storage", "charging",
    "braking", "lighting", "seating", "cargo", "body", "control", "signalling",
)  # fmt: skip


class CompatError(Exception):
    """A port, parameter or configuration that cannot be read."""


# Rules ------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # "error" or "warning"
    description: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("no_platform", "error", "The configuration has no platform module."),
        Rule("unknown_module", "error", "A module of the configuration is unknown."),
        Rule("unknown_item", "error", "A link names a module not in the vehicle."),
        Rule("unknown_port", "error", "A link names a port the module lacks."),
        Rule("unknown_interface", "error", "A port's interface type is unknown."),
        Rule("port_overused", "error", "A port has more links than it accepts."),
        Rule("interface_mismatch", "error", "Two linked ports have different types."),
        Rule(
            "interface_version_mismatch",
            "error",
            "Two linked ports use major versions of one interface type.",
        ),
        Rule("role_mismatch", "error", "Two linked ports cannot play these roles."),
        Rule("parameter_missing", "error", "A port lacks a required parameter."),
        Rule("unit_invalid", "error", "A parameter's unit is not a known unit."),
        Rule("unit_mismatch", "error", "A parameter has a unit of another kind."),
        Rule(
            "parameter_incompatible",
            "error",
            "Two linked ports' values of a parameter do not fit.",
        ),
        Rule(
            "mass_over_load_rating",
            "error",
            "The modules and payload weigh more than the platform carries.",
        ),
        Rule(
            "battery_voltage_out_of_range",
            "error",
            "A battery's voltage is outside a powered module's range.",
        ),
        Rule("charger_battery_mismatch", "error", "A charger does not fit a battery."),
        Rule("function_missing", "error", "A required function has no module."),
        Rule("module_not_connected", "warning", "A module is linked to nothing."),
    )
}

# How a host's value H and a guest's value G of one parameter must relate.
PARAM_RULES = {
    "equal": "H = G",
    "overlap": "H and G overlap",
    "host_within_guest": "H within G",
    "guest_within_host": "G within H",
    "host_at_least_guest": "H ≥ G",
    "guest_at_least_host": "G ≥ H",
}


# Units --------------------------------------------------------------------


@functools.cache
def _registry() -> Any:
    import pint

    return pint.UnitRegistry()


@functools.cache
def convert(value: float, unit: str, target: str) -> float:
    """``value`` in ``unit`` expressed in ``target`` (both pint unit names).

    >>> convert(1, "in", "mm")
    25.4
    """
    import pint

    ureg = _registry()
    try:
        quantity = ureg.Quantity(value, unit or "dimensionless")
    except (pint.UndefinedUnitError, AttributeError, ValueError, TypeError) as exc:
        raise UnitInvalid(unit) from exc
    try:
        return float(quantity.to(target).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitMismatch(unit, target) from exc


class UnitInvalid(CompatError):
    def __init__(self, unit: str) -> None:
        super().__init__(f"'{unit}' is not a unit")
        self.unit = unit


class UnitMismatch(CompatError):
    def __init__(self, unit: str, target: str) -> None:
        super().__init__(f"'{unit}' cannot be expressed in '{target}'")
        self.unit, self.target = unit, target


_RANGE = re.compile(
    r"^\s*(?P<low>[-+0-9.eE]+)\s*(?:\.\.|–|—|to)\s*(?P<high>[-+0-9.eE]+)\s*(?P<unit>.*)$"
)
_QUANTITY = re.compile(r"^\s*(?P<value>[-+]?[0-9][0-9.eE+-]*)\s*(?P<unit>.*)$")


@dataclass(frozen=True)
class Value:
    """One parameter's value: a range of magnitudes in ``unit``, or a word."""

    low: float = math.nan
    high: float = math.nan
    unit: str = ""
    word: str = ""

    @property
    def is_word(self) -> bool:
        return bool(self.word)

    def text(self) -> str:
        if self.is_word:
            return self.word
        if self.low == self.high:
            return f"{_num(self.low)} {self.unit}".strip()
        return f"{_num(self.low)}–{_num(self.high)} {self.unit}".strip()


def _num(x: float) -> str:
    return f"{x:.6g}"


def read_value(raw: Any) -> Value:
    """A parameter as written (dict or text) in its own unit.

    >>> read_value("36..60 V").text()
    '36–60 V'
    >>> read_value({"value": "M6"}).word
    'M6'
    """
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Value(float(raw), float(raw), "")
    if isinstance(raw, str):
        text = raw.strip()
        match = _RANGE.match(text)
        if match:
            return Value(
                float(match["low"]), float(match["high"]), match["unit"].strip()
            )
        match = _QUANTITY.match(text)
        if match:
            try:
                number = float(match["value"])
            except ValueError:
                return Value(word=text)
            return Value(number, number, match["unit"].strip())
        return Value(word=text)
    if isinstance(raw, Mapping):
        unit = str(raw.get("unit") or "")
        try:
            if "min" in raw or "max" in raw:
                low = float(raw.get("min", raw.get("max")))
                high = float(raw.get("max", raw.get("min")))
                return Value(min(low, high), max(low, high), unit)
            value = raw.get("value")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return Value(float(value), float(value), unit)
        except (TypeError, ValueError) as exc:
            raise CompatError(f"unreadable parameter {raw!r}") from exc
        if isinstance(value, str) and value.strip():
            return read_value(value) if unit == "" else read_value(f"{value} {unit}")
    raise CompatError(f"unreadable parameter {raw!r}")


def in_unit(value: Value, target: str) -> Value:
    """``value`` converted to ``target`` (words are kept as they are)."""
    if value.is_word or not target:
        return value
    low = convert(value.low, value.unit, target)
    high = convert(value.high, value.unit, target)
    return Value(min(low, high), max(low, high), target)


def quantity(raw: Any, target: str) -> float:
    """A single quantity (``{"value", "unit"}`` or ``"12 kg"``) in ``target``."""
    value = in_unit(read_value(raw), target)
    if value.is_word:
        raise CompatError(f"{raw!r} is not a quantity")
    return value.high


# Specifications ------------------------------------------------------------


@dataclass(frozen=True)
class ParamSpec:
    name: str
    unit: str  # "" for a word (connector name, protocol)
    rule: str  # a key of PARAM_RULES
    required: bool = True


@dataclass(frozen=True)
class InterfaceSpec:
    key: str
    version: str
    category: str
    params: tuple[ParamSpec, ...] = ()

    @property
    def major(self) -> str:
        return self.version.split(".")[0]


@dataclass(frozen=True)
class PortSpec:
    name: str
    interface: str
    role: str
    params: Mapping[str, Any] = field(default_factory=dict)
    version: str = ""  # empty: the interface type's version
    links: int = 1  # how many links it takes; 0 for any number (a bus)


@dataclass(frozen=True)
class ModuleSpec:
    key: str
    title: str
    kind: str
    mass: Any = None  # {"value", "unit"} or "12 kg"
    cost: float = 0.0
    functions: tuple[str, ...] = ()
    ports: tuple[PortSpec, ...] = ()
    load_rating: Any = None  # platforms: the mass they carry
    required_functions: tuple[str, ...] = ()  # platforms: what a vehicle needs
    licence: str = ""

    def port(self, name: str) -> PortSpec | None:
        for port in self.ports:
            if port.name == name:
                return port
        return None

    def mass_kg(self) -> float:
        return quantity(self.mass, "kg") if self.mass not in (None, "") else 0.0


@dataclass(frozen=True)
class Link:
    a: str  # item key
    a_port: str
    b: str
    b_port: str


@dataclass(frozen=True)
class ConfigSpec:
    platform: str  # item key of the platform
    items: Mapping[str, str]  # item key -> module key
    links: tuple[Link, ...] = ()
    payload: Any = None  # rider and luggage, {"value", "unit"}
    required_functions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    items: tuple[str, ...] = ()
    ports: tuple[str, ...] = ()
    parameter: str = ""
    values: tuple[str, ...] = ()  # the values compared, as text
    detail: Mapping[str, str] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return RULES[self.code].severity


def _problem(code: str, message: str, **kwargs: Any) -> Problem:
    assert code in RULES, code
    return Problem(code, message, **kwargs)


# One link ------------------------------------------------------------------


def _fits(rule: str, host: Value, guest: Value) -> bool:
    eps = 1e-9 * max(1.0, abs(host.high), abs(guest.high))
    if host.is_word or guest.is_word:
        return host.word.casefold() == guest.word.casefold()
    if rule == "equal":
        return abs(host.low - guest.low) <= eps and abs(host.high - guest.high) <= eps
    if rule == "overlap":
        return host.low <= guest.high + eps and guest.low <= host.high + eps
    if rule == "host_within_guest":
        return guest.low - eps <= host.low and host.high <= guest.high + eps
    if rule == "guest_within_host":
        return host.low - eps <= guest.low and guest.high <= host.high + eps
    if rule == "host_at_least_guest":
        return host.high + eps >= guest.high
    if rule == "guest_at_least_host":
        return guest.high + eps >= host.high
    raise CompatError(f"unknown parameter rule {rule!r}")


def check_ports(
    a: tuple[str, PortSpec],
    b: tuple[str, PortSpec],
    interfaces: Mapping[str, InterfaceSpec],
) -> list[Problem]:
    """Every problem of linking port ``a`` to port ``b``; each is (item, port)."""
    (a_item, pa), (b_item, pb) = a, b
    items = (a_item, b_item)
    ports = (f"{a_item}.{pa.name}", f"{b_item}.{pb.name}")
    for port in (pa, pb):
        if port.interface not in interfaces:
            return [
                _problem(
                    "unknown_interface",
                    f"{port.name}: unknown interface type {port.interface!r}",
                    items=items,
                    ports=ports,
                    values=(port.interface,),
                )
            ]
    if pa.interface != pb.interface:
        return [
            _problem(
                "interface_mismatch",
                f"{ports[0]} is {pa.interface}, {ports[1]} is {pb.interface}",
                items=items,
                ports=ports,
                values=(pa.interface, pb.interface),
            )
        ]
    spec = interfaces[pa.interface]
    problems = []
    versions = (pa.version or spec.version, pb.version or spec.version)
    if versions[0].split(".")[0] != versions[1].split(".")[0]:
        problems.append(
            _problem(
                "interface_version_mismatch",
                f"{ports[0]} is {spec.key} {versions[0]}, "
                f"{ports[1]} is {spec.key} {versions[1]}",
                items=items,
                ports=ports,
                values=versions,
            )
        )
    roles = {pa.role, pb.role}
    if not (roles == {"host", "guest"} or (pa.role == pb.role == "peer")):
        problems.append(
            _problem(
                "role_mismatch",
                f"{ports[0]} is a {pa.role}, {ports[1]} is a {pb.role}",
                items=items,
                ports=ports,
                values=(pa.role, pb.role),
            )
        )
        host, guest = (a_item, pa), (b_item, pb)
    elif pb.role == "host":
        host, guest = (b_item, pb), (a_item, pa)
    else:
        host, guest = (a_item, pa), (b_item, pb)
    for param in spec.params:
        problems += _check_param(param, host, guest)
    return problems


def _check_param(
    param: ParamSpec, host: tuple[str, PortSpec], guest: tuple[str, PortSpec]
) -> list[Problem]:
    names = tuple(f"{item}.{port.name}" for item, port in (host, guest))
    items = (host[0], guest[0])
    values: list[Value] = []
    problems = []
    for (_item, port), name in zip((host, guest), names, strict=True):
        raw = port.params.get(param.name)
        if raw is None:
            if param.required:
                problems.append(
                    _problem(
                        "parameter_missing",
                        f"{name} does not state {param.name}",
                        items=items,
                        ports=names,
                        parameter=param.name,
                    )
                )
            continue
        try:
            values.append(in_unit(read_value(raw), param.unit))
        except UnitInvalid as exc:
            problems.append(
                _problem(
                    "unit_invalid",
                    f"{name} {param.name}: {exc}",
                    items=items,
                    ports=names,
                    parameter=param.name,
                    values=(exc.unit,),
                )
            )
        except UnitMismatch as exc:
            problems.append(
                _problem(
                    "unit_mismatch",
                    f"{name} {param.name}: {exc}",
                    items=items,
                    ports=names,
                    parameter=param.name,
                    values=(exc.unit, exc.target),
                )
            )
        except CompatError as exc:
            problems.append(
                _problem(
                    "unit_invalid",
                    f"{name} {param.name}: {exc}",
                    items=items,
                    ports=names,
                    parameter=param.name,
                    values=(str(raw),),
                )
            )
    if len(values) == 2 and not _fits(param.rule, values[0], values[1]):
        texts = (values[0].text(), values[1].text())
        problems.append(
            _problem(
                "parameter_incompatible",
                f"{param.name}: {names[0]} has {texts[0]}, {names[1]} has "
                f"{texts[1]} ({PARAM_RULES[param.rule]})",
                items=items,
                ports=names,
                parameter=param.name,
                values=texts,
                detail={"rule": param.rule},
            )
        )
    return problems


def check_connection(
    a: ModuleSpec,
    a_port: str,
    b: ModuleSpec,
    b_port: str,
    interfaces: Mapping[str, InterfaceSpec],
) -> list[Problem]:
    """Every problem of linking ``a``'s port ``a_port`` to ``b``'s ``b_port``."""
    pa, pb = a.port(a_port), b.port(b_port)
    if pa is None or pb is None:
        missing = (a, a_port) if pa is None else (b, b_port)
        return [
            _problem(
                "unknown_port",
                f"{missing[0].title} has no port {missing[1]!r}",
                items=(missing[0].key,),
                ports=(f"{missing[0].key}.{missing[1]}",),
            )
        ]
    return check_ports((a.key, pa), (b.key, pb), interfaces)


# A whole vehicle -------------------------------------------------------------


def _is_powered(port: PortSpec, interfaces: Mapping[str, InterfaceSpec]) -> bool:
    spec = interfaces.get(port.interface)
    return (
        spec is not None
        and spec.category == "electrical"
        and "voltage" in port.params
        and "charging" not in spec.key
    )


def power_outputs(
    module: ModuleSpec, interfaces: Mapping[str, InterfaceSpec]
) -> list[PortSpec]:
    """A battery's power outputs: electrical host ports stating a voltage."""
    return [p for p in module.ports if p.role == "host" and _is_powered(p, interfaces)]


def power_inputs(
    module: ModuleSpec, interfaces: Mapping[str, InterfaceSpec]
) -> list[PortSpec]:
    """A powered module's inputs: electrical guest ports stating a voltage."""
    return [p for p in module.ports if p.role == "guest" and _is_powered(p, interfaces)]


def is_battery(module: ModuleSpec, interfaces: Mapping[str, InterfaceSpec]) -> bool:
    return "energy_storage" in module.functions and bool(
        power_outputs(module, interfaces)
    )


def charging_ports(
    module: ModuleSpec, interfaces: Mapping[str, InterfaceSpec], role: str
) -> list[PortSpec]:
    return [
        p
        for p in module.ports
        if p.role == role and "charging" in p.interface and p.interface in interfaces
    ]


def battery_fits(
    battery: tuple[str, ModuleSpec],
    module: tuple[str, ModuleSpec],
    interfaces: Mapping[str, InterfaceSpec],
) -> list[Problem]:
    """Problems of powering ``module`` from ``battery`` (voltage ranges only)."""
    problems = []
    for out in power_outputs(battery[1], interfaces):
        for inp in power_inputs(module[1], interfaces):
            if inp.interface != out.interface:
                continue  # another bus (behind a converter)
            try:
                supply = in_unit(read_value(out.params["voltage"]), "V")
                accepted = in_unit(read_value(inp.params["voltage"]), "V")
            except CompatError:
                continue  # the link check names unreadable values
            if not _fits("host_within_guest", supply, accepted):
                problems.append(
                    _problem(
                        "battery_voltage_out_of_range",
                        f"{battery[1].title} supplies {supply.text()}, "
                        f"{module[1].title} accepts {accepted.text()}",
                        items=(battery[0], module[0]),
                        ports=(f"{battery[0]}.{out.name}", f"{module[0]}.{inp.name}"),
                        parameter="voltage",
                        values=(supply.text(), accepted.text()),
                    )
                )
    return problems


def charger_fits(
    charger: tuple[str, ModuleSpec],
    battery: tuple[str, ModuleSpec],
    interfaces: Mapping[str, InterfaceSpec],
) -> list[Problem]:
    """Problems of charging ``battery`` with ``charger``: the best port pair's."""
    outs = charging_ports(charger[1], interfaces, "host")
    ins = charging_ports(battery[1], interfaces, "guest")
    best: list[Problem] | None = None
    for out in outs:
        for inp in ins:
            found = check_ports((charger[0], out), (battery[0], inp), interfaces)
            if best is None or len(found) < len(best):
                best = found
    if best == []:
        return []
    reasons = "; ".join(p.message for p in best or [])
    first = best[0] if best else None
    return [
        _problem(
            "charger_battery_mismatch",
            f"{charger[1].title} cannot charge {battery[1].title}"
            + (f": {reasons}" if reasons else ": no matching charging port"),
            items=(charger[0], battery[0]),
            ports=first.ports if first else (),
            parameter=first.parameter if first else "",
            values=first.values if first else (),
            detail={"reason": first.code if first else "no_charging_port"},
        )
    ]


def provided_functions(modules: Iterable[ModuleSpec]) -> set[str]:
    return {f for m in modules for f in m.functions}


def check_configuration(
    config: ConfigSpec,
    modules: Mapping[str, ModuleSpec],
    interfaces: Mapping[str, InterfaceSpec],
) -> list[Problem]:
    """Every problem of a vehicle: each link's, then the system checks."""
    problems: list[Problem] = []
    items: dict[str, ModuleSpec] = {}
    for key, module_key in config.items.items():
        if module_key in modules:
            items[key] = modules[module_key]
        else:
            problems.append(
                _problem(
                    "unknown_module",
                    f"{key}: unknown module {module_key!r}",
                    items=(key,),
                    values=(module_key,),
                )
            )
    platform = items.get(config.platform)
    if platform is None:
        problems.append(_problem("no_platform", "no platform module"))
    problems += _check_links(config.links, items, interfaces)
    linked = {k for link in config.links for k in (link.a, link.b)}
    for key, module in items.items():
        if key != config.platform and module.ports and key not in linked:
            problems.append(
                _problem(
                    "module_not_connected",
                    f"{module.title} ({key}) is linked to nothing",
                    items=(key,),
                )
            )
    problems += _check_system(config, items, platform, interfaces)
    return problems


def _check_links(
    links: Sequence[Link],
    items: Mapping[str, ModuleSpec],
    interfaces: Mapping[str, InterfaceSpec],
) -> list[Problem]:
    problems = []
    uses: dict[tuple[str, str], int] = {}
    for link in links:
        ends = []
        for key, port_name in ((link.a, link.a_port), (link.b, link.b_port)):
            module = items.get(key)
            if module is None:
                problems.append(
                    _problem(
                        "unknown_item",
                        f"a link names {key!r}, which is not in the vehicle",
                        items=(key,),
                    )
                )
                continue
            port = module.port(port_name)
            if port is None:
                problems.append(
                    _problem(
                        "unknown_port",
                        f"{module.title} ({key}) has no port {port_name!r}",
                        items=(key,),
                        ports=(f"{key}.{port_name}",),
                    )
                )
                continue
            uses[key, port_name] = uses.get((key, port_name), 0) + 1
            if port.links and uses[key, port_name] == port.links + 1:
                problems.append(
                    _problem(
                        "port_overused",
                        f"{key}.{port_name} takes {port.links} link(s)",
                        items=(key,),
                        ports=(f"{key}.{port_name}",),
                        values=(str(port.links),),
                    )
                )
            ends.append((key, port))
        if len(ends) == 2:
            problems += check_ports(ends[0], ends[1], interfaces)
    return problems


def _check_system(
    config: ConfigSpec,
    items: Mapping[str, ModuleSpec],
    platform: ModuleSpec | None,
    interfaces: Mapping[str, InterfaceSpec],
) -> list[Problem]:
    problems = []
    if platform is not None and platform.load_rating not in (None, ""):
        try:
            rating = quantity(platform.load_rating, "kg")
            payload = (
                quantity(config.payload, "kg")
                if config.payload not in (None, "")
                else 0.0
            )
            carried = payload + sum(
                m.mass_kg() for k, m in items.items() if k != config.platform
            )
        except CompatError as exc:
            raise CompatError(f"mass or load rating: {exc}") from exc
        if carried > rating + 1e-9:
            problems.append(
                _problem(
                    "mass_over_load_rating",
                    f"modules and payload weigh {_num(carried)} kg, "
                    f"{platform.title} carries {_num(rating)} kg",
                    items=(config.platform,),
                    parameter="mass",
                    values=(f"{_num(carried)} kg", f"{_num(rating)} kg"),
                )
            )
    linked = {
        frozenset(((link.a, link.a_port), (link.b, link.b_port)))
        for link in config.links
    }
    batteries = [(k, m) for k, m in items.items() if is_battery(m, interfaces)]
    for battery in batteries:
        for key, module in items.items():
            if key == battery[0]:
                continue
            for problem in battery_fits(battery, (key, module), interfaces):
                pair = frozenset(tuple(name.split(".", 1)) for name in problem.ports)
                if pair not in linked:  # a direct link's check already said it
                    problems.append(problem)
    chargers = [
        (k, m) for k, m in items.items() if charging_ports(m, interfaces, "host")
    ]
    for charger in chargers:
        for battery in [
            (k, m) for k, m in items.items() if charging_ports(m, interfaces, "guest")
        ]:
            direct = any(
                {link.a, link.b} == {charger[0], battery[0]} for link in config.links
            )
            if not direct:
                problems += charger_fits(charger, battery, interfaces)
    required = set(config.required_functions)
    if platform is not None:
        required |= set(platform.required_functions)
    missing = sorted(required - provided_functions(items.values()))
    for name in missing:
        problems.append(
            _problem(
                "function_missing",
                f"no module provides {name}",
                parameter=name,
                values=(name,),
            )
        )
    return problems


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
