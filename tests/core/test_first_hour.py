"""Small things a newcomer notices in the first hour: the words of a moment
just past, the join link of a commons' own holder, the date of the open data
archive, links inside charts, the favicon."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from fabrique.projects import dump
from tests.catalog.factories import make_commons, make_user

pytestmark = pytest.mark.django_db


def ago(moment) -> str:
    return Template("{% load fabrique %}{{ moment|ago }}").render(
        Context({"moment": moment})
    )


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "just now"), ("fr", "à l’instant")]
)
def test_a_moment_under_a_minute_ago_is_just_now_not_zero_minutes(language, expected):
    with translation.override(language):
        assert ago(timezone.now() - timedelta(seconds=20)) == expected
        later = ago(timezone.now() - timedelta(hours=3))
    assert "0" not in ago(timezone.now())
    assert "3" in later


def test_the_holder_of_a_commons_is_not_invited_to_join_it(english):
    holder = make_user()
    commons = make_commons(user=holder)
    client = Client()
    client.force_login(holder)
    page = client.get(commons.get_absolute_url()).content.decode()
    assert "Join the community" not in page
    assert "Take another role in the community" in page
    client.force_login(make_user())
    assert (
        "Join the community" in client.get(commons.get_absolute_url()).content.decode()
    )


def test_the_data_page_says_when_the_archive_was_built_and_the_next_one(
    settings, tmp_path, english
):
    settings.FABRIQUE_DUMP_DIR = tmp_path / "dumps"
    settings.FABRIQUE_DUMP_EVERY = 3600
    built = timezone.now() - timedelta(hours=2)
    dump.build(now=built)
    page = Client().get(reverse("projects:data")).content.decode()
    assert "2\xa0hours ago" in page or "2 hours ago" in page
    assert "Next export" in page


def test_no_link_sits_inside_a_chart_drawn_as_an_image():
    make_commons()  # the health chart links to it
    page = Client().get(reverse("ecosystem:dashboard")).content.decode()
    for svg in re.findall(r"<svg\b[^>]*>.*?</svg>", page, flags=re.S):
        if 'role="img"' in svg.split(">", 1)[0]:
            assert "<a " not in svg


def test_the_favicon_is_linked_and_served():
    home = Client().get("/").content.decode()
    assert re.search(r'<link rel="icon" href="[^"]+favicon\.svg"', home)
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Retour à", "Documentation de l’API"]),
        ("en", ["Back to", "API documentation"]),
    ],
)
def test_the_api_docs_page_speaks_the_site_language_and_leads_back(language, words):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the language switch
    response = client.get("/api/1/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    assert 'href="/"' in page
    for word in words:
        assert word in page
    assert 'id="swagger-ui"' in page
