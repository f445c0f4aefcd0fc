"""schema.org types of the commons pages' JSON-LD: knowledge commons are
LRMI learning resources, services are services."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.catalog.factories import make_commons, make_theme

pytestmark = pytest.mark.django_db


def jsonld(client: Client, slug: str) -> dict:
    html = client.get(f"/communs/{slug}/").content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD in the page"
    return json.loads(found.group(1))


def test_a_knowledge_commons_is_a_learning_resource(client: Client):
    guide = make_commons(
        kind="knowledge",
        title="Guide de l'atelier vélo",
        themes=[make_theme("Vélo", "velo")],
        licence="CC-BY-SA-4.0",
    )
    data = jsonld(client, guide.slug)
    assert data["@type"] == "LearningResource"
    assert data["isAccessibleForFree"] is True
    assert data["inLanguage"] == "fr"
    assert data["about"] == [
        {
            "@type": "DefinedTerm",
            "name": "Vélo",
            "url": "http://testserver/themes/velo/",
        }
    ]
    assert data["license"] == "https://spdx.org/licenses/CC-BY-SA-4.0.html"


def test_a_service_commons_is_a_service_with_its_address(client: Client):
    relay = make_commons(kind="service", demo_url="https://relais.example/api/")
    data = jsonld(client, relay.slug)
    assert data["@type"] == "Service"
    assert data["availableChannel"] == {
        "@type": "ServiceChannel",
        "serviceUrl": "https://relais.example/api/",
    }
