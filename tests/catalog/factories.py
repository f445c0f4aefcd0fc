"""Small factories for catalogue tests."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from fabrique.catalog import services
from fabrique.catalog.models import Actor, Commons, Theme

_counter = itertools.count(1)


def make_user(username: str | None = None, **fields):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(
        username=username, password="a-long-test-password", **fields
    )


def make_theme(name: str = "Vélo", slug: str | None = None) -> Theme:
    return Theme.objects.create(name=name, slug=slug or f"theme-{next(_counter)}")


def commons_data(**overrides) -> dict:
    data = {
        "title": "Vélos partagés de Lyon",
        "summary": "Les données ouvertes des vélos en libre-service.",
        "description": "Un flux **GBFS** tenu par la communauté.",
        "kind": "data",
        "tags": ["vélo", "gbfs"],
        "licence": "ODbL-1.0",
        "maturity": "beta",
        "pillar_resource": "Le flux et son schéma.",
        "pillar_community": "Des réutilisateurs et la métropole.",
        "pillar_governance": "Décisions en réunion mensuelle ouverte.",
    }
    data.update(overrides)
    return data


def make_commons(user=None, themes=None, **overrides) -> Commons:
    user = user or make_user()
    return services.create_commons(
        user=user, data=commons_data(**overrides), themes=themes or []
    )


def make_actor(user=None, **overrides) -> Actor:
    user = user or make_user()
    data = {
        "name": "Atelier Mobile",
        "is_organisation": True,
        "type": "association",
        "summary": "Une association de réparation de vélos.",
        "skills": ["mécanique", "formation"],
    }
    data.update(overrides)
    return services.create_actor(user=user, data=data)
