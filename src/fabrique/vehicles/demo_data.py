"""Demo vehicles: two open platforms and about thirty modules (all labelled
demo), with deliberate incompatibilities listed in :data:`VEHICLES`.

Figures are plausible for light intermediate vehicles (cargo trikes and
light quadricycles), not measurements of real products.
"""

from __future__ import annotations

from typing import Any

P = "pcs"
EB = "EB-6"  # the EnergyBus 6-pin connector
PLATE = {"pattern": "80x80", "bolt": "M6"}
TUBE = {"section": "40 mm", "bolt": "M8", "spacing": "60 mm"}


def part(
    ref: str, name: str, qty: str, unit: str, cost: str, mass: float, source: str = ""
) -> dict[str, Any]:
    return {
        "reference": ref,
        "name": name,
        "quantity": qty,
        "unit": unit,
        "unit_cost": cost,
        "unit_mass": mass,
        "source": source,
    }


def power_in(volts: str, amps: str, connector: str = EB) -> dict[str, Any]:
    return {
        "name": "power",
        "interface": "energybus-power",
        "role": "guest",
        "params": {"voltage": volts, "current": amps, "connector": connector},
    }


def plate(load: str, pattern: str = "80x80") -> dict[str, Any]:
    return {
        "name": "plate",
        "interface": "bolt-pattern",
        "role": "guest",
        "params": {"pattern": pattern, "bolt": "M6", "load": load},
    }


def tube(name: str, load: str, section: str = "40 mm") -> dict[str, Any]:
    return {
        "name": name,
        "interface": "square-tube-bolted",
        "role": "guest",
        "params": {**TUBE, "section": section, "load": load},
    }


CAN = {
    "name": "can",
    "interface": "canopen",
    "role": "peer",
    "links": 0,
    "params": {"bitrate": "250 kbit/s", "profile": "CiA 454"},
}

OHL = "CERN-OHL-S-2.0"

