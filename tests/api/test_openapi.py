"""The OpenAPI schema and its docs page.

The schema is checked in as ``tests/api/openapi.json``; this test fails when
the generated schema differs, so every change of the API is a deliberate one.
After an intended change, regenerate the snapshot and review its diff::

    UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest tests/api/test_openapi.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).with_name("openapi.json")

pytestmark = pytest.mark.django_db


def served_schema(client) -> str:
    response = client.get("/api/1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_schema_matches_the_checked_in_snapshot(client):
    current = served_schema(client)
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(current, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8")
    assert current == expected, (
        "The OpenAPI schema changed. If intended, regenerate the snapshot with "
        "UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest tests/api/test_openapi.py "
        "and commit tests/api/openapi.json with the change."
    )


def test_the_schema_describes_every_resource(client):
    paths = json.loads(served_schema(client))["paths"]
    for resource in ("commons", "actors", "themes", "needs", "memberships",
                     "discussions", "messages", "activity"):  # fmt: skip
        assert any(path.startswith(f"/api/1/{resource}/") for path in paths), resource
    security = json.loads(served_schema(client))["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in security.values()} >= {"http", "apiKey"}


def test_the_docs_page_loads_its_assets_from_the_site_not_a_cdn(client):
    response = client.get("/api/1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    # Scripts, styles and icons (the page's links lead back to the site).
    assets = re.findall(r'src="([^"]+)"', html) + re.findall(
        r'<link[^>]*href="([^"]+)"', html
    )
    assert assets, "the docs page loads its viewer"
    for asset in assets:
        assert asset.startswith("/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()
    for attributes, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            "no inline script may run under the CSP"
        )
    assert "script-src 'self'" in response["Content-Security-Policy"]
