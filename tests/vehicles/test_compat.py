"""Compatibility of ports and vehicles: every problem found, with its reason."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.vehicles import compat
from tests.vehicles import specs
from tests.vehicles.specs import INTERFACES


def codes(problems):
    return sorted(p.code for p in problems)


def test_a_vehicle_whose_links_and_systems_fit_has_no_problem():
    config, modules = specs.good_vehicle()
    assert compat.check_configuration(config, modules, INTERFACES) == []


def test_a_link_reports_the_ports_the_parameter_and_both_ranges():
    bat = specs.battery()
    low = specs.motor(voltage="24..36 V")
    problems = compat.check_connection(bat, "out", low, "power", INTERFACES)
    assert codes(problems) == ["parameter_incompatible"]
    (problem,) = problems
    assert problem.ports == ("bat48.out", "hub.power")
    assert problem.parameter == "voltage"
    assert problem.values == ("42–54.6 V", "24–36 V")
    assert problem.detail["rule"] == "host_within_guest"


def test_every_broken_parameter_of_one_link_is_listed():
    bat = specs.battery()
    bad = compat.ModuleSpec(
        "m", "Motor", "drive",
        ports=(specs.port("power", "energybus-power", "guest", voltage="24 V",
                          current="40 A", connector="XT60"),),
    )  # fmt: skip
    problems = compat.check_connection(bat, "out", bad, "power", INTERFACES)
    assert [p.parameter for p in problems] == ["voltage", "current", "connector"]


def test_types_roles_and_missing_parameters_are_reasons_too():
    bat, motor = specs.battery(), specs.motor()
    mismatch = compat.check_connection(bat, "out", motor, "axle", INTERFACES)
    assert codes(mismatch) == ["interface_mismatch"]
    assert mismatch[0].values == ("energybus-power", "wheel-dropout")
    two_hosts = compat.check_connection(bat, "out", bat, "out", INTERFACES)
    assert codes(two_hosts) == ["role_mismatch"]
    silent = compat.ModuleSpec(
        "s", "Silent", "drive",
        ports=(specs.port("power", "energybus-power", "guest", voltage="36..60 V",
                          connector="EB-6"),),
    )  # fmt: skip
    missing = compat.check_connection(bat, "out", silent, "power", INTERFACES)
    assert codes(missing) == ["parameter_missing"]
    assert missing[0].parameter == "current"


def test_units_of_the_wrong_kind_or_unknown_are_named():
    bat = specs.battery()
    odd = compat.ModuleSpec(
        "o", "Odd", "drive",
        ports=(specs.port("power", "energybus-power", "guest", voltage="48 kg",
                          current="2 flurbs", connector="EB-6"),),
    )  # fmt: skip
    problems = compat.check_connection(bat, "out", odd, "power", INTERFACES)
    assert codes(problems) == ["unit_invalid", "unit_mismatch"]


# Units mixed on purpose ------------------------------------------------------


def test_inches_and_millimetres_compare_as_lengths():
    rail = specs.port("rail", "tube-clamp", "host", diameter="1 in", width="80 mm",
                      load="20 kg")  # fmt: skip
    clamp = specs.port("clamp", "tube-clamp", "guest", diameter="25.4..25.4 mm",
                       width="1.5 in", load="2000 g")  # fmt: skip
    assert compat.check_ports(("a", rail), ("b", clamp), INTERFACES) == []
    wide = dataclasses.replace(clamp, params={**clamp.params, "width": "3.2 in"})
    (problem,) = compat.check_ports(("a", rail), ("b", wide), INTERFACES)
    assert problem.parameter == "width"
    assert problem.values == ("80 mm", "81.28 mm")


def test_millivolts_and_volts_compare_as_voltages():
    out = specs.port("out", "energybus-power", "host", voltage="48 V",
                     current="10 A", connector="EB-6")  # fmt: skip
    inp = specs.port("in", "energybus-power", "guest",
                     voltage={"min": 36000, "max": 48000, "unit": "mV"},
                     current={"value": 10000, "unit": "mA"},
                     connector="EB-6")  # fmt: skip
    assert compat.check_ports(("a", out), ("b", inp), INTERFACES) == []
    over = specs.port("out", "energybus-power", "host", voltage="48.001 V",
                      current="10 A", connector="EB-6")  # fmt: skip
    assert codes(compat.check_ports(("a", over), ("b", inp), INTERFACES)) == [
        "parameter_incompatible"
    ]


def test_kilograms_and_grams_add_up_against_the_load_rating():
    config, modules = specs.good_vehicle()
    # 3.1 + 4.2 + 0.3 + 1.2 kg of modules + 75 kg payload = 83.8 kg.
    modules["trike"] = dataclasses.replace(modules["trike"], load_rating="83800 g")
    assert compat.check_configuration(config, modules, INTERFACES) == []
    modules["trike"] = dataclasses.replace(modules["trike"], load_rating="83.7 kg")
    (problem,) = compat.check_configuration(config, modules, INTERFACES)
    assert problem.code == "mass_over_load_rating"
    assert problem.values == ("83.8 kg", "83.7 kg")


# System checks -----------------------------------------------------------------


def test_an_unlinked_powered_module_outside_the_battery_range_is_reported():
    config, modules = specs.good_vehicle()
    modules["lights12"] = specs.lights("lights12", voltage="10..14 V")
    config = dataclasses.replace(config, items={**config.items, "x": "lights12"})
    assert codes(compat.check_configuration(config, modules, INTERFACES)) == [
        "battery_voltage_out_of_range",
        "module_not_connected",
    ]


def test_a_charger_that_does_not_fit_the_battery_is_explained():
    config, modules = specs.good_vehicle()
    modules["charger"] = specs.charger(voltage="24..29.4 V", connector="XLR")
    unlinked = dataclasses.replace(
        config, links=tuple(k for k in config.links if k.a != "c")
    )
    problems = compat.errors(compat.check_configuration(unlinked, modules, INTERFACES))
    (problem,) = problems
    assert problem.code == "charger_battery_mismatch"
    assert "voltage" in problem.message
    assert "connector" in problem.message


def test_missing_required_functions_are_each_reported():
    config, modules = specs.good_vehicle()
    config = dataclasses.replace(
        config,
        items={k: v for k, v in config.items.items() if k != "l"},
        links=tuple(k for k in config.links if k.b != "l"),
        required_functions=("cargo",),
    )
    problems = compat.check_configuration(config, modules, INTERFACES)
    assert [(p.code, p.parameter) for p in problems] == [
        ("function_missing", "cargo"),
        ("function_missing", "lighting"),
    ]


def test_a_port_linked_more_than_it_takes_is_reported():
    config, modules = specs.good_vehicle()
    config = dataclasses.replace(
        config,
        items={**config.items, "b2": "bat48"},
        links=(*config.links, compat.Link("p", "plate0", "b2", "plate")),
    )
    assert "port_overused" in codes(
        compat.check_configuration(config, modules, INTERFACES)
    )


# Properties --------------------------------------------------------------------


@st.composite
def compatible_modules(draw):
    """A module powered by the battery's range, light enough for the margin."""
    low = draw(st.floats(min_value=12, max_value=42))
    high = draw(st.floats(min_value=54.6, max_value=100))
    unit, factor = draw(st.sampled_from([("V", 1), ("mV", 1000)]))
    grams = draw(st.integers(min_value=0, max_value=30_000))
    return compat.ModuleSpec(
        "extra", "Extra", "lighting",
        mass=f"{grams} g",
        functions=tuple(draw(st.lists(st.sampled_from(compat.FUNCTIONS)))),
        ports=(specs.port("power", "energybus-power", "guest",
                          voltage={"min": low * factor, "max": high * factor,
                                   "unit": unit},
                          current="1 A", connector="EB-6"),),
    )  # fmt: skip


@given(module=compatible_modules())
@settings(max_examples=60, deadline=None)
def test_an_accepted_vehicle_stays_accepted_with_an_unlinked_compatible_module(
    module,
):
    config, modules = specs.good_vehicle()
    assert compat.errors(compat.check_configuration(config, modules, INTERFACES)) == []
    grown = dataclasses.replace(config, items={**config.items, "x": "extra"})
    problems = compat.check_configuration(
        grown, {**modules, "extra": module}, INTERFACES
    )
    assert compat.errors(problems) == []
    assert codes(problems) == ["module_not_connected"]


@given(
    value=st.floats(min_value=0.001, max_value=1e5),
    pair=st.sampled_from([("mm", "in"), ("V", "mV"), ("kg", "g"), ("A", "mA")]),
)
@settings(max_examples=60, deadline=None)
def test_a_value_equals_itself_written_in_another_unit(value, pair):
    here, there = pair
    converted = compat.convert(value, here, there)
    a = compat.in_unit(compat.read_value({"value": value, "unit": here}), here)
    b = compat.in_unit(compat.read_value({"value": converted, "unit": there}), here)
    assert compat._fits("equal", a, b)
