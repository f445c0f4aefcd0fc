"""DCAT-AP back into commons dicts: the examples, and export → parse round trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.standards import StandardsError, dcat
from tests.standards.dcat_samples import BASE, catalog, data_commons, transport_dataset


def normalised(data: dict) -> dict:
    out = dict(data)
    out["tags"] = sorted(set(out["tags"]))
    out["themes"] = sorted(out["themes"], key=lambda t: t["uri"])
    out.setdefault("transport", None)
    if out["transport"] is not None:
        out["transport"] = dict(
            out["transport"], formats=sorted(out["transport"]["formats"])
        )
    return out


def test_the_samples_come_back():
    datasets = [data_commons(), transport_dataset(themes=[])]
    datasets[0]["contact"]["email"] = "velo@ville.example"
    for d in datasets[1]["distributions"]:
        d.setdefault("download_url", "")
    back, warnings = dcat.parse(dcat.serialise(dcat.catalog_graph(catalog(datasets))))
    assert warnings == []
    assert [normalised(d) for d in back] == sorted(
        (normalised(d) for d in datasets), key=lambda d: d["uri"]
    )


@pytest.fixture(scope="module")
def standards(shared_data: Path) -> Path:
    folder = shared_data / "standards"
    if not folder.is_dir():
        pytest.skip(f"standards folder not found at {folder}")
    return folder


def test_the_semic_example_imports(standards):
    path = standards / "dcat-ap/3.0.0/examples/example-bee-population.ttl"
    datasets, warnings = dcat.parse(path.read_bytes(), name=path.name, language="en")
    assert warnings == []
    (bee,) = datasets
    assert bee["uri"] == "https://data.gov.gr/id/dataset/BeePopulation"
    assert bee["title"] == "Bee population"
    assert bee["summary"] == "A dataset about bee population in Greece"
    assert (
        bee["publisher"]["uri"] == "https://agencies.gov.gr/id/GreekEnvironmentAgency"
    )


def test_the_swedish_nap_example_imports(standards):
    path = (
        standards / "mobilitydcat-ap/drafts-latest/examples/"
        "SE_NAP_dataset_expressed_in_mobilityDCAT-AP_original_population_240205.xml"
    )
    datasets, warnings = dcat.parse(path.read_bytes(), name=path.name, language="en")
    (signs,) = datasets
    assert signs["title"].startswith("Traffic signs expressing traffic regulations")
    assert signs["licence"] == "CC0-1.0"
    assert signs["tags"] == ["Act B", "Datex", "Speed limits"]
    assert signs["publisher"]["name"] == "Trafikverket"
    assert signs["modified"] == dt.datetime(2019, 12, 4, 9, 48, 27, 432387)
    (distribution,) = signs["distributions"]
    assert distribution["access_url"].startswith("http://www.trafikverket.se/")
    assert signs["transport"] is not None
    # Its accessURL is written as a text, which the import says.
    assert any("accessURL is a text" in w for w in warnings)


def test_the_invalid_swedish_turtle_is_refused_with_its_line(standards):
    path = (
        standards / "mobilitydcat-ap/drafts-latest/examples/"
        "SE_NAP_dataset_expressed_in_mobilityDCAT-AP_minimum_population_240205.ttl"
    )
    with pytest.raises(StandardsError, match="not valid Turtle at line 62"):
        dcat.parse(path.read_bytes(), name=path.name)


def test_a_licence_without_distribution_is_kept_on_the_dataset():
    bare = data_commons("bare", distributions=[], licence="CC-BY-4.0")
    graph = dcat.catalog_graph(catalog([bare]))
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS

    assert graph.value(URIRef(bare["uri"]), DCTERMS.license) == URIRef(
        "https://spdx.org/licenses/CC-BY-4.0"
    )
    (back,), _ = dcat.parse(dcat.serialise(graph))
    assert back["licence"] == "CC-BY-4.0"


@pytest.mark.parametrize(
    "address",
    [
        "http://spdx.org/licenses/ODbL-1.0",
        "https://spdx.org/licenses/ODbL-1.0.html",
        "https://spdx.org/licenses/ODbL-1.0.json",
    ],
)
def test_spdx_addresses_as_others_write_them(address):
    data = (
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        f'<https://a.example/d> a dcat:Dataset ; dct:title "D"@fr ;\n'
        f"    dct:license <{address}> .\n"
    ).encode()
    (back,), warnings = dcat.parse(data, name="d.ttl")
    assert back["licence"] == "ODbL-1.0"
    assert warnings == []


def test_a_data_service_comes_back():
    relay = {
        "uri": f"{BASE}/communs/relais/",
        "title": "Relais temps réel",
        "summary": "Redistribue les flux temps réel.",
        "description": "Un service **robuste**.",
        "endpoint_url": "https://relais.example/api/",
        "endpoint_description": "https://relais.example/openapi.json",
        "landing_page": f"{BASE}/communs/relais/",
        "tags": ["GTFS-RT", "temps réel"],
        "themes": [{"uri": f"{BASE}/themes/bus/", "label": "Bus"}],
        "licence": "MIT",
        "created": dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
        "modified": dt.datetime(2025, 3, 4, tzinfo=dt.UTC),
        "publisher": None,
        "contact": {"name": "Relais", "url": "https://relais.example/", "email": ""},
        "serves": [f"{BASE}/communs/compteurs-velo/"],
    }
    document = dcat.serialise(
        dcat.catalog_graph(catalog([data_commons()], services=[relay]))
    )
    datasets, services, warnings = dcat.read(document)
    assert warnings == []
    assert [d["uri"] for d in datasets] == [data_commons()["uri"]]
    assert services == [relay]


def test_a_document_without_datasets_says_so():
    data = dcat.serialise(dcat.catalog_graph(catalog([])))
    assert dcat.parse(data) == ([], ["the document describes no dcat:Dataset"])


# Round trip over generated commons.

words = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
slugs = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 1, 1)
).map(lambda d: d.replace(microsecond=0, tzinfo=dt.UTC))
licences = st.sampled_from(["", "ODbL-1.0", "CC-BY-4.0", "etalab-2.0", "MIT"])
urls = slugs.map(lambda s: f"https://files.example/{s}")


@st.composite
def commons_dicts(draw, index: int) -> dict:
    transport = draw(st.booleans())
    uri = f"{BASE}/communs/c{index}/"
    summary = draw(words)
    title = draw(words)
    description = draw(st.one_of(st.just(""), words))
    if description in (summary, title):
        description = ""
    fmts = ["gtfs", "netex", "gbfs", "gtfs-rt"] if transport else [""]
    distributions = [
        {
            "uri": f"{uri}#d{n}",
            "title": draw(words),
            "access_url": draw(urls),
            "download_url": draw(st.one_of(st.just(""), urls)),
            "format": draw(st.sampled_from(fmts)),
        }
        for n in range(draw(st.integers(0 if not transport else 1, 3)))
    ]
    data = {
        "uri": uri,
        "title": title,
        "summary": summary,
        "description": description,
        "landing_page": uri,
        "tags": draw(st.lists(words, max_size=4, unique=True)),
        "themes": []
        if transport
        else [
            {"uri": f"{BASE}/themes/{s}-{index}/", "label": draw(words)}
            for s in draw(st.lists(slugs, max_size=3, unique=True))
        ],
        # On the distributions, or on the dataset when it has none.
        "licence": draw(licences),
        "created": draw(moments),
        "modified": draw(moments),
        "publisher": draw(
            st.one_of(
                st.none(),
                st.builds(
                    lambda s, n: {
                        "uri": f"{BASE}/acteurs/{s}-{index}/",
                        "name": n,
                        "homepage": "",
                    },
                    slugs,
                    words,
                ),
            )
        ),
        "contact": draw(
            st.one_of(
                st.none(),
                st.builds(lambda n, u: {"name": n, "url": u, "email": ""}, words, urls),
            )
        ),
        "distributions": distributions,
        "transport": None,
    }
    if transport:
        data["publisher"] = data["publisher"] or {
            "uri": f"{BASE}/acteurs/reseau-{index}/",
            "name": "Fabrique",
            "homepage": "",
        }
        data["transport"] = {
            "formats": sorted({d["format"] for d in distributions}),
            "coverage": draw(st.one_of(st.just(""), words)),
            "bbox": draw(
                st.one_of(
                    st.none(),
                    st.tuples(
                        st.integers(-170, 0),
                        st.integers(-80, 0),
                        st.integers(1, 170),
                        st.integers(1, 80),
                    ).map(lambda b: tuple(float(x) for x in b)),
                )
            ),
            "transport_modes": sorted(
                draw(
                    st.lists(
                        st.sampled_from(["bus", "tram-light-rail", "bicycle"]),
                        unique=True,
                    )
                )
            ),
            "update_hours": draw(st.sampled_from([None, 1, 24, 24 * 7, 24 * 31])),
        }
        if data["transport"]["bbox"] is None:
            data["transport"]["coverage"] = ""
    return data


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from(sorted(dcat.SYNTAXES)))
def test_export_then_parse_gives_the_same_commons(data, syntax):
    datasets = [
        data.draw(commons_dicts(i)) for i in range(data.draw(st.integers(1, 3)))
    ]
    document = dcat.serialise(dcat.catalog_graph(catalog(datasets)), syntax)
    back, _ = dcat.parse(document, syntax=dcat.SYNTAXES[syntax][0])
    assert [normalised(d) for d in back] == sorted(
        (normalised(d) for d in datasets), key=lambda d: d["uri"]
    )


def test_a_harvested_copy_names_its_origin_and_the_next_page_is_read():
    copy = data_commons("copy", source="https://origin.example/communs/velos/")
    page = {
        "uri": "https://fabrique.example/catalogue.ttl?page=1",
        "first": "https://fabrique.example/catalogue.ttl?page=1",
        "last": "https://fabrique.example/catalogue.ttl?page=2",
        "next": "https://fabrique.example/catalogue.ttl?page=2",
        "previous": "",
        "total": 2,
        "per_page": 1,
    }
    graph = dcat.catalog_graph({**catalog([copy]), "page": page})
    assert dcat.next_page(graph) == page["next"]
    (back,), _ = dcat.parse(dcat.serialise(graph))
    assert back["source"] == "https://origin.example/communs/velos/"
