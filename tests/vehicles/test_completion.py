"""Completion proposes checked vehicles, ranked, or says why there is none."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.vehicles import compat
from fabrique.vehicles.completion import Limits, complete
from tests.vehicles import specs
from tests.vehicles.specs import INTERFACES

NEEDED = ("propulsion", "energy_storage", "charging", "lighting")


def catalogue():
    cheap_motor = dataclasses.replace(specs.motor(key="cheap"), cost=150)
    low_motor = dataclasses.replace(specs.motor(voltage="20..30 V", key="low"), cost=90)
    return [
        specs.battery(),
        cheap_motor,
        low_motor,
        specs.motor(),
        specs.lights(),
        dataclasses.replace(specs.lights("lights12", voltage="10..14 V"), cost=5),
        specs.charger(),
    ]


def check(proposal, platform, modules, required=NEEDED):
    config = compat.ConfigSpec(
        platform="platform",
        items=proposal.modules,
        links=proposal.links,
        required_functions=required,
    )
    return compat.errors(compat.check_configuration(config, modules, INTERFACES))


def test_proposals_are_ranked_by_cost_and_pass_the_checker():
    platform = specs.platform()
    result = complete(platform, catalogue(), INTERFACES, required=NEEDED)
    assert result.proposals, result.reasons
    modules = {m.key: m for m in [platform, *catalogue()]}
    costs = [p.cost for p in result.proposals]
    assert costs == sorted(costs)
    best = result.proposals[0]
    # The 24 V motor and 12 V lights are cheaper but do not fit the 48 V battery.
    assert set(best.modules.values()) == {"trike", "bat48", "cheap", "lights",
                                          "charger"}  # fmt: skip
    for proposal in result.proposals:
        assert check(proposal, platform, modules) == []


def test_ranking_by_mass_prefers_the_lightest_set():
    heavy = dataclasses.replace(specs.motor(key="heavy", mass="9 kg"), cost=1)
    result = complete(
        specs.platform(), [*catalogue(), heavy], INTERFACES, required=NEEDED,
        limits=Limits(rank_by="mass"),
    )  # fmt: skip
    assert "heavy" not in result.proposals[0].modules.values()


def test_a_budget_too_small_is_named_as_the_reason():
    result = complete(
        specs.platform(), catalogue(), INTERFACES, required=NEEDED,
        limits=Limits(budget=500),
    )  # fmt: skip
    assert result.proposals == []
    assert {r["code"] for r in result.reasons} == {"blocked_by_budget"}


def test_a_licence_limit_that_leaves_no_lights_is_explained():
    modules = [
        dataclasses.replace(m, licence="CERN-OHL-S-2.0") for m in catalogue()
        if m.kind != "lighting"
    ] + [dataclasses.replace(specs.lights(), licence="proprietary")]  # fmt: skip
    result = complete(
        specs.platform(), modules, INTERFACES, required=NEEDED,
        limits=Limits(licences=frozenset({"CERN-OHL-S-2.0"})),
    )  # fmt: skip
    assert result.reasons == [
        {"code": "no_candidate", "function": "lighting", "dropped": {"licence": 1}}
    ]


def test_a_platform_with_no_free_mount_leaves_the_battery_out():
    platform = specs.platform(mounts=0)
    result = complete(platform, catalogue(), INTERFACES, required=NEEDED)
    assert result.reasons[0]["code"] == "no_candidate"
    assert result.reasons[0]["dropped"] == {"mount": 1}


@st.composite
def catalogues(draw):
    modules = []
    for i in range(draw(st.integers(1, 6))):
        low = draw(st.sampled_from([10, 20, 36, 40]))
        high = draw(st.sampled_from([14, 30, 60]))
        kind = draw(st.sampled_from(["motor", "lights", "battery", "charger"]))
        if kind == "motor":
            m = specs.motor(voltage=f"{low}..{max(low, high)} V", key=f"m{i}")
        elif kind == "lights":
            m = specs.lights(f"l{i}", voltage=f"{low}..{max(low, high)} V")
        elif kind == "battery":
            m = dataclasses.replace(
                specs.battery(voltage=f"{low}..{max(low, high)} V"), key=f"b{i}"
            )
        else:
            m = dataclasses.replace(
                specs.charger(voltage=f"{low}..{max(low, high)} V"), key=f"c{i}"
            )
        modules.append(dataclasses.replace(m, cost=draw(st.integers(1, 500))))
    return modules


@given(modules=catalogues(), budget=st.one_of(st.none(), st.integers(100, 2000)))
@settings(max_examples=40, deadline=None)
def test_every_proposal_passes_the_checker(modules, budget):
    platform = specs.platform()
    result = complete(
        platform, [*catalogue(), *modules], INTERFACES, required=NEEDED,
        limits=Limits(budget=budget),
    )  # fmt: skip
    known = {m.key: m for m in [platform, *catalogue(), *modules]}
    for proposal in result.proposals:
        assert check(proposal, platform, known) == []
    assert result.proposals or result.reasons


def test_a_mass_limit_too_low_for_any_set_is_named():
    result = complete(
        specs.platform(), catalogue(), INTERFACES, required=NEEDED,
        limits=Limits(max_mass=6),
    )  # fmt: skip
    assert result.proposals == []
    assert {r["code"] for r in result.reasons} == {"blocked_by_mass"}
