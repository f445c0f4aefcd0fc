"""The metadata check page: a file or pasted text, checked against its
standard; findings with severity, focus node, path and message, in French and
English; bad input refused clearly; limits per client like the other heavy
anonymous pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from fabrique.catalog.views.metadata_check import SCOPE, explain, pasted_name
from fabrique.core import concurrency
from fabrique.standards import Finding, dcat, publiccode, shacl
from tests.standards.dcat_samples import catalog, data_commons
from tests.standards.test_dcat_validate import BILLION_LAUGHS

pytestmark = pytest.mark.django_db

URL = "/communs/valider/"


@pytest.fixture
def shapes(shared_data: Path, monkeypatch) -> Path:
    try:
        folder = shacl.standards_dir(shared_data / "standards")
    except shacl.ShapesMissing as exc:
        pytest.skip(f"standards shapes not found: {exc}")
    monkeypatch.setenv(shacl.ENV, str(folder))
    return folder


@pytest.fixture
def no_shapes(monkeypatch):
    monkeypatch.delenv(shacl.ENV, raising=False)


def turtle(*, broken: bool = False) -> bytes:
    graph = dcat.catalog_graph(catalog([data_commons()]))
    if broken:
        graph.remove((URIRef(data_commons()["uri"]), DCTERMS.description, None))
    return dcat.serialise(graph)


def upload(data: bytes, name: str = "catalogue.ttl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "text/plain")


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_the_page_is_linked_from_the_footer_and_the_import_page(client, no_shapes):
    assert reverse("catalog:metadata_check") == URL
    home = client.get("/").content.decode()
    assert f'href="{URL}"' in home
    from tests.catalog.factories import make_user

    client.force_login(make_user())
    assert f'href="{URL}"' in client.get("/communs/importer/").content.decode()


def test_the_page_asks_for_a_file_or_a_text(client, shapes):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_file"' in html
    assert 'id="id_text"' in html
    assert 'id="shapes-missing"' not in html
    nothing = client.post(URL, {})
    assert nothing.status_code == 422
    assert "Choisissez un fichier ou collez son texte" in nothing.content.decode()
    both = client.post(URL, {"file": upload(turtle()), "text": "x"})
    assert both.status_code == 422


def test_a_conforming_export_has_no_error(client, shapes):
    response = client.post(URL, {"file": upload(turtle())})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucune erreur" in html
    assert "DCAT-AP 3.0.1" in html


def test_a_violation_names_focus_path_and_message_in_french(client, shapes):
    response = client.post(URL, {"file": upload(turtle(broken=True))})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="findings"' in html
    assert "&lt;https://fabrique.example/communs/compteurs-velo/&gt;" in html
    assert "<code>dct:description</code>" in html
    assert "Au moins 1 valeur est requise ici." in html
    # The shapes' own words stay beside it, marked as English.
    assert '<small class="muted" lang="en">Less than 1 values' in html
    assert "1 erreur" in html


def test_the_same_in_english(client, shapes):
    response = english(client).post(URL, {"file": upload(turtle(broken=True))})
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "At least 1 value is required here." in html
    assert "1 error" in html
    assert "Severity" in html
    assert "Focus node" in html


def test_pasted_turtle_is_checked(client, shapes):
    response = client.post(URL, {"text": turtle(broken=True).decode()})
    assert response.status_code == 200
    assert "<code>dct:description</code>" in response.content.decode()


def test_a_pasted_publiccode_is_found_and_checked(client, no_shapes):
    text = publiccode.from_commons(
        {
            "title": "Calculateur",
            "summary": "Calcule des itinéraires.",
            "licence": "EUPL-1.2",
            "repository_url": "https://example.org/calculateur.git",
            "kind": "software",
        }
    )
    response = client.post(URL, {"text": text.replace("EUPL-1.2", "Not-A-Licence")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "publiccode.yml" in html
    assert "<code>legal.license</code>" in html


def test_invalid_turtle_names_the_line(client, shapes):
    data = b"@prefix a: <http://a/> .\na:x a:p a:y .\na:x a:p .\n"
    response = client.post(URL, {"file": upload(data, "bad.ttl")})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Le fichier ne peut pas être lu" in html
    assert "not valid Turtle at line 3" in html


def test_xml_entities_are_refused(client, shapes):
    response = client.post(URL, {"file": upload(BILLION_LAUGHS, "bomb.rdf")})
    assert response.status_code == 422
    assert "DTD or entities" in response.content.decode()


def test_a_file_over_the_cap_is_refused(client, settings, shapes):
    settings.STANDARDS_VALIDATE_MAX_BYTES = 1000
    response = client.post(URL, {"file": upload(b"#" * 2000)})
    assert response.status_code == 422
    assert "dépasse la limite" in response.content.decode()
    pasted = client.post(URL, {"text": "#" * 2000})
    assert pasted.status_code == 422


def test_a_body_over_the_cap_is_refused_before_it_is_read(client, settings):
    settings.STANDARDS_VALIDATE_MAX_BYTES = 1000
    response = client.post(URL, {"text": "#" * 100_000})
    assert response.status_code == 413
    assert "dépasse la limite" in response.content.decode()


def test_without_shapes_the_page_says_so(client, no_shapes):
    page = client.get(URL).content.decode()
    assert 'id="shapes-missing"' in page
    assert "ne sont pas installées sur ce site" in page
    response = client.post(URL, {"file": upload(turtle())})
    assert response.status_code == 503
    html = response.content.decode()
    assert "ne peut pas vérifier les fichiers DCAT-AP" in html
    assert "FABRIQUE_STANDARDS_DIR" in html


def test_checks_are_rate_limited_per_client(client, settings, shapes):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_STANDARDS_VALIDATE = "2/3600"
    for _ in range(2):
        assert client.post(URL, {"text": turtle().decode()}).status_code == 200
    refused = client.post(URL, {"text": turtle().decode()})
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert "Trop de tentatives" in refused.content.decode()
    assert client.get(URL).status_code == 200
    other = client.post(URL, {"text": turtle().decode()}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200


def test_one_client_runs_a_bounded_number_of_checks_at_once(client, settings, shapes):
    settings.RATELIMIT_ENABLED = True
    settings.CONCURRENCY_HEAVY_PER_CLIENT = 1
    held = concurrency.acquire(SCOPE, "127.0.0.1", 1, lease=60)
    assert held is not None
    try:
        refused = client.post(URL, {"text": turtle().decode()})
        assert refused.status_code == 429
        assert refused["Retry-After"]
    finally:
        concurrency.release(held)
    assert client.post(URL, {"text": turtle().decode()}).status_code == 200


def test_nothing_is_stored(client, shapes, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        client.post(URL, {"file": upload(turtle(broken=True))})


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"@context": {}}', "pasted.json"),
        ("<?xml version='1.0'?><rdf:RDF/>", "pasted.rdf"),
        ("publiccodeYmlVersion: '0.4'\n", "publiccode.yml"),
        ('okhv = "OKH-LOSHv1.0"\n', "okh.toml"),
        ("@prefix dcat: <http://www.w3.org/ns/dcat#> .", "pasted.ttl"),
    ],
)
def test_pasted_text_is_named_after_its_look(text, name):
    assert pasted_name(text.encode()) == name


def test_every_constraint_is_said_in_french(settings):
    from django.utils import translation

    cases = {
        ("minCount", "2"): "Au moins 2 valeurs",
        ("maxCount", "1"): "Au plus 1 valeur",
        ("class", "dcat:Distribution"): "dcat:Distribution",
        ("nodeKind", "IRI"): "adresse (IRI)",
        ("datatype", "xsd:date"): "xsd:date",
        ("pattern", "^x$"): "^x$",
    }
    with translation.override("fr"):
        for (constraint, expected), words in cases.items():
            text = explain(
                Finding("error", "English words", "p", "f", constraint, expected, "v")
            )
            assert words in text, text
            assert "Valeur trouvée : v" in text
        plain = explain(Finding("error", "a publiccode message", "legal.license"))
        assert plain == "a publiccode message"
