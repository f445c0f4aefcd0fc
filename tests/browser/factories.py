"""Content for browser tests, made through the catalogue's own services.

Going through the services (not bare ``objects.create``) gives the commons a
first revision, its holder and its search document, as on a real instance.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from fabrique.catalog.models import Kind, Maturity, Theme
from fabrique.catalog.services import create_commons

PASSWORD = "velos-et-communs-2026"
_sequence = count(1)


def make_user(username: str | None = None, **fields: Any) -> Any:
    """A member who accepted the charter, with the password ``PASSWORD``."""
    username = username or f"membre{next(_sequence)}"
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        charter_accepted_at=timezone.now(),
        **fields,
    )
    return user


def make_theme(slug: str = "velo", name: str = "Vélo", name_en: str = "Cycling"):
    return Theme.objects.get_or_create(
        slug=slug, defaults={"name": name, "name_en": name_en}
    )[0]


def make_commons(user: Any = None, *, themes: list[Theme] | None = None, **data):
    """A commons created by ``user`` (a new member by default)."""
    fields = {
        "title": "Vélo cargo ouvert",
        "summary": "Les plans libres d'un vélo cargo à fabriquer en atelier.",
        "description": (
            "Un **vélo cargo** robuste, fabriqué en atelier partagé.\n\n"
            "- plans sous licence libre\n- nomenclature des pièces\n"
        ),
        "kind": Kind.HARDWARE,
        "licence": "CERN-OHL-S-2.0",
        "maturity": Maturity.PROTOTYPE,
        "tags": ["vélo", "cargo", "atelier"],
        "pillar_resource": "Plans, nomenclature et guide de montage.",
        "pillar_community": "Trois ateliers partagés et une école d'ingénieurs.",
        "pillar_governance": "Décisions prises en réunion mensuelle ouverte.",
    }
    fields.update(data)
    return create_commons(
        user=user or make_user(), data=fields, themes=themes or [], comment=""
    )


def make_catalogue() -> dict[str, Any]:
    """A small credible catalogue: a few commons of every kind, two themes."""
    holder = make_user("camille", display_name="Camille Martin")
    cycling = make_theme()
    transit = make_theme("transport-public", "Transport public", "Public transport")
    cargo = make_commons(holder, themes=[cycling])
    others = [
        make_commons(
            holder,
            themes=[transit],
            title="Horaires GTFS du réseau de Grenoble",
            summary="Les horaires théoriques du réseau urbain, mis à jour chaque nuit.",
            description="Flux **GTFS** validé chaque nuit.",
            kind=Kind.DATA,
            licence="ODbL-1.0",
            maturity=Maturity.PRODUCTION,
            tags=["gtfs", "horaires"],
        ),
        make_commons(
            holder,
            themes=[cycling],
            title="Guide du vélopartage associatif",
            summary="Monter un service de vélos partagés avec une association.",
            description="Étapes, budget et retours d'expérience de cinq villes.",
            kind=Kind.KNOWLEDGE,
            licence="CC-BY-SA-4.0",
            maturity=Maturity.BETA,
            tags=["vélo", "association"],
        ),
        make_commons(
            holder,
            themes=[transit],
            title="Preuve de covoiturage",
            summary="Un registre ouvert des trajets partagés pour les collectivités.",
            description="API et tableau de bord, données anonymisées.",
            kind=Kind.SOFTWARE,
            licence="AGPL-3.0-or-later",
            maturity=Maturity.PRODUCTION,
            tags=["covoiturage", "api"],
        ),
    ]
    return {"holder": holder, "cargo": cargo, "others": others}
