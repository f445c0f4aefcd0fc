"""Bill of materials of a vehicle (no Django here).

Each module's own parts are counted once per time the module is in the
vehicle; each link adds the parts its interface type asks per link
(connectors, bolts). Lines of one reference are summed, their quantities
converted by pint when written in different units (``m`` and ``cm`` of one
cable); ``pcs`` counts pieces.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from fabrique.csvcells import defuse_all
from fabrique.vehicles.compat import CompatError, convert

PIECES = {"pcs", "pc", "piece", "pieces", ""}


@dataclass(frozen=True)
class PartLine:
    reference: str
    name: str
    quantity: Decimal
    unit: str = "pcs"
    unit_cost: Decimal = Decimal(0)
    unit_mass: float = 0.0  # kg per unit
    source: str = ""


@dataclass
class BomLine:
    reference: str
    name: str
    quantity: Decimal
    unit: str
    unit_cost: Decimal
    unit_mass: float
    sources: list[str] = field(default_factory=list)
    used_in: list[str] = field(default_factory=list)

    @property
    def cost(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))


@dataclass
class Bom:
    lines: list[BomLine]
    modules_mass: float  # kg, modules as declared
    modules_cost: Decimal
    link_parts_mass: float = 0.0  # kg of the connectors and bolts links add

    @property
    def parts_cost(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal(0))

    @property
    def piece_count(self) -> Decimal:
        return sum(
            (line.quantity for line in self.lines if line.unit in PIECES), Decimal(0)
        )

    @property
    def total_mass(self) -> float:
        return self.modules_mass + self.link_parts_mass


def _in_unit(quantity: Decimal, unit: str, target: str) -> Decimal:
    if unit == target or (unit in PIECES and target in PIECES):
        return quantity
    if unit in PIECES or target in PIECES:
        raise CompatError(f"cannot add {unit or 'pcs'} to {target or 'pcs'}")
    return Decimal(str(convert(float(quantity), unit, target)))


def rollup(
    modules: Iterable[tuple[str, int, Decimal, float, Iterable[PartLine]]],
    link_parts: Iterable[PartLine] = (),
) -> Bom:
    """Sum parts by reference.

    ``modules`` gives, per module: its title, how many times it is in the
    vehicle, its declared cost and mass (kg), and its parts.
    """
    lines: dict[str, BomLine] = {}
    mass = 0.0
    cost = Decimal(0)

    def add(part: PartLine, count: int, where: str) -> None:
        quantity = part.quantity * count
        line = lines.get(part.reference)
        if line is None:
            lines[part.reference] = BomLine(
                part.reference,
                part.name,
                quantity,
                part.unit or "pcs",
                part.unit_cost,
                part.unit_mass,
                [part.source] if part.source else [],
                [where],
            )
            return
        line.quantity += _in_unit(quantity, part.unit or "pcs", line.unit)
        if part.source and part.source not in line.sources:
            line.sources.append(part.source)
        if where not in line.used_in:
            line.used_in.append(where)

    for title, count, module_cost, module_mass, parts in modules:
        mass += module_mass * count
        cost += module_cost * count
        for part in parts:
            add(part, count, title)
    link_mass = 0.0
    for part in link_parts:
        add(part, 1, "link")
        link_mass += float(part.quantity) * part.unit_mass
    return Bom(sorted(lines.values(), key=lambda x: x.reference), mass, cost, link_mass)


CSV_HEADER = (
    "reference", "name", "quantity", "unit", "unit_cost", "cost", "sources",
    "used_in",
)  # fmt: skip


def to_csv(bom: Bom) -> str:
    """The BOM as CSV text, one line per reference, then a total line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in bom.lines:
        writer.writerow(
            defuse_all(
                [
                    line.reference,
                    line.name,
                    f"{line.quantity.normalize():f}",
                    line.unit,
                    f"{line.unit_cost:.2f}",
                    f"{line.cost:.2f}",
                    " ".join(line.sources),
                    "; ".join(line.used_in),
                ]
            )
        )
    writer.writerow(["TOTAL", "", "", "", "", f"{bom.parts_cost:.2f}", "", ""])
    return out.getvalue()
