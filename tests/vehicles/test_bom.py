"""Bills of materials: totals checked by hand, units summed correctly."""

from __future__ import annotations

import csv
import io
import tomllib
from decimal import Decimal

import pytest

from fabrique.standards import okh
from fabrique.vehicles import bom, services
from fabrique.vehicles.models import Configuration

FIRST = "Triporteur de livraison 48 V"


def test_parts_of_one_reference_in_metres_and_centimetres_add_up():
    cable = bom.PartLine("CAB", "Cable", Decimal("1.5"), "m", Decimal("2.00"))
    short = bom.PartLine("CAB", "Cable", Decimal("50"), "cm", Decimal("2.00"))
    result = bom.rollup([("A", 1, Decimal(0), 0.0, [cable]),
                         ("B", 2, Decimal(0), 0.0, [short])])  # fmt: skip
    (line,) = result.lines
    assert (line.quantity, line.unit, line.cost) == (Decimal("2.5"), "m",
                                                     Decimal("5.00"))  # fmt: skip


@pytest.mark.django_db
def test_the_delivery_trike_bom_equals_the_hand_checked_totals(demo_vehicles):
    draft = services.Draft.of(Configuration.objects.get(commons__title=FIRST))
    result = services.bill_of_materials(draft)
    lines = {line.reference: line for line in result.lines}
    # 12 bolts on the frame, 16 in the box, 4 per plate link (two links).
    assert lines["M6X20"].quantity == 36
    assert lines["M6X20"].cost == Decimal("12.60")
    assert lines["EB-6P-PAIR"].quantity == 2  # two power links
    assert lines["CAN-CABLE"].quantity == Decimal("0.5")
    assert len(result.lines) == 16
    assert result.parts_cost == Decimal("917.40")
    assert result.piece_count == 89
    assert result.modules_cost == Decimal("2975.00")
    assert result.modules_mass == pytest.approx(65.85)
    assert result.link_parts_mass == pytest.approx(0.176)
    rows = list(csv.reader(io.StringIO(bom.to_csv(result))))
    assert rows[0][0] == "reference"
    assert rows[-1] == ["TOTAL", "", "", "", "", "917.40", "", ""]


@pytest.mark.django_db
def test_the_vehicle_okh_manifest_is_valid_losh(demo_vehicles, shared_data,
                                                 monkeypatch):  # fmt: skip
    monkeypatch.setenv("FABRIQUE_STANDARDS_DIR", str(shared_data / "standards"))
    configuration = Configuration.objects.get(commons__title=FIRST)
    manifest = services.okh_manifest(configuration, bom_url="bom.csv")
    document = tomllib.loads(services.okh_toml(manifest))
    assert okh.check(document) == []
    assert len(document["part"]) == 7
    assert document["mass"] == {"value": 66.026, "unit": "kg"}
    assert document["standard-compliance"] == ["CiA 454"]
