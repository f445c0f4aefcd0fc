"""POST /api/1/imports/: dry run, apply, re-import updates, bad input."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fabrique.catalog.models import Commons, ImportSource
from fabrique.core.revisions import revisions_of
from fabrique.standards import okh, publiccode

from .conftest import token_for

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Calculateur",
    "summary": "Calcule des itinéraires.",
    "description": "Un texte plus long sur le calculateur.",
    "licence": "EUPL-1.2",
    "maturity": "beta",
    "repository_url": "https://example.org/calc.git",
    "tags": ["fleet-management", "gtfs"],
}


def post(user, **data):
    client = Client()
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    if "url" in data:
        return client.post(
            "/api/1/imports/url/",
            data,
            content_type="application/json",
            headers=headers,
        )
    return client.post("/api/1/imports/", data, headers=headers)


def upload(text: str, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_dry_run_writes_nothing_then_apply_creates_a_revision(owner) -> None:
    text = publiccode.from_commons(FIELDS)
    response = post(owner, file=upload(text, "publiccode.yml"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "publiccode"
    assert body["applied"] is False
    assert body["valid"] is True
    item = body["items"][0]
    assert item["action"] == "create"
    assert {c["field"] for c in item["changes"]} >= {"title", "licence", "tags"}
    assert not Commons.objects.exists()

    response = post(owner, file=upload(text, "publiccode.yml"), apply="true")
    body = response.json()
    assert body["applied"] is True
    commons = Commons.objects.get(slug=body["items"][0]["commons"])
    assert commons.title == "Calculateur"
    assert commons.licence == "EUPL-1.2"
    assert sorted(commons.tags) == ["fleet-management", "gtfs"]
    assert "publiccode.yml" in revisions_of(commons).first().comment
    # an uploaded file is known by the repository it names
    assert ImportSource.objects.get(commons=commons).uri == FIELDS["repository_url"]
    other = publiccode.from_commons(
        dict(FIELDS, repository_url="https://example.org/other.git")
    )
    body = post(owner, file=upload(other, "publiccode.yml")).json()
    assert body["items"][0]["action"] == "create"


def test_reimport_of_the_same_source_updates(owner) -> None:
    first = publiccode.from_commons(FIELDS)
    post(owner, file=upload(first, "publiccode.yml"), apply="true")
    second = publiccode.from_commons(dict(FIELDS, summary="Un autre résumé."))
    body = post(owner, file=upload(second, "publiccode.yml")).json()
    item = body["items"][0]
    assert item["action"] == "update"
    assert [c["field"] for c in item["changes"]] == ["summary"]
    post(owner, file=upload(second, "publiccode.yml"), apply="true")
    assert Commons.objects.count() == 1
    commons = Commons.objects.get()
    assert commons.summary == "Un autre résumé."
    assert commons.revision == 2


def test_okh_manifest_import(owner) -> None:
    text = okh.from_commons(
        dict(FIELDS, licence="CERN-OHL-S-2.0", contacts=[{"name": "Ada"}])
    )
    body = post(owner, file=upload(text, "okh.toml"), apply="true").json()
    commons = Commons.objects.get(slug=body["items"][0]["commons"])
    assert commons.kind == "hardware"
    assert commons.licence == "CERN-OHL-S-2.0"


def test_bad_input_is_refused_and_nothing_stored(owner) -> None:
    invalid = upload('publiccodeYmlVersion: "0"\n', "publiccode.yml")
    body = post(owner, file=invalid).json()  # a dry run reports it
    assert body["valid"] is False
    assert "not valid" in body["problems"][0]
    invalid.seek(0)
    response = post(owner, file=invalid, apply="true")
    assert response.status_code == 422
    assert "not valid" in response.json()["error"]["message"]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
        for i in range(7)
    )
    response = post(owner, file=upload(bomb, "publiccode.yml"), apply="true")
    assert response.status_code == 422
    assert "refused" in response.json()["error"]["message"]
    assert post(owner).status_code == 422  # no file
    assert not Commons.objects.exists()


def test_invalid_field_value_blocks_apply(owner) -> None:
    text = publiccode.from_commons(dict(FIELDS, title="x" * 250))
    body = post(owner, file=upload(text, "publiccode.yml")).json()
    assert body["valid"] is False
    assert "title" in body["items"][0]["errors"]
    response = post(owner, file=upload(text, "publiccode.yml"), apply="true")
    assert response.status_code == 422
    assert not Commons.objects.exists()


def test_anonymous_callers_are_refused() -> None:
    text = publiccode.from_commons(FIELDS)
    response = Client().post(
        "/api/1/imports/", {"file": upload(text, "publiccode.yml")}
    )
    assert response.status_code == 401


@pytest.fixture
def repository(settings, tmp_path: Path) -> Iterator[str]:
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    settings.TRANSPORT_STORE = tmp_path
    files = {"/org/calc/raw/HEAD/publiccode.yml": publiccode.from_commons(FIELDS)}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            if body:
                self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    # Port 0: the system picks a free one (another run may hold any fixed one).
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/org/calc"
    finally:
        server.shutdown()
        server.server_close()


def test_import_from_a_repository_address(owner, repository: str) -> None:
    body = post(owner, url=repository, apply=True).json()
    assert body["source"] == repository
    commons = Commons.objects.get(slug=body["items"][0]["commons"])
    assert commons.repository_url == FIELDS["repository_url"]
    missing = post(
        owner, url=repository.replace("/org/calc", "/nothing/here"), apply=True
    )
    assert missing.status_code == 422
    assert "404" in missing.json()["error"]["message"]


def test_legacy_okh_and_codemeta_imports(owner) -> None:
    import json

    from fabrique.standards import codemeta

    legacy = (
        "title: Hose adapter\ndescription: A 3D printed hose adapter.\n"
        "license:\n  hardware: CERN-OHL-1.2\nkeywords: [garden]\n"
        "project-link: https://example.org/hose\n"
    )
    body = post(owner, file=upload(legacy, "okh.yml"), apply="true").json()
    assert body["format"] == "okh"
    hose = Commons.objects.get(slug=body["items"][0]["commons"])
    assert (hose.kind, hose.licence, hose.tags) == (
        "hardware",
        "CERN-OHL-1.2",
        ["garden"],
    )

    document = json.dumps(codemeta.from_commons(FIELDS))
    body = post(owner, file=upload(document, "codemeta.json"), apply="true").json()
    assert body["format"] == "codemeta"
    calc = Commons.objects.get(slug=body["items"][0]["commons"])
    assert calc.summary == FIELDS["summary"]
    assert calc.description == FIELDS["description"]


DCAT_CATALOGUE = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .

<https://data.example.org/jeux/comptages> a dcat:Dataset ;
    dct:title "Comptages vélo de Belvallon"@fr ;
    dct:description "Passages de vélos comptés chaque heure sur douze boucles."@fr ;
    dcat:keyword "vélo"@fr, "comptage"@fr ;
    dcat:landingPage <https://data.example.org/jeux/comptages/page> ;
    dcat:distribution [ a dcat:Distribution ;
        dcat:downloadURL <https://data.example.org/comptages.csv> ;
        dct:license <http://spdx.org/licenses/ODbL-1.0> ] .

<https://data.example.org/jeux/arceaux> a dcat:Dataset ;
    dct:title "Arceaux de stationnement"@fr ;
    dct:description "Les arceaux vélo du territoire, avec leur capacité."@fr .
"""


