"""A commons in its kind's standards: publiccode.yml, codemeta.json, okh.toml."""

from __future__ import annotations

import json
import tomllib

import pytest
from django.test import Client
from django.utils import translation

from fabrique.catalog.models import CommunityMembership
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