# key, title, kind, mass (kg), cost (EUR), functions, ports, parts, extra
MODULES: list[dict[str, Any]] = [
    # Platforms --------------------------------------------------------------
    {
        "key": "xd3-trike",
        "title": "Plateforme triporteur XD-3",
        "kind": "platform",
        "summary": "Châssis de triporteur à assistance, trois plaques de fixation.",
        "mass": 38,
        "cost": 1450,
        "functions": ["structure", "steering"],
        "load_rating": 150,
        "required_functions": ["braking", "lighting", "propulsion", "energy_storage"],
        "ports": [
            *(
                {
                    "name": f"plate{i}",
                    "interface": "bolt-pattern",
                    "role": "host",
                    "params": {**PLATE, "load": "60 kg"},
                }
                for i in range(3)
            ),
            {
                "name": "rear",
                "interface": "wheel-dropout",
                "role": "host",
                "params": {"spacing": "135 mm", "axle": "9..12 mm"},
            },
            {
                "name": "front",
                "interface": "wheel-dropout",
                "role": "host",
                "params": {"spacing": "100 mm", "axle": "9..12 mm"},
            },
            {
                "name": "bar",
                "interface": "tube-clamp",
                "role": "host",
                "links": 2,
                "params": {"diameter": "31.8 mm", "width": "120 mm", "load": "10 kg"},
            },
            {
                "name": "rack",
                "interface": "rack-mount",
                "role": "host",
                "params": {"width": "160 mm", "load": "25 kg"},
            },
        ],
        "parts": [
            part("TUBE-ST-38", "Steel tube 38×2 mm", "9.5", "m", "11.20", 1.78),
            part("HEADSET-1-1/8", "Headset 1 1/8 in", "1", P, "24.00", 0.12),
            part("M6X20", "Bolt M6×20 with nut and washers", "12", P, "0.35", 0.012),
        ],
    },
    {
        "key": "tq-quad",
        "title": "Quadricycle léger TQ à châssis tubulaire",
        "kind": "platform",
        "summary": "Quadricycle de tube carré boulonné, quatre points d'ancrage.",
        "mass": 95,
        "cost": 3200,
        "functions": ["structure", "steering", "braking"],
        "load_rating": 260,
        "required_functions": ["lighting", "propulsion", "energy_storage", "seating"],
        "ports": [
            *(
                {
                    "name": f"node{i}",
                    "interface": "square-tube-bolted",
                    "role": "host",
                    "params": {**TUBE, "load": "80 kg"},
                }
                for i in range(4)
            ),
            {
                "name": "rear",
                "interface": "wheel-dropout",
                "role": "host",
                "params": {"spacing": "135 mm", "axle": "9..12 mm"},
            },
        ],
        "parts": [
            part("SQ-40X2", "Square steel tube 40×40×2 mm", "18", "m", "9.80", 2.3),
            part("M8X60", "Bolt M8×60 with lock nut", "48", P, "0.60", 0.035),
            part("DISC-160", "Mechanical disc brake 160 mm", "4", P, "32.00", 0.4),
        ],
    },
    # Energy ------------------------------------------------------------------
    {
        "key": "bat-48-14",
        "title": "Batterie EnergyBus 48 V 14 Ah",
        "kind": "battery",
        "mass": 3.6,
        "cost": 520,
        "functions": ["energy_storage"],
        "ports": [
            {
                "name": "out",
                "interface": "energybus-power",
                "role": "host",
                "links": 0,
                "params": {"voltage": "42..54.6 V", "current": "30 A", "connector": EB},
            },
            {
                "name": "charge",
                "interface": "energybus-charging",
                "role": "guest",
                "params": {
                    "voltage": "42..54.6 V",
                    "current": "5 A",
                    "connector": EB,
                    "protocol": "CiA 454",
                },
            },
            plate("5 kg"),
            CAN,
        ],
        "parts": [
            part("CELL-21700", "Li-ion cell 21700 4.8 Ah", "39", P, "4.90", 0.07),
            part("BMS-13S", "BMS 13S 30 A with CANopen", "1", P, "48.00", 0.15),
            part("EB-6P-SOCKET", "EnergyBus 6-pin socket", "1", P, "9.50", 0.02),
        ],
    },
    {
        "key": "bat-48-20",
        "title": "Batterie EnergyBus 48 V 20 Ah",
        "kind": "battery",
        "mass": 5.1,
        "cost": 690,
        "functions": ["energy_storage"],
        "ports": [
            {
                "name": "out",
                "interface": "energybus-power",
                "role": "host",
                "links": 0,
                "params": {"voltage": "42..54.6 V", "current": "30 A", "connector": EB},
            },
            {
                "name": "charge",
                "interface": "energybus-charging",
                "role": "guest",
                "params": {
                    "voltage": "42..54.6 V",
                    "current": "8 A",
                    "connector": EB,
                    "protocol": "CiA 454",
                },
            },
            tube("frame", "6 kg"),
            CAN,
        ],
        "parts": [
            part("CELL-21700", "Li-ion cell 21700 4.8 Ah", "52", P, "4.90", 0.07),
            part("BMS-13S", "BMS 13S 30 A with CANopen", "1", P, "48.00", 0.15),
        ],
    },
    {
        "key": "bat-36-10",
        "title": "Batterie 36 V 10 Ah",
        "kind": "battery",
        "mass": 2.6,
        "cost": 310,
        "functions": ["energy_storage"],
        "ports": [
            {
                "name": "out",
                "interface": "energybus-power",
                "role": "host",
                "links": 0,
                "params": {"voltage": "30..42 V", "current": "20 A", "connector": EB},
            },
            {
                "name": "charge",
                "interface": "energybus-charging",
                "role": "guest",
                "params": {
                    "voltage": "30..42 V",
                    "current": "4 A",
                    "connector": EB,
                    "protocol": "CiA 454",
                },
            },
            plate("4 kg"),
        ],
        "parts": [
            part("CELL-21700", "Li-ion cell 21700 4.8 Ah", "20", P, "4.90", 0.07),
            part("BMS-10S", "BMS 10S 20 A", "1", P, "29.00", 0.1),
        ],
    },
    {
        "key": "chg-48-4",
        "title": "Chargeur EnergyBus 48 V 4 A",
        "kind": "charger",
        "mass": 1.1,
        "cost": 140,
        "functions": ["charging"],
        "ports": [
            {
                "name": "out",
                "interface": "energybus-charging",
                "role": "host",
                "params": {
                    "voltage": "40..58 V",
                    "current": "4 A",
                    "connector": EB,
                    "protocol": "CiA 454",
                },
            },
        ],
        "parts": [part("PSU-200W", "Power supply 200 W", "1", P, "62.00", 0.8)],
    },
    {
        "key": "chg-48-10",
        "title": "Chargeur rapide 48 V 10 A",
        "kind": "charger",
        "mass": 2.3,
        "cost": 260,
        "functions": ["charging"],
        "ports": [
            {
                "name": "out",
                "interface": "energybus-charging",
                "role": "host",
                "params": {
                    "voltage": "40..58 V",
                    "current": "10 A",
                    "connector": EB,
                    "protocol": "CiA 454",
                },
            },
        ],
        "parts": [part("PSU-600W", "Power supply 600 W", "1", P, "140.00", 1.9)],
    },
    {
        "key": "chg-24-3",
        "title": "Chargeur 24 V 3 A",
        "kind": "charger",
        "mass": 0.9,
        "cost": 60,
        "functions": ["charging"],
        "ports": [
            {
                "name": "out",
                "interface": "energybus-charging",
                "role": "host",
                "params": {
                    "voltage": "24..29.4 V",
                    "current": "3 A",
                    "connector": "XLR-3",
                    "protocol": "none",
                },
            },
        ],
        "parts": [part("PSU-100W", "Power supply 100 W", "1", P, "28.00", 0.6)],
    },
    {
        "key": "dcdc-12",
        "title": "Convertisseur 48 V → 12 V",
        "kind": "converter",
        "mass": 0.3,
        "cost": 45,
        "functions": [],
        "ports": [
            power_in("20..60 V", "3 A"),
            {
                "name": "out",
                "interface": "dc-12v-accessory",
                "role": "host",
                "links": 0,
                "params": {
                    "voltage": "12..12.6 V",
                    "current": "5 A",
                    "connector": "DC-2P",
                },
            },
        ],
        "parts": [part("DCDC-60W", "DC-DC converter 60 W", "1", P, "22.00", 0.2)],
    },
    # Drives ------------------------------------------------------------------
    {
        "key": "hub-250-rear",
        "title": "Moteur-roue arrière 250 W",
        "kind": "drive",
        "mass": 3.9,
        "cost": 290,
        "functions": ["propulsion"],
        "ports": [
            power_in("36..60 V", "15 A"),
            {
                "name": "axle",
                "interface": "wheel-dropout",
                "role": "guest",
                "params": {"spacing": "135 mm", "axle": "10 mm"},
            },
            CAN,
        ],
        "parts": [
            part("MOTOR-250", "Geared hub motor 250 W", "1", P, "180.00", 3.2),
            part("EB-6P-PLUG", "EnergyBus 6-pin plug", "1", P, "8.00", 0.02),
        ],
    },
    {
        "key": "hub-500-rear",
        "title": "Moteur-roue arrière 500 W",
        "kind": "drive",
        "mass": 5.2,
        "cost": 410,
        "functions": ["propulsion", "braking"],
        "ports": [
            power_in("42..60 V", "25 A"),
            {
                "name": "axle",
                "interface": "wheel-dropout",
                "role": "guest",
                "params": {"spacing": "135 mm", "axle": "12 mm"},
            },
            CAN,
        ],
        "parts": [
            part("MOTOR-500", "Direct-drive hub motor 500 W", "1", P, "260.00", 4.6),
            part("EB-6P-PLUG", "EnergyBus 6-pin plug", "1", P, "8.00", 0.02),
        ],
    },
    {
        "key": "hub-250-front",
        "title": "Moteur-roue avant 250 W",
        "kind": "drive",
        "mass": 3.1,
        "cost": 250,
        "functions": ["propulsion"],
        "ports": [
            power_in("36..48 V", "15 A"),
            {
                "name": "axle",
                "interface": "wheel-dropout",
                "role": "guest",
                "params": {"spacing": "100 mm", "axle": "9 mm"},
            },
        ],
        "parts": [part("MOTOR-250F", "Front hub motor 250 W", "1", P, "160.00", 2.8)],
    },
    {
        "key": "mid-xt60",
        "title": "Moteur pédalier 48 V (XT60)",
        "kind": "drive",
        "mass": 3.4,
        "cost": 330,
        "functions": ["propulsion"],
        "ports": [
            power_in("42..54.6 V", "18 A", connector="XT60"),
            tube("mount", "4 kg"),
        ],
        "parts": [part("MOTOR-MID", "Mid-drive motor", "1", P, "240.00", 3.2)],
    },
    # Brakes --------------------------------------------------------------------
    {
        "key": "brakes-hydro",
        "title": "Freins hydrauliques 2 pistons",
        "kind": "brakes",
        "mass": 0.9,
        "cost": 120,
        "functions": ["braking"],
        "ports": [
            {
                "name": "lever",
                "interface": "tube-clamp",
                "role": "guest",
                "params": {"diameter": "22..32 mm", "width": "40 mm", "load": "1 kg"},
            }
        ],
        "parts": [
            part("CALIPER-2P", "Hydraulic caliper", "2", P, "38.00", 0.2),
            part("DISC-180", "Brake disc 180 mm", "2", P, "14.00", 0.15),
        ],
    },
    {
        "key": "brakes-drum",
        "title": "Freins à tambour 90 mm",
        "kind": "brakes",
        "mass": 1.4,
        "cost": 85,
        "functions": ["braking"],
        "ports": [
            {
                "name": "lever",
                "interface": "tube-clamp",
                "role": "guest",
                "params": {"diameter": "22.2 mm", "width": "40 mm", "load": "1 kg"},
            }
        ],
        "parts": [part("DRUM-90", "Drum brake 90 mm", "2", P, "31.00", 0.6)],
    },
    # Lighting ----------------------------------------------------------------------
    {
        "key": "lights-eb",
        "title": "Éclairage avant/arrière EnergyBus",
        "kind": "lighting",
        "mass": 0.35,
        "cost": 75,
        "functions": ["lighting", "signalling"],
        "ports": [power_in("24..60 V", "1 A")],
        "parts": [
            part("LAMP-F-70", "Front lamp 70 lux", "1", P, "32.00", 0.12),
            part("LAMP-R", "Rear lamp with brake light", "1", P, "18.00", 0.08),
        ],
    },
    {
        "key": "lights-12",
        "title": "Kit éclairage 12 V",
        "kind": "lighting",
        "mass": 0.3,
        "cost": 35,
        "functions": ["lighting"],
        "ports": [
            {
                "name": "power",
                "interface": "dc-12v-accessory",
                "role": "guest",
                "params": {
                    "voltage": "10..14 V",
                    "current": "1 A",
                    "connector": "DC-2P",
                },
            }
        ],
        "parts": [part("LAMP-KIT-12", "12 V lamp kit", "1", P, "26.00", 0.25)],
    },
    {
        "key": "lights-12-eb",
        "title": "Kit éclairage 12 V (prise EnergyBus)",
        "kind": "lighting",
        "mass": 0.3,
        "cost": 39,
        "functions": ["lighting"],
        "ports": [power_in("10..14 V", "1 A")],
        "parts": [part("LAMP-KIT-12", "12 V lamp kit", "1", P, "26.00", 0.25)],
    },
    # Bodies, seats, cargo ----------------------------------------------------
    {
        "key": "box-400",
        "title": "Caisse cargo 400 L",
        "kind": "cargo",
        "mass": 18,
        "cost": 380,
        "functions": ["cargo", "body"],
        "ports": [plate("58 kg")],
        "parts": [
            part("PLY-15", "Birch plywood 15 mm", "2.4", "m**2", "38.00", 9.5),
            part("M6X20", "Bolt M6×20 with nut and washers", "16", P, "0.35", 0.012),
        ],
    },
    {
        "key": "box-600-us",
        "title": "Caisse cargo 600 L (gabarit 100 mm)",
        "kind": "cargo",
        "mass": 24,
        "cost": 460,
        "functions": ["cargo", "body"],
        "ports": [plate("70 kg", pattern="100x100")],
        "parts": [part("PLY-15", "Birch plywood 15 mm", "3.4", "m**2", "38.00", 9.5)],
    },
    {
        "key": "rack-box-20",
        "title": "Top-case porte-bagages 20 kg",
        "kind": "cargo",
        "mass": 2.5,
        "cost": 90,
        "functions": ["cargo"],
        "ports": [
            {
                "name": "rack",
                "interface": "rack-mount",
                "role": "guest",
                "params": {"width": "120..180 mm", "load": "20 kg"},
            }
        ],
        "parts": [part("BOX-PP", "Polypropylene box 45 L", "1", P, "48.00", 2.2)],
    },
    {
        "key": "rack-box-35",
        "title": "Caisse porte-bagages renforcée 35 kg",
        "kind": "cargo",
        "mass": 4,
        "cost": 130,
        "functions": ["cargo"],
        "ports": [
            {
                "name": "rack",
                "interface": "rack-mount",
                "role": "guest",
                "params": {"width": "6..7 in", "load": "35 kg"},
            }
        ],
        "parts": [part("BOX-ALU", "Aluminium box 60 L", "1", P, "95.00", 3.6)],
    },
    {
        "key": "seat-bench",
        "title": "Banquette deux places",
        "kind": "seat",
        "mass": 9,
        "cost": 210,
        "functions": ["seating"],
        "ports": [tube("frame", "75 kg")],
        "parts": [
            part("FOAM-SEAT", "Seat foam and cover", "2", P, "45.00", 3.0),
            part("M8X60", "Bolt M8×60 with lock nut", "4", P, "0.60", 0.035),
        ],
    },
    {
        "key": "seat-bucket",
        "title": "Siège baquet",
        "kind": "seat",
        "mass": 6,
        "cost": 160,
        "functions": ["seating"],
        "ports": [tube("frame", "60 kg")],
        "parts": [part("SEAT-SHELL", "Moulded seat shell", "1", P, "110.00", 5.0)],
    },
    {
        "key": "seat-child",
        "title": "Siège enfant sur plaque",
        "kind": "seat",
        "mass": 3.2,
        "cost": 95,
        "functions": ["seating"],
        "ports": [plate("25 kg")],
        "parts": [part("SEAT-CHILD", "Child seat with harness", "1", P, "70.00", 3.0)],
    },
    {
        "key": "seat-35",
        "title": "Siège sur section 35 mm",
        "kind": "seat",
        "mass": 5,
        "cost": 120,
        "functions": ["seating"],
        "ports": [tube("frame", "60 kg", section="35 mm")],
        "parts": [part("SEAT-SHELL", "Moulded seat shell", "1", P, "110.00", 5.0)],
    },
    {
        "key": "body-canopy",
        "title": "Carrosserie canopée légère",
        "kind": "body",
        "mass": 14,
        "cost": 540,
        "functions": ["body"],
        "ports": [tube("frame-left", "10 kg"), tube("frame-right", "10 kg")],
        "parts": [
            part("PC-SHEET-3", "Polycarbonate sheet 3 mm", "4", "m**2", "42.00", 3.6)
        ],
    },
    {
        "key": "body-rain",
        "title": "Capote pluie pour triporteur",
        "kind": "body",
        "mass": 3.5,
        "cost": 160,
        "functions": ["body"],
        "ports": [
            {
                "name": "bar",
                "interface": "tube-clamp",
                "role": "guest",
                "params": {"diameter": "25..26 mm", "width": "60 mm", "load": "4 kg"},
            }
        ],
        "parts": [part("TARP-PVC", "PVC tarpaulin", "3", "m**2", "12.00", 0.7)],
    },
    # Electronics -----------------------------------------------------------------
    {
        "key": "ctrl-can",
        "title": "Contrôleur de bord CANopen",
        "kind": "controller",
        "mass": 0.4,
        "cost": 150,
        "functions": ["control"],
        "ports": [
            power_in("36..60 V", "0.5 A"),
            CAN,
            {
                "name": "bar",
                "interface": "tube-clamp",
                "role": "guest",
                "params": {"diameter": "31.8 mm", "width": "30 mm", "load": "0.5 kg"},
            },
        ],
        "parts": [
            part("PCB-CTRL", "Controller board", "1", P, "85.00", 0.2),
            part("CAN-TERM", "CAN bus terminator 120 Ω", "2", P, "3.00", 0.01),
        ],
    },
    {
        "key": "ctrl-can-500",
        "title": "Afficheur CAN 500 kbit/s",
        "kind": "controller",
        "mass": 0.2,
        "cost": 70,
        "functions": ["control"],
        "ports": [
            power_in("36..60 V", "0.3 A"),
            {**CAN, "params": {"bitrate": "500 kbit/s", "profile": "CiA 454"}},
        ],
        "parts": [part("LCD-3", "3 in display", "1", P, "40.00", 0.15)],
    },
    {
        "key": "adapter-xt60",
        "title": "Adaptateur EnergyBus → XT60 (48 V)",
        "kind": "adapter",
        "mass": 0.05,
        "cost": 18,
        "functions": [],
        "ports": [
            {**power_in("12..60 V", "30 A"), "name": "in"},
            {
                "name": "out",
                "interface": "energybus-power",
                "role": "host",
                "params": {
                    "voltage": "42..54.6 V",
                    "current": "30 A",
                    "connector": "XT60",
                },
            },
        ],
        "parts": [part("XT60-LEAD", "XT60 lead 20 cm", "1", P, "6.00", 0.03)],
    },
    {
        "key": "mirror-pair",
        "title": "Paire de rétroviseurs",
        "kind": "body",
        "mass": 0.4,
        "cost": 30,
        "functions": ["signalling"],
        "ports": [
            {
                "name": "bar",
                "interface": "tube-clamp",
                "role": "guest",
                "params": {"diameter": "22..32 mm", "width": "20 mm", "load": "0.5 kg"},
            }
        ],
        "parts": [part("MIRROR", "Mirror", "2", P, "12.00", 0.18)],
    },
]

