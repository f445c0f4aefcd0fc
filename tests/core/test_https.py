"""With TLS on, browsers are told to keep to HTTPS (HSTS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db

NAMES = ("SECURE_SSL_REDIRECT", "FABRIQUE_TLS", "SECURE_HSTS_SECONDS")


def settings_under(**env: str) -> dict:
    """HSTS settings as a server started with ``env`` computes them."""
    clean = {k: v for k, v in os.environ.items() if k not in NAMES}
    code = (
        "import json, fabrique.settings as s; print(json.dumps("
        "{'hsts': s.SECURE_HSTS_SECONDS, 'tls': s.TLS}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def test_hsts_is_on_for_a_year_when_http_is_redirected_to_https():
    assert settings_under(SECURE_SSL_REDIRECT="1") == {"hsts": 31536000, "tls": True}
    assert settings_under(FABRIQUE_TLS="1")["hsts"] == 31536000
    assert settings_under(FABRIQUE_TLS="1", SECURE_HSTS_SECONDS="600")["hsts"] == 600


def test_no_hsts_without_tls():
    assert settings_under() == {"hsts": 0, "tls": False}


def test_https_answers_carry_the_hsts_header(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/")
