"""Small vehicles built from plain specifications, for the engine tests."""

from __future__ import annotations

from fabrique.vehicles import compat
from fabrique.vehicles.interface_data import INTERFACE_TYPES

INTERFACES = {
    e["key"]: compat.InterfaceSpec(
        e["key"],
        e["version"],
        e["category"],
        tuple(compat.ParamSpec(p["name"], p["unit"], p["rule"]) for p in e["params"]),
    )
    for e in INTERFACE_TYPES
}

POWER = {"voltage": "42..54.6 V", "current": "30 A", "connector": "EB-6"}


def port(name, interface, role, links=1, **params):
    return compat.PortSpec(name, interface, role, params, links=links)


def platform(load="120 kg", mounts=3, required=("braking", "lighting")):
    return compat.ModuleSpec(
        "trike",
        "Cargo trike",
        "platform",
        mass="35 kg",
        functions=("structure", "steering"),
        load_rating=load,
        required_functions=required,
        ports=(
            *(
                port(f"plate{i}", "bolt-pattern", "host", pattern="80x80", bolt="M6",
                     load="60 kg")
                for i in range(mounts)
            ),
            port("rear", "wheel-dropout", "host", spacing="135 mm", axle="9..12 mm"),
        ),
    )  # fmt: skip


def battery(voltage="42..54.6 V", mass="3.1 kg"):
    return compat.ModuleSpec(
        "bat48",
        "Battery 48 V",
        "battery",
        mass=mass,
        cost=420,
        functions=("energy_storage",),
        ports=(
            port("out", "energybus-power", "host", links=0, voltage=voltage,
                 current="30 A", connector="EB-6"),
            port("plate", "bolt-pattern", "guest", pattern="80x80", bolt="M6",
                 load="4 kg"),
            port("charge", "energybus-charging", "guest", voltage="42..54.6 V",
                 current="5 A", connector="EB-6", protocol="CiA 454"),
        ),
    )  # fmt: skip


def motor(voltage="36..60 V", key="hub", mass="4.2 kg"):
    return compat.ModuleSpec(
        key,
        "Hub motor",
        "drive",
        mass=mass,
        cost=310,
        functions=("propulsion", "braking"),
        ports=(
            port("power", "energybus-power", "guest", voltage=voltage,
                 current="20 A", connector="EB-6"),
            port("axle", "wheel-dropout", "guest", spacing="135 mm", axle="10 mm"),
        ),
    )  # fmt: skip


def lights(key="lights", voltage="36..60 V"):
    return compat.ModuleSpec(
        key,
        "Lights",
        "lighting",
        mass="300 g",
        cost=45,
        functions=("lighting",),
        ports=(
            port("power", "energybus-power", "guest", voltage=voltage,
                 current="1 A", connector="EB-6"),
        ),
    )  # fmt: skip


def charger(voltage="40..58 V", current="4 A", connector="EB-6"):
    return compat.ModuleSpec(
        "charger",
        "Charger",
        "charger",
        mass="1.2 kg",
        functions=("charging",),
        ports=(
            port("out", "energybus-charging", "host", voltage=voltage,
                 current=current, connector=connector, protocol="CiA 454"),
        ),
    )  # fmt: skip


def good_vehicle():
    """A platform, battery, motor, lights and charger, all linked and fitting."""
    modules = {m.key: m for m in (platform(), battery(), motor(), lights(), charger())}
    config = compat.ConfigSpec(
        platform="p",
        items={"p": "trike", "b": "bat48", "m": "hub", "l": "lights", "c": "charger"},
        links=(
            compat.Link("p", "plate0", "b", "plate"),
            compat.Link("b", "out", "m", "power"),
            compat.Link("p", "rear", "m", "axle"),
            compat.Link("b", "out", "l", "power"),
            compat.Link("c", "out", "b", "charge"),
        ),
        payload="75 kg",
    )
    return config, modules