# A demo vehicle: its platform, its modules (key -> module), links, payload,
# and the problems it was built to show as (code, parameter, items) — an
# empty list for a vehicle that fits.
VEHICLES: list[dict[str, Any]] = [
    {
        "title": "Triporteur de livraison 48 V",
        "summary": "Le triporteur de référence : tout s'emboîte.",
        "platform": "xd3-trike",
        "modules": {
            "bat": "bat-48-14",
            "motor": "hub-250-rear",
            "lights": "lights-eb",
            "brakes": "brakes-hydro",
            "box": "box-400",
            "charger": "chg-48-4",
        },
        "links": [
            ["platform", "plate0", "bat", "plate"],
            ["platform", "plate1", "box", "plate"],
            ["platform", "rear", "motor", "axle"],
            ["platform", "bar", "brakes", "lever"],
            ["bat", "out", "motor", "power"],
            ["bat", "out", "lights", "power"],
            ["bat", "can", "motor", "can"],
            ["charger", "out", "bat", "charge"],
        ],
        "payload": 90,
        "expected": [],
    },
    {
        "title": "Quadricycle navette deux places",
        "summary": "Quadricycle léger pour la navette de bourg.",
        "platform": "tq-quad",
        "modules": {
            "bat": "bat-48-20",
            "motor": "hub-500-rear",
            "lights": "lights-eb",
            "seat": "seat-bench",
            "body": "body-canopy",
            "ctrl": "ctrl-can",
            "charger": "chg-48-4",
        },
        "links": [
            ["platform", "node0", "bat", "frame"],
            ["platform", "node1", "seat", "frame"],
            ["platform", "node2", "body", "frame-left"],
            ["platform", "node3", "body", "frame-right"],
            ["platform", "rear", "motor", "axle"],
            ["bat", "out", "motor", "power"],
            ["bat", "out", "lights", "power"],
            ["bat", "out", "ctrl", "power"],
            ["bat", "can", "motor", "can"],
            ["bat", "can", "ctrl", "can"],
            ["charger", "out", "bat", "charge"],
        ],
        "payload": 160,
        "expected": [],
    },
    {
        "title": "Triporteur 36 V (tension trop basse)",
        "summary": "Une batterie 36 V sous un moteur qui veut 42 V au moins.",
        "platform": "xd3-trike",
        "modules": {
            "bat": "bat-36-10",
            "motor": "hub-500-rear",
            "lights": "lights-eb",
            "brakes": "brakes-drum",
        },
        "links": [
            ["platform", "plate0", "bat", "plate"],
            ["platform", "rear", "motor", "axle"],
            ["platform", "bar", "brakes", "lever"],
            ["bat", "out", "motor", "power"],
            ["bat", "out", "lights", "power"],
        ],
        "payload": 80,
        "expected": [
            ("parameter_incompatible", "voltage", ("bat", "motor")),
            ("parameter_incompatible", "current", ("bat", "motor")),
            ("parameter_incompatible", "diameter", ("platform", "brakes")),
        ],
    },
    {
        "title": "Triporteur avec chargeur 24 V",
        "summary": "Un chargeur d'une autre tension et d'une autre prise.",
        "platform": "xd3-trike",
        "modules": {
            "bat": "bat-48-14",
            "motor": "hub-250-rear",
            "lights": "lights-eb",
            "brakes": "brakes-hydro",
            "charger": "chg-24-3",
        },
        "links": [
            ["platform", "plate0", "bat", "plate"],
            ["platform", "rear", "motor", "axle"],
            ["platform", "bar", "brakes", "lever"],
            ["bat", "out", "motor", "power"],
            ["bat", "out", "lights", "power"],
        ],
        "payload": 80,
        "expected": [
            ("charger_battery_mismatch", "voltage", ("charger", "bat")),
            ("module_not_connected", "", ("charger",)),
        ],
    },
    {
        "title": "Triporteur : moteur avant à l'arrière, caisse au mauvais gabarit",
        "summary": "Un moteur de 100 mm dans une patte de 135 mm.",
        "platform": "xd3-trike",
        "modules": {
            "bat": "bat-48-14",
            "motor": "hub-250-front",
            "lights": "lights-12-eb",
            "brakes": "brakes-hydro",
            "box": "box-600-us",
        },
        "links": [
            ["platform", "plate0", "bat", "plate"],
            ["platform", "plate1", "box", "plate"],
            ["platform", "rear", "motor", "axle"],
            ["platform", "bar", "brakes", "lever"],
            ["bat", "out", "motor", "power"],
            ["bat", "out", "lights", "power"],
        ],
        "payload": 60,
        "expected": [
            ("parameter_incompatible", "pattern", ("platform", "box")),
            ("parameter_incompatible", "load", ("platform", "box")),
            ("parameter_incompatible", "spacing", ("platform", "motor")),
            ("parameter_incompatible", "voltage", ("bat", "motor")),
            ("parameter_incompatible", "voltage", ("bat", "lights")),
        ],
    },
    {
        "title": "Quadricycle sans éclairage, siège au mauvais profil",
        "summary": "Pas de feux, un siège pour tube de 35 mm, un moteur en XT60.",
        "platform": "tq-quad",
        "modules": {
            "bat": "bat-48-20",
            "motor": "mid-xt60",
            "seat": "seat-35",
            "seat2": "seat-bench",
        },
        "links": [
            ["platform", "node0", "bat", "frame"],
            ["platform", "node1", "seat", "frame"],
            ["platform", "node2", "seat2", "frame"],
            ["platform", "node3", "motor", "mount"],
            ["bat", "out", "motor", "power"],
        ],
        "payload": 160,
        "expected": [
            ("parameter_incompatible", "section", ("platform", "seat")),
            ("parameter_incompatible", "connector", ("bat", "motor")),
            ("function_missing", "lighting", ()),
        ],
    },
    {
        "title": "Triporteur : top-case 35 kg sur porte-bagages 25 kg",
        "summary": "Une caisse renforcée trop lourde pour le porte-bagages.",
        "platform": "xd3-trike",
        "modules": {
            "bat": "bat-48-14",
            "motor": "hub-250-rear",
            "lights": "lights-eb",
            "brakes": "brakes-hydro",
            "top": "rack-box-35",
            "ctrl": "ctrl-can-500",
        },
        "links": [
            ["platform", "plate0", "bat", "plate"],
            ["platform", "rear", "motor", "axle"],
            ["platform", "bar", "brakes", "lever"],
            ["platform", "rack", "top", "rack"],
            ["bat", "out", "motor", "power"],
            ["bat", "out", "lights", "power"],
            ["bat", "out", "ctrl", "power"],
            ["bat", "can", "ctrl", "can"],
        ],
        "payload": 140,
        "expected": [
            ("parameter_incompatible", "load", ("platform", "top")),
            ("parameter_incompatible", "bitrate", ("bat", "ctrl")),
            ("mass_over_load_rating", "mass", ("platform",)),
        ],
    },
]
