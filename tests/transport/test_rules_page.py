"""The rule catalogue page, generated from the engine's registry."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fabrique.gtfs.catalogue import rules_by_topic
from fabrique.gtfs.rules.registry import RULES

pytestmark = pytest.mark.django_db


def anchors(html: str) -> set[str]:
    return set(re.findall(r'<article class="rule" id="([a-z0-9_]+)"', html))


def test_every_registered_rule_has_an_anchor_on_the_page(client):
    response = client.get(reverse("transport:rules"))
    assert response.status_code == 200
    rules_by_topic()
    assert anchors(response.content.decode()) == set(RULES)


def test_the_page_and_the_markdown_catalogue_list_the_same_codes(client):
    from fabrique.gtfs.catalogue import render_markdown

    documented = set(re.findall(r"^### `([a-z0-9_]+)`$", render_markdown(), re.M))
    assert anchors(client.get(reverse("transport:rules")).content.decode()) == (
        documented
    )


def test_filtering_by_severity_keeps_only_that_severity(client):
    html = client.get(reverse("transport:rules"), {"severity": "INFO"}).content.decode()
    shown = anchors(html)
    assert shown
    assert all(RULES[code].severity.value == "INFO" for code in shown)
    assert "missing_required_file" not in shown


def test_filtering_by_topic_keeps_only_that_topic(client):
    topic = next(iter(rules_by_topic()))
    html = client.get(reverse("transport:rules"), {"topic": topic}).content.decode()
    assert {RULES[code].topic for code in anchors(html)} == {topic}


def test_search_finds_a_code_by_a_word_of_its_description(client):
    html = client.get(reverse("transport:rules"), {"q": "timezone"}).content.decode()
    shown = anchors(html)
    assert "invalid_timezone" in shown
    assert len(shown) < len(RULES)


def test_a_search_that_matches_nothing_says_so(client):
    html = client.get(reverse("transport:rules"), {"q": "zzqqxx"}).content.decode()
    assert not anchors(html)
    assert "No rule matches" in html


def test_unknown_filters_are_ignored_not_an_error(client):
    response = client.get(
        reverse("transport:rules"),
        {"severity": "<b>", "topic": "nope", "q": "x" * 2000},
    )
    assert response.status_code == 200
    assert "<b>" not in response.content.decode().split("rules-list")[1][:200]


def test_htmx_filtering_answers_only_the_list(client):
    response = client.get(
        reverse("transport:rules"),
        {"severity": "ERROR"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert anchors(html)


def test_the_page_is_in_french_by_default_with_rule_texts_marked_english(
    client, settings
):
    settings.LANGUAGE_CODE = "fr"
    html = client.get(reverse("transport:rules")).content.decode()
    assert '<html lang="fr"' in html
    assert 'lang="en"' in html
