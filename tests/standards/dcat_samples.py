"""Plain catalogue dicts, as the web layer hands them to the DCAT engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

BASE = "https://fabrique.example"
FRANCE = "http://publications.europa.eu/resource/authority/country/FRA"
PUBLISHER = {"uri": f"{BASE}/", "name": "Fabrique", "homepage": f"{BASE}/"}


def data_commons(slug: str = "compteurs-velo", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uri": f"{BASE}/communs/{slug}/",
        "title": "Compteurs vélo de Belvallon",
        "summary": "Les passages comptés chaque heure.",
        "description": "Un jeu de données **ouvert**.",
        "landing_page": f"{BASE}/communs/{slug}/",
        "tags": ["vélo", "comptage"],
        "themes": [{"uri": f"{BASE}/themes/velo/", "label": "Vélo"}],
        "licence": "ODbL-1.0",
        "created": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "modified": dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC),
        "publisher": {
            "uri": f"{BASE}/acteurs/ville/",
            "name": "Ville de Belvallon",
            "homepage": "https://ville.example/",
        },
        "contact": {"name": "Ville de Belvallon", "url": "https://ville.example/"},
        "distributions": [
            {
                "uri": f"{BASE}/communs/{slug}/#download",
                "title": "Téléchargement",
                "access_url": "https://ville.example/velo.csv",
                "download_url": "https://ville.example/velo.csv",
                "format": "",
            }
        ],
    }
    data.update(overrides)
    return data


def transport_dataset(slug: str = "bus-belvallon", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uri": f"{BASE}/transport/jeux/{slug}/",
        "title": "Réseau de bus de Belvallon",
        "summary": "Les horaires théoriques du réseau.",
        "description": "",
        "landing_page": f"{BASE}/transport/jeux/{slug}/",
        "tags": ["bus"],
        "themes": [{"uri": f"{BASE}/themes/bus/", "label": "Bus"}],
        "licence": "etalab-2.0",
        "created": dt.date(2025, 1, 1),
        "modified": dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        "publisher": PUBLISHER,
        "contact": None,
        "distributions": [
            {
                "uri": f"{BASE}/transport/ressources/1/",
                "title": "Horaires GTFS",
                "access_url": "https://bus.example/gtfs.zip",
                "download_url": "https://bus.example/gtfs.zip",
                "format": "gtfs",
            },
            {
                "uri": f"{BASE}/transport/ressources/2/",
                "title": "Temps réel",
                "access_url": "https://bus.example/rt",
                "format": "gtfs-rt",
            },
        ],
        "transport": {
            "formats": ["gtfs", "gtfs-rt"],
            "coverage": "Belvallon",
            "bbox": (4.7, 45.6, 5.0, 45.9),
            "transport_modes": ["bus"],
            "update_hours": 24,
        },
    }
    data.update(overrides)
    return data


def geocoder_service() -> dict[str, Any]:
    return {
        "uri": f"{BASE}/api/1/geocoder/",
        "title": "Géocodeur",
        "description": "Adresses et lieux vers des coordonnées.",
        "endpoint_url": f"{BASE}/api/1/geocoder/",
        "endpoint_description": f"{BASE}/api/1/openapi.json",
        "licence": "AGPL-3.0-or-later",
        "serves": [],
        "publisher": PUBLISHER,
    }


def catalog(datasets: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uri": f"{BASE}/catalogue",
        "title": "Catalogue des communs",
        "description": "Les communs de la mobilité.",
        "homepage": f"{BASE}/",
        "language": "fr",
        "publisher": PUBLISHER,
        "spatial": FRANCE,
        "modified": dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        "datasets": datasets,
        "services": [geocoder_service()],
    }
    data.update(overrides)
    return data
