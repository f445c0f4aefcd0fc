"""Exports checked with the official shapes; the official negatives refused.

The SHACL shapes and vocabularies come from ``../shared/data/standards/``
(SEMIC DCAT-AP 3.0.1, NAPCORE mobilityDCAT-AP 1.1.0); the tests skip when
that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fabrique.standards import dcat, shacl
from tests.conftest import SHARED_DATA
from tests.standards.dcat_samples import (
    BASE,
    catalog,
    data_commons,
    transport_dataset,
)


@pytest.fixture(scope="module")
def standards(shared_data: Path) -> Path:
    folder = shared_data / "standards"
    try:
        return shacl.standards_dir(folder)
    except shacl.ShapesMissing as exc:
        pytest.skip(f"standards shapes not found: {exc}")


def errors(report: shacl.Report) -> list[str]:
    return [
        f"{f.focus} {f.path}: {f.message}"
        for f in report.findings
        if f.severity == "error"
    ]


def several_data_commons() -> list[dict]:
    bare = data_commons(
        "bare",
        description="",
        tags=[],
        themes=[],
        licence="",
        publisher=None,
        contact=None,
        distributions=[],
        created=None,
        modified=None,
    )
    documentation = data_commons(
        "documentation",
        licence="CC-BY-4.0",
        distributions=[
            {
                "uri": f"{BASE}/communs/documentation/#documentation",
                "title": "Documentation",
                "access_url": "https://docs.example/",
                "format": "",
            }
        ],
    )
    # No distribution: the licence is on the dataset.
    licensed = data_commons("licensed", distributions=[], licence="CC-BY-4.0")
    return [data_commons(), bare, documentation, licensed]


def transport_of_each_format() -> list[dict]:
    out = []
    for index, fmt in enumerate(["gtfs", "netex", "gbfs", "gtfs-rt", "other"]):
        dataset = transport_dataset(
            f"jeu-{fmt}",
            distributions=[
                {
                    "uri": f"{BASE}/transport/ressources/{index + 10}/",
                    "title": fmt,
                    "access_url": f"https://feeds.example/{fmt}",
                    "format": fmt,
                }
            ],
        )
        dataset["transport"] = dict(
            dataset["transport"],
            formats=[fmt],
            bbox=None if index % 2 else (1.0, 2.0, 3.0, 4.0),
            transport_modes=["bus", "tram-light-rail"] if index == 0 else [],
            update_hours=[None, 1, 24, 200, 2000][index],
        )
        out.append(dataset)
    return out


def test_data_commons_conform_to_dcat_ap(standards):
    graph = dcat.catalog_graph(catalog(several_data_commons()))
    report = shacl.run(graph, mobility=False, folder=standards)
    assert errors(report) == []
    assert report.conforms


def test_transport_datasets_conform_to_dcat_ap_and_mobility(standards):
    graph = dcat.catalog_graph(catalog(transport_of_each_format()))
    assert errors(shacl.run(graph, mobility=False, folder=standards)) == []
    report = shacl.run(graph, mobility=True, folder=standards)
    assert errors(report) == []
    assert shacl.unknown_concepts(graph, folder=standards) == []


def test_the_whole_catalogue_conforms_to_dcat_ap(standards):
    datasets = several_data_commons() + transport_of_each_format()
    graph = dcat.catalog_graph(catalog(datasets))
    assert errors(shacl.run(graph, mobility=False, folder=standards)) == []


def service_commons() -> dict:
    """A commons of kind service with every field a data service carries."""
    return {
        "uri": f"{BASE}/communs/relais/",
        "title": "Relais temps réel",
        "summary": "Redistribue les flux temps réel.",
        "description": "Un service robuste.",
        "endpoint_url": "https://relais.example/api/",
        "endpoint_description": "https://relais.example/openapi.json",
        "landing_page": f"{BASE}/communs/relais/",
        "tags": ["GTFS-RT"],
        "themes": [{"uri": f"{BASE}/themes/bus/", "label": "Bus"}],
        "licence": "MIT",
        "created": data_commons()["created"],
        "modified": data_commons()["modified"],
        "publisher": None,
        "contact": {"name": "Relais", "url": "https://relais.example/"},
        "serves": [f"{BASE}/transport/jeux/jeu-gtfs/"],
    }


def test_data_services_conform_to_dcat_ap_and_mobility(standards):
    datasets = several_data_commons() + transport_of_each_format()
    document = catalog(datasets)
    document["services"] = [*document["services"], service_commons()]
    graph = dcat.catalog_graph(document)
    assert errors(shacl.run(graph, mobility=False, folder=standards)) == []
    transport = catalog(transport_of_each_format()[:1])
    transport["services"] = [*transport["services"], service_commons()]
    graph = dcat.catalog_graph(transport)
    assert errors(shacl.run(graph, mobility=True, folder=standards)) == []


def test_a_missing_mandatory_property_is_a_violation(standards):
    graph = dcat.catalog_graph(catalog(transport_of_each_format()[:1]))
    from rdflib.namespace import DCAT

    for distribution in list(graph.subjects(None, DCAT.Distribution)):
        graph.remove((distribution, DCAT.accessURL, None))
    found = errors(shacl.run(graph, mobility=True, folder=standards))
    assert any("dcat:accessURL" in line for line in found)


NEGATIVES_DIR = SHARED_DATA / "standards/mobilitydcat-ap/validation-1.1.0/sample_data"
NEGATIVES = sorted(NEGATIVES_DIR.glob("**/negatives/*.ttl"))


def test_there_are_negatives(standards):
    assert len(NEGATIVES) >= 20


@pytest.mark.parametrize("path", NEGATIVES, ids=lambda p: p.name)
def test_every_mobility_negative_is_refused(standards, path):
    findings = dcat.validate(
        path.read_bytes(), name=path.name, standards_dir=str(standards)
    )
    assert [f for f in findings if f.severity == "error"], path.name
