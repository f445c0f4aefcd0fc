"""Completion: which modules make a platform a whole vehicle (no Django here).

One variable per missing function, its domain the catalogue's modules that
provide it and pass the unary limits (licence, a platform mount that fits,
mass, cost). python-constraint2 enumerates the sets that keep the battery in
every powered module's range, let the charger charge the battery, fit the
platform's mounts and stay within budget and load rating. The sets are ranked
by cost or mass, wired port to port and checked by
:func:`fabrique.vehicles.compat.check_configuration`: a proposal always
passes the checker. When no set exists the answer says why, function by
function and limit by limit.

To keep the search small on a large catalogue, each domain is cut to its best
candidates for the ranking (``width``); when nothing is found the cut is
widened until the domains are whole, so a "no solution" is exhaustive.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constraint import Problem as CSP

from fabrique.vehicles import compat
from fabrique.vehicles.compat import InterfaceSpec, Link, ModuleSpec

PLATFORM = "platform"
NONE = ""  # "no module" in an optional domain


@dataclass(frozen=True)
class Limits:
    budget: float | None = None  # in the catalogue's currency
    max_mass: float | None = None  # kg of added modules
    licences: frozenset[str] | None = None  # SPDX ids allowed
    rank_by: str = "cost"  # or "mass"
    top: int = 5
    payload: float = 0.0  # kg


@dataclass
class Proposal:
    modules: dict[str, str]  # item key -> module key (platform included)
    links: tuple[Link, ...]
    cost: float
    mass: float
    warnings: list[compat.Problem] = field(default_factory=list)


@dataclass
class Completion:
    proposals: list[Proposal]
    reasons: list[dict[str, Any]]  # {code, function?, ...} when none
    explored: int = 0


def _mechanical_guest_ports(
    module: ModuleSpec, interfaces: Mapping[str, InterfaceSpec]
) -> list[compat.PortSpec]:
    return [
        p
        for p in module.ports
        if p.role == "guest"
        and p.interface in interfaces
        and interfaces[p.interface].category == "mechanical"
    ]


def _mount_fits(
    port: compat.PortSpec,
    hosts: Sequence[tuple[str, compat.PortSpec]],
    interfaces: Mapping[str, InterfaceSpec],
) -> bool:
    return any(
        not compat.check_ports(host, ("m", port), interfaces)
        for host in hosts
        if host[1].interface == port.interface
    )


def complete(
    platform: ModuleSpec,
    catalogue: Iterable[ModuleSpec],
    interfaces: Mapping[str, InterfaceSpec],
    *,
    required: Iterable[str] = (),
    limits: Limits | None = None,
    width: int = 6,
    max_solutions: int = 4000,
) -> Completion:
    """Ranked module sets completing ``platform``, or the reasons for none."""
    limits = limits or Limits()
    needed = sorted(
        (set(platform.required_functions) | set(required)) - set(platform.functions)
    )
    hosts = [(PLATFORM, p) for p in platform.ports if p.role == "host"]
    candidates: dict[str, list[ModuleSpec]] = {f: [] for f in needed}
    dropped: dict[str, Counter[str]] = {f: Counter() for f in needed}
    batteries: list[ModuleSpec] = []
    chargers: list[ModuleSpec] = []
    for module in catalogue:
        if module.kind == "platform":
            continue
        wanted = [f for f in module.functions if f in candidates]
        is_battery = compat.is_battery(module, interfaces)
        if not wanted and not is_battery:
            continue
        reason = _unary_reason(module, hosts, interfaces, limits)
        for f in wanted:
            if reason:
                dropped[f][reason] += 1
            else:
                candidates[f].append(module)
        if not reason and is_battery:
            batteries.append(module)
        if not reason and compat.charging_ports(module, interfaces, "host"):
            chargers.append(module)
    reasons: list[dict[str, Any]] = []
    for f in needed:
        if not candidates[f]:
            reasons.append(
                {"code": "no_candidate", "function": f, "dropped": dict(dropped[f])}
            )
    if reasons:
        return Completion([], reasons)

    def key(m: ModuleSpec) -> float:
        return m.mass_kg() if limits.rank_by == "mass" else m.cost

    for f in needed:
        candidates[f].sort(key=lambda m: (key(m), m.key))
    batteries.sort(key=lambda m: (key(m), m.key))
    explored = 0
    while True:
        found, count = _solve(
            platform, candidates, batteries, needed, interfaces, limits, width,
            max_solutions,
        )  # fmt: skip
        explored += count
        if found:
            return Completion(found, [], explored)
        whole = (
            all(len(c) <= width for c in candidates.values())
            and len(batteries) <= width
        )
        if whole:
            break
        width *= 4
    return Completion(
        [],
        _explain(platform, candidates, batteries, needed, interfaces, limits),
        explored,
    )


def _unary_reason(
    module: ModuleSpec,
    hosts: Sequence[tuple[str, compat.PortSpec]],
    interfaces: Mapping[str, InterfaceSpec],
    limits: Limits,
) -> str:
    if limits.licences is not None and module.licence not in limits.licences:
        return "licence"
    if limits.budget is not None and module.cost > limits.budget + 1e-9:
        return "budget"
    if limits.max_mass is not None and module.mass_kg() > limits.max_mass + 1e-9:
        return "mass"
    for port in _mechanical_guest_ports(module, interfaces):
        if not _mount_fits(port, hosts, interfaces):
            return "mount"
    return ""


def _solve(
    platform: ModuleSpec,
    candidates: Mapping[str, list[ModuleSpec]],
    batteries: list[ModuleSpec],
    needed: Sequence[str],
    interfaces: Mapping[str, InterfaceSpec],
    limits: Limits,
    width: int,
    max_solutions: int,
    *,
    relax: frozenset[str] = frozenset(),
) -> tuple[list[Proposal], int]:
    by_key: dict[str, ModuleSpec] = {}
    csp = CSP()
    variables = [f"f:{f}" for f in needed]
    for f in needed:
        domain = candidates[f][:width]
        by_key.update((m.key, m) for m in domain)
        csp.addVariable(f"f:{f}", [m.key for m in domain])
    energy = list(batteries[:width])
    by_key.update((m.key, m) for m in energy)
    csp.addVariable("energy", [NONE] + [b.key for b in energy])
    powered = {k for k, m in by_key.items() if compat.power_inputs(m, interfaces)}
    fits: set[tuple[str, str]] = set()
    for b in energy:
        for k in powered:
            if k == b.key or not compat.battery_fits(
                ("b", b), ("m", by_key[k]), interfaces
            ):
                fits.add((b.key, k))
    charges = {
        (c.key, b.key)
        for c in by_key.values()
        if compat.charging_ports(c, interfaces, "host")
        for b in energy
        if not compat.charger_fits(("c", c), ("b", b), interfaces)
    }
    chargers = {
        k for k, m in by_key.items() if compat.charging_ports(m, interfaces, "host")
    }
    if "energy_storage" in needed:
        csp.addConstraint(lambda b, s: b == s, ["energy", "f:energy_storage"])
    for var in variables:
        if "power" not in relax:
            csp.addConstraint(
                lambda b, m: m not in powered or (b != NONE and (b, m) in fits),
                ["energy", var],
            )
        if "charger" not in relax:
            csp.addConstraint(
                lambda b, c: c not in chargers or (c, b) in charges,
                ["energy", var],
            )
    capacity = Counter(
        p.interface for _, p in [(PLATFORM, p) for p in platform.ports]
        if p.role == "host" and p.links
        and interfaces.get(p.interface, None) is not None
        and interfaces[p.interface].category == "mechanical"
    )  # fmt: skip
    needs = {
        k: Counter(p.interface for p in _mechanical_guest_ports(m, interfaces))
        for k, m in by_key.items()
    }
    load = (
        compat.quantity(platform.load_rating, "kg") - limits.payload
        if platform.load_rating not in (None, "")
        else math.inf
    )
    masses = {k: m.mass_kg() for k, m in by_key.items()}

    costs = {k: m.cost for k, m in by_key.items()}
    max_mass = math.inf if "load" in relax else load
    if "mass" not in relax and limits.max_mass is not None:
        max_mass = min(max_mass, limits.max_mass)
    budget = math.inf
    if "budget" not in relax and limits.budget is not None:
        budget = limits.budget
    needs_list = {k: list(v.items()) for k, v in needs.items()}

    def whole(*chosen: str) -> bool:
        keys = set(chosen)
        keys.discard(NONE)
        if sum(masses[k] for k in keys) > max_mass + 1e-9:
            return False
        if sum(costs[k] for k in keys) > budget + 1e-9:
            return False
        if "capacity" not in relax:
            used: dict[str, int] = {}
            for k in keys:
                for kind, n in needs_list[k]:
                    used[kind] = used.get(kind, 0) + n
                    if used[kind] > capacity[kind]:
                        return False
        return True

    csp.addConstraint(whole, ["energy", *variables])
    sets: dict[frozenset[str], None] = {}
    count = 0
    for solution in csp.getSolutionIter():
        count += 1
        sets.setdefault(frozenset(k for k in solution.values() if k), None)
        if count >= max_solutions:
            break
    if relax:
        return ([Proposal({}, (), 0, 0)] if sets else []), count

    def score(keys: frozenset[str]) -> tuple[float, float, list[str]]:
        cost = sum(by_key[k].cost for k in keys)
        mass = sum(masses[k] for k in keys)
        first = mass if limits.rank_by == "mass" else cost
        return (first, cost + mass, sorted(keys))

    proposals = []
    for keys in sorted(sets, key=score):
        proposal = wire(platform, [by_key[k] for k in sorted(keys)], interfaces)
        config = compat.ConfigSpec(
            platform=PLATFORM,
            items=proposal.modules,
            links=proposal.links,
            payload={"value": limits.payload, "unit": "kg"},
            required_functions=tuple(needed),
        )
        modules = {platform.key: platform, **by_key}
        problems = compat.check_configuration(config, modules, interfaces)
        if compat.errors(problems):
            continue  # the checker has the last word
        proposal.warnings = problems
        proposals.append(proposal)
        if len(proposals) >= limits.top:
            break
    return proposals, count


def wire(
    platform: ModuleSpec,
    chosen: Sequence[ModuleSpec],
    interfaces: Mapping[str, InterfaceSpec],
) -> Proposal:
    """Link the chosen modules port to port, first fitting port first."""
    items = {PLATFORM: platform.key, **{m.key: m.key for m in chosen}}
    specs = {PLATFORM: platform, **{m.key: m for m in chosen}}
    uses: Counter[tuple[str, str]] = Counter()
    links: list[Link] = []

    def free(item: str, port: compat.PortSpec) -> bool:
        return port.links == 0 or uses[item, port.name] < port.links

    def link(a: str, pa: compat.PortSpec, b: str, pb: compat.PortSpec) -> None:
        uses[a, pa.name] += 1
        uses[b, pb.name] += 1
        links.append(Link(a, pa.name, b, pb.name))

    for key, module in specs.items():
        for port in module.ports:
            if port.role != "guest" or not free(key, port):
                continue
            for other, host_module in specs.items():
                if other == key:
                    continue
                host = next(
                    (
                        h
                        for h in host_module.ports
                        if h.role == "host"
                        and h.interface == port.interface
                        and free(other, h)
                        and not compat.check_ports((other, h), (key, port), interfaces)
                    ),
                    None,
                )
                if host is not None:
                    link(other, host, key, port)
                    break
    peers: dict[str, tuple[str, compat.PortSpec]] = {}
    for key, module in specs.items():
        for port in module.ports:
            if port.role != "peer":
                continue
            first = peers.get(port.interface)
            if first is None:
                peers[port.interface] = (key, port)
            elif free(first[0], first[1]) and not compat.check_ports(
                first, (key, port), interfaces
            ):
                link(first[0], first[1], key, port)
    cost = sum(m.cost for m in chosen)
    mass = sum(m.mass_kg() for m in chosen)
    return Proposal(items, tuple(links), cost, mass)


def _explain(
    platform: ModuleSpec,
    candidates: Mapping[str, list[ModuleSpec]],
    batteries: list[ModuleSpec],
    needed: Sequence[str],
    interfaces: Mapping[str, InterfaceSpec],
    limits: Limits,
) -> list[dict[str, Any]]:
    """Which constraint, once lifted, would let a set exist."""
    width = max([len(c) for c in candidates.values()] + [len(batteries), 1])
    reasons = []
    for name in ("budget", "mass", "load", "power", "charger", "capacity"):
        found, _ = _solve(
            platform, candidates, batteries, needed, interfaces, limits, width,
            max_solutions=1, relax=frozenset({name}),
        )  # fmt: skip
        if found:
            reason: dict[str, Any] = {"code": f"blocked_by_{name}"}
            if name == "budget":
                reason["cheapest"] = _cheapest(candidates, needed)
                reason["budget"] = limits.budget
            reasons.append(reason)
    if not reasons:
        reasons.append({"code": "conflicting_constraints"})
    return reasons


def _cheapest(
    candidates: Mapping[str, list[ModuleSpec]], needed: Sequence[str]
) -> float:
    """A lower bound: the cheapest module of each function, added."""
    best = [min((m.cost for m in candidates[f]), default=0.0) for f in needed]
    return float(sum(best))
