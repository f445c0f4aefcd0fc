"""A commons in its kind's standards: publiccode.yml, codemeta.json, okh.toml."""

from __future__ import annotations

import json
import tomllib

import pytest
from django.test import Client
from django.utils import translation

from fabrique.catalog.models import Commons, CommunityMembership
from fabrique.core import moderation
from fabrique.standards import codemeta, okh, publiccode

from .factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


def software(**overrides):
    fields = {
        "kind": "software",
        "title": "Calculateur d'itinéraires",
        "summary": "Calcule des itinéraires multimodaux.",
        "licence": "EUPL-1.2",
        "repository_url": "https://example.org/router.git",
        "documentation_url": "https://docs.example.org/router",
        "tags": ["fleet-management", "gtfs"],
    }
    fields.update(overrides)
    return make_commons(**fields)


def hardware(**overrides):
    user = make_user("ada")
    fields = {
        "kind": "hardware",
        "title": "Remorque vélo",
        "summary": "Une remorque cargo à construire soi-même.",
        "licence": "CERN-OHL-S-2.0",
        "repository_url": "https://example.org/remorque",
        "maturity": "prototype",
    }
    fields.update(overrides)
    return make_commons(user=user, **fields)


def test_publiccode_export_is_valid_and_carries_the_fields() -> None:
    commons = software()
    response = Client().get(f"/communs/{commons.slug}/publiccode.yml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert publiccode.validate(response.content) == []
    fields, _ = publiccode.to_commons(response.content)
    assert fields["title"] == commons.title
    assert fields["repository_url"] == commons.repository_url
    assert fields["licence"] == "EUPL-1.2"
    assert sorted(fields["tags"]) == ["fleet-management", "gtfs"]


def test_codemeta_export(shared_data, monkeypatch) -> None:
    monkeypatch.setenv("FABRIQUE_STANDARDS_DIR", str(shared_data / "standards"))
    commons = software()
    response = Client().get(f"/communs/{commons.slug}/codemeta.json")
    assert response.status_code == 200
    assert codemeta.validate(response.content) == []
    document = json.loads(response.content)
    assert document["identifier"].endswith(f"/communs/{commons.slug}/")
    assert document["codeRepository"] == commons.repository_url


def test_okh_export_names_the_holders(shared_data, monkeypatch) -> None:
    monkeypatch.setenv("FABRIQUE_STANDARDS_DIR", str(shared_data / "standards"))
    commons = hardware()
    actor = make_actor(name="Atelier Cargo")
    CommunityMembership.objects.create(
        commons=commons,
        actor=actor,
        role=CommunityMembership.Role.HOLDER,
        status=CommunityMembership.Status.ACTIVE,
    )
    response = Client().get(f"/communs/{commons.slug}/okh.toml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/toml")
    assert okh.validate(response.content) == []
    manifest = tomllib.loads(response.content.decode())
    assert "Atelier Cargo" in manifest["licensor"]
    assert manifest["technology-readiness-level"] == "OTRL-4"


def test_other_kinds_and_hidden_commons_are_not_found() -> None:
    data = make_commons(kind="data")
    assert Client().get(f"/communs/{data.slug}/publiccode.yml").status_code == 404
    assert Client().get(f"/communs/{data.slug}/okh.toml").status_code == 404
    tool = software()
    assert Client().get(f"/communs/{tool.slug}/okh.toml").status_code == 404
    moderator = make_user("modo", role="moderator")
    moderation.hide(tool, moderator=moderator, reason="Spam publicitaire")
    assert Client().get(f"/communs/{tool.slug}/codemeta.json").status_code == 404
    client = Client()
    client.force_login(moderator)
    assert client.get(f"/communs/{tool.slug}/codemeta.json").status_code == 200
    assert Client().get("/communs/nope/publiccode.yml").status_code == 404


def test_missing_required_field_says_which() -> None:
    commons = software(licence="")
    response = Client().get(f"/communs/{commons.slug}/publiccode.yml")
    assert response.status_code == 409
    assert "licence" in response.content.decode()


def test_commons_page_links_the_exports_in_french_and_english(settings) -> None:
    tool = software()
    page = Client().get(f"/communs/{tool.slug}/").content.decode()
    assert "Métadonnées standard" in page
    assert f'href="/communs/{tool.slug}/publiccode.yml"' in page
    assert f'href="/communs/{tool.slug}/codemeta.json"' in page
    assert "okh.toml" not in page
    thing = hardware()
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        page = Client().get(f"/communs/{thing.slug}/").content.decode()
    assert "Standard metadata" in page
    assert f'href="/communs/{thing.slug}/okh.toml"' in page
    assert "publiccode.yml" not in page
    data = make_commons(kind="data")
    page = Client().get(f"/communs/{data.slug}/").content.decode()
    assert "codemeta.json" not in page


def _upload(text: str, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_import_page_previews_then_creates_then_updates(settings) -> None:
    settings.LANGUAGE_CODE = "en"
    user = make_user("importer")
    client = Client()
    client.force_login(user)
    fields = {
        "title": "Remorque cargo",
        "summary": "Une remorque à construire.",
        "licence": "CERN-OHL-S-2.0",
        "repository_url": "https://example.org/remorque",
        "contacts": [{"name": "Ada"}],
    }
    manifest = okh.from_commons(fields)
    with translation.override("en"):
        page = client.get("/communs/importer/")
        assert page.status_code == 200
        preview = client.post(
            "/communs/importer/", {"file": _upload(manifest, "okh.toml")}
        )
        text = preview.content.decode()
        assert preview.status_code == 200
        assert "New commons “Remorque cargo”" in text
        assert "CERN-OHL-S-2.0" in text
        assert "Confirm the import" in text
        assert not Commons.objects.filter(title="Remorque cargo").exists()
        done = client.post("/communs/importer/", {"action": "apply"})
    commons = Commons.objects.get(title="Remorque cargo")
    assert done.status_code == 302
    assert done["Location"] == commons.get_absolute_url()
    assert commons.kind == "hardware"
    # the same file again: an update with nothing to change
    again = okh.from_commons(dict(fields, summary="Une remorque cargo libre."))
    with translation.override("en"):
        text = client.post(
            "/communs/importer/", {"file": _upload(again, "okh.toml")}
        ).content.decode()
        assert "Update of “Remorque cargo”" in text
        client.post("/communs/importer/", {"action": "apply"})
    commons.refresh_from_db()
    assert commons.summary == "Une remorque cargo libre."
    assert Commons.objects.filter(title="Remorque cargo").count() == 1


def test_import_page_in_french_and_its_errors() -> None:
    client = Client()
    assert client.get("/communs/importer/").status_code == 302  # sign in first
    client.force_login(make_user("importer"))
    page = client.get("/communs/importer/").content.decode()
    assert "Importer un commun" in page
    response = client.post("/communs/importer/", {})
    assert response.status_code == 400
    assert "Choisissez un fichier ou donnez une adresse." in response.content.decode()
    response = client.post(
        "/communs/importer/",
        {"file": _upload('publiccodeYmlVersion: "0"\n', "publiccode.yml")},
    )
    assert response.status_code == 400
    assert "legal.license" in response.content.decode()
    assert not Commons.objects.exists()


def test_the_new_commons_page_points_to_the_import() -> None:
    client = Client()
    client.force_login(make_user("writer"))
    page = client.get("/communs/nouveau/").content.decode()
    assert 'href="/communs/importer/"' in page
    assert "Ou l’importer depuis un publiccode.yml" in page
