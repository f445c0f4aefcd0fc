"""The vehicles API: reads, check, complete, save, update and fork."""

from __future__ import annotations

import pytest

from fabrique.vehicles.models import Configuration, Module
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def slugs():
    return {m.commons.title: m.commons.slug for m in Module.objects.select_related(
        "commons")}  # fmt: skip


def test_interface_types_and_modules_are_listed(demo_vehicles):
    client = ApiClient()
    types = client.send("GET", "/api/1/vehicles/interface-types/").json()
    energybus = next(t for t in types if t["key"] == "energybus-power")
    assert {"name": "voltage", "unit": "V", "rule": "host_within_guest"} in energybus[
        "parameters"
    ]
    page = client.send("GET", "/api/1/vehicles/modules/?kind=platform").json()
    assert page["total"] == 2
    slug = slugs()["Batterie EnergyBus 48 V 14 Ah"]
    module = client.send("GET", f"/api/1/vehicles/modules/{slug}/").json()
    assert {p["name"] for p in module["ports"]} == {"out", "charge", "plate", "can"}
    ports = client.send("GET", f"/api/1/vehicles/modules/{slug}/ports/").json()
    assert len(ports) == 4


def test_check_explains_every_problem_and_stores_nothing(demo_vehicles):
    s = slugs()
    body = {
        "platform": s["Plateforme triporteur XD-3"],
        "modules": {"bat": s["Batterie 36 V 10 Ah"],
                    "motor": s["Moteur-roue arrière 500 W"]},
        "links": [["bat", "out", "motor", "power"]],
    }  # fmt: skip
    before = Configuration.objects.count()
    answer = ApiClient().send("POST", "/api/1/vehicles/check/", body).json()
    assert answer["ok"] is False
    voltage = next(p for p in answer["problems"] if p["parameter"] == "voltage")
    assert voltage["values"] == ["30–42 V", "42–60 V"]
    assert voltage["ports"] == ["bat.out", "motor.power"]
    codes = {p["code"] for p in answer["problems"]}
    assert "function_missing" in codes
    assert Configuration.objects.count() == before


def test_complete_proposes_checked_sets_or_explains(demo_vehicles):
    s = slugs()
    client = ApiClient()
    body = {"platform": s["Plateforme triporteur XD-3"],
            "required_functions": ["charging"]}  # fmt: skip
    answer = client.send("POST", "/api/1/vehicles/complete/", body).json()
    assert answer["proposals"], answer
    best = answer["proposals"][0]
    check = client.send(
        "POST", "/api/1/vehicles/check/",
        {"platform": best["modules"].pop("platform"), "modules": best["modules"],
         "links": best["links"], "required_functions": ["charging"]},
    ).json()  # fmt: skip
    assert check["ok"], check
    poor = client.send("POST", "/api/1/vehicles/complete/", {**body, "budget": 100})
    assert poor.json()["proposals"] == []
    assert poor.json()["reasons"]


def test_a_member_saves_updates_and_forks_a_vehicle(demo_vehicles, member):
    s = slugs()
    client = ApiClient(token_for(member))
    body = {"platform": s["Plateforme triporteur XD-3"], "title": "Mon triporteur"}
    created = client.send("POST", "/api/1/vehicles/configurations/", body)
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    updated = client.send(
        "PUT", f"/api/1/vehicles/configurations/{slug}/",
        {"platform": body["platform"], "modules": {"l": s["Kit éclairage 12 V"]}},
    )  # fmt: skip
    assert updated.json()["modules"] == {"l": s["Kit éclairage 12 V"]}
    fork = client.send("POST", f"/api/1/vehicles/configurations/{slug}/fork/")
    assert fork.json()["forked_from"] == slug


def test_a_member_adds_a_module_with_ports_and_parts(demo_vehicles, member):
    body = {
        "title": "Feu arrière CAN", "summary": "Un feu arrière sur le bus.",
        "licence": "CERN-OHL-S-2.0", "kind": "lighting", "mass": 120,
        "mass_unit": "g", "cost": 22, "functions": ["lighting"],
        "ports": [{"name": "power", "interface": "energybus-power", "role": "guest",
                   "params": {"voltage": "36..60 V", "current": "0.2 A",
                              "connector": "EB-6"}}],
        "parts": [{"reference": "LED-R", "name": "Red LED board", "quantity": 1,
                   "unit_cost": 9.5}],
    }  # fmt: skip
    client = ApiClient(token_for(member))
    created = client.send("POST", "/api/1/vehicles/modules/", body)
    assert created.status_code == 201, created.content
    module = created.json()
    assert module["ports"][0]["interface"] == "energybus-power"
    assert module["parts"][0]["quantity"] == "1"
    refused = client.send(
        "POST", "/api/1/vehicles/modules/",
        {**body, "title": "Autre", "mass_unit": "V"},
    )  # fmt: skip
    assert refused.status_code == 422
