"""Speed of the vehicle checker and of completion on a generated catalogue.

A catalogue of ``--modules`` modules over ``--interfaces`` interface types
(the shipped ones plus generated variants of them) is generated with a fixed
seed; then

- a vehicle of ``--size`` modules (platform included), linked by the same
  wiring as the configurator, is checked ``--runs`` times;
- ``--queries`` completion queries (random required functions, budgets and
  rankings) run against the whole catalogue.

Engine only (the pure functions the pages and the API call), one process::

    .venv/bin/python benchmarks/vehicles/check_complete.py --json out.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import time
from typing import Any

from fabrique.vehicles import compat, completion
from fabrique.vehicles.interface_data import INTERFACE_TYPES

KINDS = {
    "drive": ("propulsion",),
    "battery": ("energy_storage",),
    "charger": ("charging",),
    "lighting": ("lighting",),
    "brakes": ("braking",),
    "seat": ("seating",),
    "cargo": ("cargo",),
    "body": ("body",),
    "controller": ("control",),
}
NEEDS = ["propulsion", "energy_storage", "charging", "lighting", "braking",
         "seating", "cargo", "body", "control"]  # fmt: skip
VOLTS = {24: "20..29.4 V", 36: "30..42 V", 48: "42..54.6 V"}


def interfaces(count: int) -> dict[str, compat.InterfaceSpec]:
    shipped = {
        e["key"]: compat.InterfaceSpec(
            e["key"], e["version"], e["category"],
            tuple(compat.ParamSpec(p["name"], p["unit"], p["rule"])
                  for p in e["params"]),
        )
        for e in INTERFACE_TYPES
    }  # fmt: skip
    mechanical = [s for s in shipped.values() if s.category == "mechanical"]
    out = dict(shipped)
    n = 0
    while len(out) < count:
        base = mechanical[n % len(mechanical)]
        key = f"{base.key}-v{n}"
        out[key] = dataclasses.replace(base, key=key)
        n += 1
    return out


def mount_params(spec: compat.InterfaceSpec, role: str, load: float) -> dict[str, Any]:
    base = spec.key.split("-v")[0]
    params: dict[str, Any] = {
        "bolt-pattern": {"pattern": "80x80", "bolt": "M6"},
        "square-tube-bolted": {"section": "40 mm", "bolt": "M8", "spacing": "60 mm"},
        "tube-clamp": {"diameter": "31.8 mm" if role == "host" else "30..33 mm",
                       "width": "120 mm" if role == "host" else "40 mm"},
        "wheel-dropout": {"spacing": "135 mm",
                          "axle": "9..12 mm" if role == "host" else "10 mm"},
        "rack-mount": {"width": "160 mm" if role == "host" else "120..180 mm"},
    }[base]  # fmt: skip
    if any(p.name == "load" for p in spec.params):
        params["load"] = f"{load} kg"
    return params


def catalogue(
    count: int, types: dict[str, compat.InterfaceSpec], rng: random.Random
) -> tuple[compat.ModuleSpec, list[compat.ModuleSpec]]:
    mechanical = [k for k, s in types.items() if s.category == "mechanical"]
    platform = compat.ModuleSpec(
        "platform-0", "Platform", "platform", mass="40 kg",
        functions=("structure", "steering"), load_rating="400 kg",
        required_functions=("braking", "lighting"),
        ports=tuple(
            compat.PortSpec(f"{k}-{i}", k, "host",
                            mount_params(types[k], "host", 80), links=1)
            for k in mechanical for i in range(2)
        ),
    )  # fmt: skip
    modules = []
    for i in range(count):
        kind = rng.choice(list(KINDS))
        volts = rng.choice([24, 36, 48, 48, 48])
        mount = rng.choice(mechanical)
        ports = []
        if kind != "charger":
            ports.append(compat.PortSpec(
                "mount", mount, "guest",
                mount_params(types[mount], "guest", rng.choice([2, 5, 20, 60, 90])),
            ))  # fmt: skip
        power = {"voltage": VOLTS[volts], "current": f"{rng.choice([5, 15, 30])} A",
                 "connector": rng.choice(["EB-6"] * 9 + ["XT60"])}  # fmt: skip
        if kind == "battery":
            ports.append(compat.PortSpec("out", "energybus-power", "host", power,
                                         links=0))  # fmt: skip
            ports.append(compat.PortSpec(
                "charge", "energybus-charging", "guest",
                {"voltage": VOLTS[volts], "current": "8 A", "connector": "EB-6",
                 "protocol": "CiA 454"},
            ))  # fmt: skip
        elif kind == "charger":
            ports.append(compat.PortSpec(
                "out", "energybus-charging", "host",
                {"voltage": "20..58 V" if volts == 48 else VOLTS[volts],
                 "current": "4 A", "connector": "EB-6", "protocol": "CiA 454"},
            ))  # fmt: skip
        elif kind in ("drive", "lighting", "controller"):
            low = {24: 18, 36: 24, 48: 36}[volts]
            ports.append(compat.PortSpec(
                "power", "energybus-power", "guest",
                {**power, "voltage": f"{low}..60 V", "current": "3 A"},
            ))  # fmt: skip
        modules.append(compat.ModuleSpec(
            f"m{i}", f"Module {i}", kind,
            mass=f"{rng.randint(200, 20000)} g", cost=rng.randint(20, 900),
            functions=KINDS[kind], ports=tuple(ports), licence="CERN-OHL-S-2.0",
        ))  # fmt: skip
    return platform, modules


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--interfaces", type=int, default=50)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    types = interfaces(args.interfaces)
    platform, modules = catalogue(args.modules, types, rng)
    known = {m.key: m for m in [platform, *modules]}

    # A vehicle of --size modules: a 48 V battery and modules it powers.
    battery = next(m for m in modules if m.kind == "battery"
                   and "42" in str(m.ports[1].params["voltage"]))  # fmt: skip
    chosen = [battery]
    for m in modules:
        if len(chosen) >= args.size - 1:
            break
        if m is not battery and m.kind not in ("battery", "charger"):
            chosen.append(m)
    proposal = completion.wire(platform, chosen, types)
    config = compat.ConfigSpec("platform", proposal.modules, proposal.links,
                               payload="80 kg")  # fmt: skip
    compat.check_configuration(config, known, types)  # warm the unit cache
    checks = []
    for _ in range(args.runs):
        start = time.perf_counter()
        problems = compat.check_configuration(config, known, types)
        checks.append((time.perf_counter() - start) * 1000)

    queries = []
    cpu = []
    found = 0
    for _ in range(args.queries):
        required = rng.sample(NEEDS, rng.randint(2, 6))
        limits = completion.Limits(
            budget=rng.choice([None, 800, 2000, 5000]),
            rank_by=rng.choice(["cost", "mass"]),
        )
        start, start_cpu = time.perf_counter(), time.process_time()
        result = completion.complete(platform, modules, types, required=required,
                                     limits=limits)  # fmt: skip
        queries.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        found += bool(result.proposals)

    out = {
        "modules": args.modules,
        "interfaces": len(types),
        "vehicle": {"modules": len(proposal.modules), "links": len(proposal.links),
                    "problems": len(problems)},
        "check_ms": {"p50": statistics.median(checks),
                     "p95": percentile(checks, 0.95), "max": max(checks)},
        "complete_ms": {"p50": statistics.median(queries),
                        "p95": percentile(queries, 0.95), "max": max(queries)},
        "complete_cpu_ms": {"p50": statistics.median(cpu),
                            "p95": percentile(cpu, 0.95), "max": max(cpu)},
        "completions_with_proposals": found,
        "queries": args.queries,
    }  # fmt: skip
    print(json.dumps(out, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(out, handle, indent=2)


if __name__ == "__main__":
    main()
