"""The demo's deliberate incompatibilities are all reported, and nothing else."""

from __future__ import annotations

import pytest

from fabrique.vehicles import compat, services
from fabrique.vehicles.demo_data import MODULES, VEHICLES
from fabrique.vehicles.models import Configuration, InterfaceType, Module

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_platforms_and_about_thirty_modules(demo_vehicles):
    assert Module.objects.filter(demo=True, kind="platform").count() == 2
    assert Module.objects.filter(demo=True).count() == len(MODULES) >= 30
    assert Configuration.objects.count() == len(VEHICLES)
    for row in InterfaceType.objects.all():
        assert row.commons.kind == "knowledge"


def test_every_seeded_incompatibility_is_reported_and_nothing_else(demo_vehicles):
    for vehicle in VEHICLES:
        _check_vehicle(vehicle)


def _check_vehicle(vehicle):
    configuration = Configuration.objects.get(commons__title=vehicle["title"])
    problems = services.check(services.Draft.of(configuration))
    found = sorted((p.code, p.parameter, tuple(sorted(p.items))) for p in problems)
    expected = sorted(
        (code, parameter, tuple(sorted(items)))
        for code, parameter, items in vehicle["expected"]
    )
    assert found == expected, vehicle["title"]
    for problem in compat.errors(problems):
        assert problem.message  # each says why


def test_a_connector_mismatch_names_the_adapter_that_bridges_it(demo_vehicles):
    configuration = Configuration.objects.get(commons__summary__contains="XT60")
    draft = services.Draft.of(configuration)
    problems = services.check(draft)
    connector = next(p for p in problems if p.parameter == "connector")
    (adapter,) = services.adapters_for(connector)
    assert adapter.kind == "adapter"
    # Put the adapter between the battery and the motor: the mismatch is gone.
    draft.modules["adapter"] = adapter.commons.slug
    draft.links = [
        link for link in draft.links if link != ["bat", "out", "motor", "power"]
    ] + [["bat", "out", "adapter", "in"], ["adapter", "out", "motor", "power"]]
    assert not [p for p in services.check(draft) if p.parameter == "connector"]


def test_loading_the_demo_vehicles_twice_creates_nothing_more(demo_vehicles):
    from fabrique.vehicles.demo import load

    count = Module.objects.count()
    assert load(demo_vehicles) == 0
    assert services.seed_interface_types() == 0
    assert Module.objects.count() == count
