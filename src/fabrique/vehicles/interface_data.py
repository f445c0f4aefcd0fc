"""The first interface types of open vehicles, as data.

Each entry becomes an :class:`~fabrique.vehicles.models.InterfaceType` and a
commons of kind *knowledge* documenting it, so that a community can take it
up and standardise it (a new version is a new entry with the same key).
``source`` says where the parameters come from. Parameter rules are those of
:data:`fabrique.vehicles.compat.PARAM_RULES`: *host* is the side that
supplies or carries (battery output, charger, frame mount), *guest* the side
that draws or is carried.

Only the *kind* of each parameter is fixed here; the values (a 25.4 mm tube,
a 36–60 V input) are stated by each module's ports.
"""

from __future__ import annotations

from typing import Any

INTERFACE_TYPES: list[dict[str, Any]] = [
    {
        "key": "energybus-power",
        "link_parts": [
            {
                "reference": "EB-6P-PAIR",
                "name": "EnergyBus 6-pin connector pair",
                "quantity": "1",
                "unit": "pcs",
                "unit_cost": "14.50",
                "unit_mass": 0.03,
            }
        ],
        "version": "1.0",
        "category": "electrical",
        "title": "EnergyBus power line (CiA 454)",
        "summary": "DC power between a light-vehicle battery and its loads.",
        "documentation": (
            "The power side of EnergyBus, the open interface of light electric "
            "vehicles standardised by CAN in Automation as CiA 454: one "
            "6-pin connector carries DC power (12 to 48 V class, up to 30 A) "
            "and the CAN lines of the data side. The battery is the host: its "
            "voltage range must lie within the range every load accepts, and "
            "its maximum current must cover the load's."
        ),
        "source": "EnergyBus e.V. / CAN in Automation, CiA 454 (public "
        "summary: 6-pin connector, 12–48 V, up to 30 A)",
        "params": [
            {"name": "voltage", "unit": "V", "rule": "host_within_guest"},
            {"name": "current", "unit": "A", "rule": "host_at_least_guest"},
            {"name": "connector", "unit": "", "rule": "equal"},
        ],
    },
    {
        "key": "energybus-charging",
        "version": "1.0",
        "category": "electrical",
        "title": "EnergyBus charging (CiA 454)",
        "summary": "A charger feeding a light-vehicle battery over EnergyBus.",
        "documentation": (
            "The charger is the host: the battery's charging voltage range "
            "must lie within what the charger can deliver, the charger's "
            "current must not exceed what the battery accepts, and both speak "
            "the CiA 454 charging profile over the same connector."
        ),
        "source": "CAN in Automation, CiA 454 (battery–charger profile)",
        "params": [
            {"name": "voltage", "unit": "V", "rule": "guest_within_host"},
            {"name": "current", "unit": "A", "rule": "guest_at_least_host"},
            {"name": "connector", "unit": "", "rule": "equal"},
            {"name": "protocol", "unit": "", "rule": "equal"},
        ],
    },
    {
        "key": "dc-12v-accessory",
        "link_parts": [
            {
                "reference": "DC-2P-PAIR",
                "name": "2-pin waterproof connector pair",
                "quantity": "1",
                "unit": "pcs",
                "unit_cost": "1.80",
                "unit_mass": 0.01,
            }
        ],
        "version": "1.0",
        "category": "electrical",
        "title": "12 V accessory supply",
        "summary": "Low-voltage DC for lights, horns and displays.",
        "documentation": (
            "A converter (host) supplies 12 V class power to accessories "
            "(guests): its range must lie within theirs, its current cover "
            "theirs."
        ),
        "source": "Common practice of light-vehicle lighting kits (12 V class)",
        "params": [
            {"name": "voltage", "unit": "V", "rule": "host_within_guest"},
            {"name": "current", "unit": "A", "rule": "host_at_least_guest"},
            {"name": "connector", "unit": "", "rule": "equal"},
        ],
    },
    {
        "key": "canopen",
        "link_parts": [
            {
                "reference": "CAN-CABLE",
                "name": "CAN cable, twisted pair",
                "quantity": "0.5",
                "unit": "m",
                "unit_cost": "3.20",
                "unit_mass": 0.04,
            }
        ],
        "version": "1.0",
        "category": "data",
        "title": "CANopen bus (CiA 301 / CiA 454 profile)",
        "summary": "The data bus of EnergyBus devices.",
        "documentation": (
            "Peers on one CAN bus share the bit rate and the application "
            "profile (CiA 454 for EnergyBus batteries, chargers and drives)."
        ),
        "source": "CAN in Automation, CiA 301 (CANopen) and CiA 454",
        "params": [
            {"name": "bitrate", "unit": "kbit/s", "rule": "equal"},
            {"name": "profile", "unit": "", "rule": "equal"},
        ],
    },
    {
        "key": "tube-clamp",
        "version": "1.0",
        "category": "mechanical",
        "title": "Round tube clamp",
        "summary": "A module clamped on a round frame or handlebar tube.",
        "documentation": (
            "The frame tube (host) has an outside diameter; the clamp (guest) "
            "closes on a range of diameters and needs a width of free tube. "
            "The host's rated load must cover the guest's."
        ),
        "source": "Bicycle handlebar and frame tube diameters (22.2, 25.4, "
        "31.8 mm) as published by open cargo-bike and velomobile designs",
        "params": [
            {"name": "diameter", "unit": "mm", "rule": "host_within_guest"},
            {"name": "width", "unit": "mm", "rule": "host_at_least_guest"},
            {"name": "load", "unit": "kg", "rule": "host_at_least_guest"},
        ],
    },
    {
        "key": "square-tube-bolted",
        "link_parts": [
            {
                "reference": "M8X60",
                "name": "Bolt M8×60 with lock nut",
                "quantity": "2",
                "unit": "pcs",
                "unit_cost": "0.60",
                "unit_mass": 0.035,
            }
        ],
        "version": "1.0",
        "category": "mechanical",
        "title": "Bolted square-tube joint",
        "summary": "Modules bolted through a square steel tube frame.",
        "documentation": (
            "Open cargo-bike frames built from square steel tube join parts "
            "with through bolts: section, bolt size and hole spacing must "
            "match, and the frame point's rated load cover the module's."
        ),
        "source": "XYZ Cargo open designs (square steel tube, bolted joints, "
        "published drawings)",
        "params": [
            {"name": "section", "unit": "mm", "rule": "equal"},
            {"name": "bolt", "unit": "", "rule": "equal"},
            {"name": "spacing", "unit": "mm", "rule": "equal"},
            {"name": "load", "unit": "kg", "rule": "host_at_least_guest"},
        ],
    },
    {
        "key": "bolt-pattern",
        "link_parts": [
            {
                "reference": "M6X20",
                "name": "Bolt M6×20 with nut and washers",
                "quantity": "4",
                "unit": "pcs",
                "unit_cost": "0.35",
                "unit_mass": 0.012,
            }
        ],
        "version": "1.0",
        "category": "mechanical",
        "title": "Four-bolt mounting plate",
        "summary": "A body, seat or box bolted on a platform's mounting plate.",
        "documentation": (
            "A rectangular pattern of four bolts: the pattern (spacing) and "
            "bolt size must match, and the plate's rated load cover the "
            "module's loaded mass."
        ),
        "source": "Mounting points of open light-vehicle platforms "
        "(OSVehicle TABBY published chassis drawings)",
        "params": [
            {"name": "pattern", "unit": "", "rule": "equal"},
            {"name": "bolt", "unit": "", "rule": "equal"},
            {"name": "load", "unit": "kg", "rule": "host_at_least_guest"},
        ],
    },
    {
        "key": "wheel-dropout",
        "version": "1.0",
        "category": "mechanical",
        "title": "Wheel dropout (hub motor)",
        "summary": "A wheel or hub motor held in the frame's dropouts.",
        "documentation": (
            "The frame's dropout spacing (over-locknut dimension) must equal "
            "the hub's; the axle must fit the slot."
        ),
        "source": "Bicycle hub standards: 100 mm front and 135 mm rear "
        "over-locknut dimensions, 9–12 mm axles",
        "params": [
            {"name": "spacing", "unit": "mm", "rule": "equal"},
            {"name": "axle", "unit": "mm", "rule": "guest_within_host"},
        ],
    },
    {
        "key": "rack-mount",
        "version": "1.0",
        "category": "mechanical",
        "title": "Luggage carrier top",
        "summary": "A box or child seat on a rear carrier.",
        "documentation": (
            "A carrier (host) has a rated load class and a platform width; "
            "the module needs a width range and weighs its loaded mass."
        ),
        "source": "Luggage-carrier load classes of ISO 11243 (5 to 25 kg and "
        "more) and carrier widths published by open cargo-bike designs",
        "params": [
            {"name": "width", "unit": "mm", "rule": "host_within_guest"},
            {"name": "load", "unit": "kg", "rule": "host_at_least_guest"},
        ],
    },
]