def test_a_dcat_catalogue_imports_each_dataset_and_updates_on_re_import(owner) -> None:
    response = post(owner, file=upload(DCAT_CATALOGUE, "catalogue.ttl"), apply="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "dcat"
    assert [item["action"] for item in body["items"]] == ["create", "create"]
    counts = Commons.objects.get(title="Comptages vélo de Belvallon")
    assert counts.kind == "data"
    assert counts.download_url == "https://data.example.org/comptages.csv"
    assert counts.documentation_url == "https://data.example.org/jeux/comptages/page"
    assert sorted(counts.tags) == ["comptage", "vélo"]
    assert ImportSource.objects.filter(
        key="https://data.example.org/jeux/arceaux"
    ).exists()
    # The same catalogue again, one title changed: an update, no duplicate.
    changed = DCAT_CATALOGUE.replace("Arceaux de stationnement", "Arceaux vélo")
    again = post(owner, file=upload(changed, "catalogue.ttl"), apply="true").json()
    assert sorted(item["action"] for item in again["items"]) == ["update", "update"]
    assert Commons.objects.filter(title="Arceaux vélo").count() == 1
    assert not Commons.objects.filter(title="Arceaux de stationnement").exists()


def test_a_dcat_round_trip_keeps_the_licence_of_a_commons_without_links(
    owner,
) -> None:
    """import → export → import: a dataset with no distribution keeps its
    licence (written on the dataset, DCAT 3's dct:license of a dcat:Resource)."""
    source = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .

<https://data.example.org/jeux/enquete> a dcat:Dataset ;
    dct:title "Enquête mobilité de Belvallon"@fr ;
    dct:description "Les déplacements d'un jour de semaine."@fr ;
    dct:license <https://spdx.org/licenses/CC-BY-4.0> .
"""
    created = post(owner, file=upload(source, "enquete.ttl"), apply="true")
    assert created.status_code == 200, created.content
    commons = Commons.objects.get(title="Enquête mobilité de Belvallon")
    assert commons.licence == "CC-BY-4.0"
    assert commons.download_url == ""
    assert commons.repository_url == ""
    exported = Client().get(f"/communs/{commons.slug}.ttl")
    assert exported.status_code == 200
    again = post(owner, file=upload(exported.content.decode(), "export.ttl"))
    assert again.status_code == 200, again.content
    (item,) = again.json()["items"]
    assert item["fields"]["licence"] == "CC-BY-4.0"
    assert item["fields"]["title"] == commons.title


def test_a_data_service_imports_as_a_service_commons_and_comes_back(
    owner,
) -> None:
    source = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .

<https://relais.example/service> a dcat:DataService ;
    dct:title "Relais temps réel"@fr ;
    dct:description "Collecte et redistribue les flux GTFS-RT."@fr ;
    dcat:keyword "GTFS-RT"@fr ;
    dcat:endpointURL <https://relais.example/api/> ;
    dcat:endpointDescription <https://relais.example/openapi.json> ;
    dct:license <https://spdx.org/licenses/MIT> .
"""
    created = post(owner, file=upload(source, "relais.ttl"), apply="true")
    assert created.status_code == 200, created.content
    relay = Commons.objects.get(title="Relais temps réel")
    assert relay.kind == "service"
    assert relay.demo_url == "https://relais.example/api/"
    assert relay.documentation_url == "https://relais.example/openapi.json"
    assert relay.licence == "MIT"
    assert relay.tags == ["GTFS-RT"]
    exported = Client().get(f"/communs/{relay.slug}.ttl")
    again = post(owner, file=upload(exported.content.decode(), "export.ttl"))
    (item,) = again.json()["items"]
    fields = {k: getattr(relay, k) for k in item["fields"]}
    assert item["fields"] == fields


def test_invalid_rdf_is_refused_and_nothing_is_stored(owner) -> None:
    response = post(owner, file=upload("<x> a <y", "catalogue.ttl"), apply="true")
    assert response.status_code in (400, 422), response.content
    assert response.json()["error"]["message"]
    assert not ImportSource.objects.exists()
