"""A theme reads in the site's language: its English name on the English site
(theme pages, badges, search facets and results), its French name otherwise."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser.factories import make_commons, make_theme

pytestmark = pytest.mark.django_db


def read(path: str, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    return client.get(path).content.decode()


def test_a_theme_is_named_in_english_on_the_english_site():
    cycling = make_theme()
    cargo = make_commons(themes=[cycling])
    search = reverse("catalog:commons_list") + "?q=cargo"
    for path in (
        reverse("catalog:themes"),
        cycling.get_absolute_url(),
        cargo.get_absolute_url(),
        search,
    ):
        english = read(path, "en")
        assert "Cycling" in english, path
        assert ">Vélo<" not in english, path
        french = read(path, "fr")
        assert "Cycling" not in french, path
        assert "Vélo" in french, path
    assert 'class="hit-theme">Cycling<' in read(search, "en")
