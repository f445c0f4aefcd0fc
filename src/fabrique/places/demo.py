"""Demo addresses: the streets and house numbers of the demo's invented towns.

Belvallon (the town of the demo bus network, see
:mod:`fabrique.transport.demo`) and two villages beside it get streets laid
between the network's stops, with house numbers along each street (odd on
one side, even on the other). They are written as a file in the Base Adresse
Nationale's CSV format and indexed by the same reader as a real BAN file, as
the ``demo-adresses`` source, so ``/geocodeur/?q=12 rue de la Gare`` answers
with an address of the demo. A few thousand rows: built in well under a
second.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path

from fabrique.geocoder.index import build_source
from fabrique.geocoder.sources import BAN_COLUMNS

from .engine import index_folder, invalidate

SOURCE = "demo-adresses"

# (town, INSEE-like code (invented: no commune has it), postcode)
TOWNS = {
    "belvallon": ("Belvallon", "49990", "49990"),
    "aubiers": ("Les Aubiers-sur-Loire", "49991", "49991"),
    "montcaillou": ("Montcaillou", "49992", "49992"),
}

# (street, town, start (lat, lon), end (lat, lon), highest house number)
# Belvallon's streets run between the stops of its bus network.
STREETS: tuple[tuple[str, str, tuple[float, float], tuple[float, float], int], ...] = (
    ("Rue de la Gare", "belvallon", (47.31000, 0.35000), (47.31247, 0.34402), 48),
    ("Place de l'Hôtel de Ville", "belvallon", (47.31247, 0.34402),
     (47.31260, 0.34460), 12),
    ("Rue du Marché", "belvallon", (47.31247, 0.34402), (47.31503, 0.33911), 36),
    ("Avenue Sainte-Radegonde", "belvallon", (47.31503, 0.33911),
     (47.31896, 0.33087), 64),
    ("Rue Jean-Moulin", "belvallon", (47.31000, 0.35000), (47.30622, 0.35794), 40),
    ("Quai des Mariniers", "belvallon", (47.30622, 0.35794), (47.30248, 0.36511), 30),
    ("Chemin des Varennes", "belvallon", (47.30248, 0.36511), (47.29903, 0.37418), 22),
    ("Rue du Pont de Loire", "belvallon", (47.31000, 0.35000), (47.30788, 0.34437), 26),
    ("Rue de la République", "belvallon", (47.31120, 0.34700), (47.31400, 0.35300), 54),
    ("Rue Victor-Hugo", "belvallon", (47.30900, 0.34200), (47.31350, 0.34050), 44),
    ("Boulevard Pasteur", "belvallon", (47.31600, 0.34500), (47.31800, 0.35600), 70),
    ("Rue des Écoles", "belvallon", (47.30700, 0.35200), (47.30500, 0.34700), 18),
    ("Rue de l'Église", "aubiers", (47.29500, 0.38200), (47.29700, 0.38800), 24),
    ("Route de Belvallon", "aubiers", (47.29903, 0.37418), (47.29500, 0.38200), 60),
    ("Rue des Vignes", "aubiers", (47.29300, 0.38400), (47.29100, 0.39000), 16),
    ("Grande Rue", "montcaillou", (47.32900, 0.32000), (47.33200, 0.32600), 52),
    ("Rue du Moulin", "montcaillou", (47.33200, 0.32600), (47.33500, 0.32900), 20),
    ("Route de Belvallon", "montcaillou", (47.31896, 0.33087), (47.32900, 0.32000),
     38),
)  # fmt: skip

# Houses stand about 12 m off the street's axis.
OFFSET_M = 12.0


def _fantoir(index: int) -> str:
    return f"{9000 + index:04d}"


def rows() -> Iterator[list[str]]:
    """The BAN rows (23 columns) of every demo address, in a stable order."""
    for index, (street, town, start, end, highest) in enumerate(STREETS):
        city, citycode, postcode = TOWNS[town]
        fantoir = _fantoir(index)
        (lat1, lon1), (lat2, lon2) = start, end
        # A unit vector across the street, in degrees per metre.
        dy = (lat2 - lat1) * 111_320
        dx = (lon2 - lon1) * 111_320 * math.cos(math.radians(lat1))
        length = math.hypot(dx, dy) or 1.0
        across = (-dx / length, dy / length)  # (north, east) of a normal
        pairs = math.ceil(highest / 2)
        for number in range(1, highest + 1):
            along = ((number + 1) // 2 - 0.5) / pairs
            side = 1 if number % 2 else -1
            lat = lat1 + (lat2 - lat1) * along + side * across[0] * OFFSET_M / 111_320
            lon = (
                lon1
                + (lon2 - lon1) * along
                + side * across[1] * OFFSET_M / (111_320 * math.cos(math.radians(lat1)))
            )
            values = {
                "id": f"{citycode}_{fantoir}_{number:05d}",
                "id_fantoir": f"{citycode}_{fantoir}",
                "numero": str(number),
                "rep": "",
                "nom_voie": street,
                "code_postal": postcode,
                "code_insee": citycode,
                "nom_commune": city,
                "lon": f"{lon:.6f}",
                "lat": f"{lat:.6f}",
                "type_position": "entrée",
                "libelle_acheminement": city.upper(),
                "source_position": "commune",
                "source_nom_voie": "commune",
            }
            yield [values.get(column, "") for column in BAN_COLUMNS]


def ban_csv() -> bytes:
    """The demo addresses as a BAN file (``;``-separated, with its header)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(BAN_COLUMNS)
    writer.writerows(rows())
    return text.getvalue().encode("utf-8")


def index_addresses(folder: Path | None = None) -> int:
    """Index the demo addresses (the ``demo-adresses`` source); return how many."""
    root = Path(folder) if folder is not None else index_folder()
    stats = build_source(
        root, SOURCE, "ban", [(io.BytesIO(ban_csv()), "demo-adresses.csv")]
    )
    invalidate()
    return stats.housenumbers
