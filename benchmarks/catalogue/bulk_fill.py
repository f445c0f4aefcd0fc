"""A bulk loader of a large, credible catalogue, for the load benchmark.

Commons get themes, three community members (actors), an open need for one in
two, a first revision and its activity, so their page does the work a real one
does. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify

from fabrique.catalog.models import (
    Actor,
    ActorType,
    Commons,
    CommunityMembership,
    Kind,
    Maturity,
    Need,
    Place,
    Theme,
)
from fabrique.core.models import Activity, Revision

BATCH = 2000

THEMES = [
    ("velo", "Vélo", "Cycling"),
    ("covoiturage", "Covoiturage", "Carpooling"),
    ("transport-public", "Transport public", "Public transport"),
    ("recharge", "Recharge électrique", "Charging"),
    ("logistique", "Logistique urbaine", "City logistics"),
    ("accessibilite", "Accessibilité", "Accessibility"),
    ("marche", "Marche", "Walking"),
    ("territoires-ruraux", "Territoires ruraux", "Rural areas"),
]
SUBJECTS = [
    "vélo partagé", "covoiturage du quotidien", "autopartage", "flux GTFS",
    "bornes de recharge", "vélo cargo", "trottinettes", "transport à la demande",
    "stationnement vélo", "calcul d'itinéraire", "accessibilité PMR",
    "navettes autonomes", "logistique du dernier kilomètre", "comptage vélo",
    "preuve de covoiturage", "information voyageurs", "billettique",
    "marche à pied", "parkings relais", "tramway", "temps réel des bus",
]  # fmt: skip
THINGS = {
    Kind.DATA: ["Jeu de données", "Référentiel", "Base ouverte", "Flux"],
    Kind.SOFTWARE: ["Logiciel", "Bibliothèque", "API", "Application", "Validateur"],
    Kind.HARDWARE: ["Plans ouverts", "Kit", "Capteur", "Prototype"],
    Kind.KNOWLEDGE: ["Guide", "Méthode", "Retour d'expérience", "Formation"],
    Kind.SERVICE: ["Service", "Plateforme", "Hébergement", "Accompagnement"],
}
PLACES = [
    ("Lyon", 45.76, 4.84), ("Grenoble", 45.19, 5.72), ("Nantes", 47.22, -1.55),
    ("Rennes", 48.11, -1.68), ("Strasbourg", 48.58, 7.75), ("Lille", 50.63, 3.06),
    ("Bordeaux", 44.84, -0.58), ("Toulouse", 43.6, 1.44), ("Marseille", 43.3, 5.37),
    ("Montpellier", 43.61, 3.88), ("Dijon", 47.32, 5.04), ("Brest", 48.39, -4.49),
    ("Clermont-Ferrand", 45.78, 3.08), ("Tours", 47.39, 0.69), ("Paris", 48.86, 2.35),
    ("Annecy", 45.9, 6.13), ("Limoges", 45.83, 1.26), ("Pau", 43.3, -0.37),
]  # fmt: skip
SENTENCES = [
    "Les données sont publiées sous licence ouverte et mises à jour chaque nuit.",
    "Le projet est né d'un atelier entre usagers, collectivité et associations.",
    "Une communauté de contributeurs maintient le code et répond aux questions.",
    "La gouvernance est partagée entre les membres fondateurs et les usagers.",
    "Nous cherchons des testeurs dans les territoires ruraux et périurbains.",
    "Le format suit les spécifications nationales pour faciliter la réutilisation.",
    "Un guide pas à pas explique comment déployer le service dans une ville.",
    "Les plans de fabrication sont documentés et fabriqués en atelier partagé.",
    "Les trajets sont anonymisés avant publication, aucune donnée personnelle.",
    "La feuille de route est discutée chaque mois en visioconférence publique.",
]
LICENCES = {
    Kind.DATA: ["ODbL-1.0", "etalab-2.0", "CC-BY-4.0"],
    Kind.SOFTWARE: ["AGPL-3.0-or-later", "MIT", "Apache-2.0", "EUPL-1.2"],
    Kind.HARDWARE: ["CERN-OHL-S-2.0", "CC-BY-SA-4.0"],
    Kind.KNOWLEDGE: ["CC-BY-SA-4.0", "CC-BY-4.0"],
    Kind.SERVICE: ["AGPL-3.0-or-later", ""],
}
ORGANISATION_WORDS = [
    "Mobilités", "Roue Libre", "Atelier", "Labo", "Collectif", "Coopérative",
    "Agence", "Syndicat mixte", "Fondation", "Réseau", "Données", "Transports",
]  # fmt: skip


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(" ".join(rng.sample(SENTENCES, 3)) for _ in range(count))


def fill(*, commons: int, actors: int, seed: int) -> None:
    """Load ``actors`` actors and ``commons`` commons with their community."""
    rng = random.Random(seed)
    with transaction.atomic():
        themes = [
            Theme.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en}
            )[0]
            for slug, name, name_en in THEMES
        ]
        actor_ids = _actors(rng, actors)
        _commons(rng, commons, themes, actor_ids)


def _actors(rng: random.Random, count: int) -> list[int]:
    start = Actor.objects.count()
    types = ActorType.values
    for chunk in batched(range(start, start + count)):
        rows = []
        for i in chunk:
            city, _, _ = rng.choice(PLACES)
            kind = rng.choice(types)
            name = (
                f"{rng.choice(ORGANISATION_WORDS)} {city} {i}"
                if kind != ActorType.PERSON
                else f"Personne {i}"
            )
            rows.append(
                Actor(
                    name=name,
                    slug=f"{slugify(name)}-{i}",
                    is_organisation=kind != ActorType.PERSON,
                    type=kind,
                    summary=rng.choice(SENTENCES),
                    description=_paragraphs(rng, 2),
                    skills=rng.sample(["données", "vélo", "python", "GTFS"], 2),
                    revision=1,
                )
            )
        created = Actor.objects.bulk_create(rows)
        places = []
        for actor in created:
            city, lat, lon = rng.choice(PLACES)
            places.append(
                Place(
                    actor=actor,
                    name=city,
                    city=city,
                    lat=lat + rng.uniform(-0.05, 0.05),
                    lon=lon + rng.uniform(-0.05, 0.05),
                )
            )
        Place.objects.bulk_create(places)
    return list(Actor.objects.values_list("pk", flat=True))


def _commons(rng, count: int, themes: list[Theme], actor_ids: list[int]) -> None:
    start = Commons.objects.count()
    content_type = ContentType.objects.get_for_model(Commons)
    through = Commons.themes.through
    roles = [
        CommunityMembership.Role.HOLDER,
        CommunityMembership.Role.CONTRIBUTOR,
        CommunityMembership.Role.USER,
    ]
    for chunk in batched(range(start, start + count)):
        rows = []
        for i in chunk:
            kind = rng.choice(Kind.values)
            city, _, _ = rng.choice(PLACES)
            title = f"{rng.choice(THINGS[kind])} {rng.choice(SUBJECTS)} — {city}"
            rows.append(
                Commons(
                    title=title,
                    slug=f"{slugify(title)}-{i}",
                    summary=f"{rng.choice(SENTENCES)} {rng.choice(SENTENCES)}"[:300],
                    description=_paragraphs(rng, 4),
                    kind=kind,
                    tags=rng.sample(["vélo", "open data", "gtfs", "rural", "api"], 2),
                    licence=rng.choice(LICENCES[kind]),
                    maturity=rng.choice(Maturity.values),
                    repository_url=f"https://git.example.org/communs/{i}",
                    pillar_resource=rng.choice(SENTENCES),
                    pillar_community=rng.choice(SENTENCES),
                    pillar_governance=rng.choice(SENTENCES),
                    revision=1,
                )
            )
        created = Commons.objects.bulk_create(rows)
        links, members, needs, revisions, activities = [], [], [], [], []
        for item in created:
            for theme in rng.sample(themes, rng.randint(1, 2)):
                links.append(through(commons_id=item.pk, theme_id=theme.pk))
            for role, actor_id in zip(roles, rng.sample(actor_ids, 3), strict=True):
                members.append(
                    CommunityMembership(
                        commons=item, actor_id=actor_id, role=role, status="active"
                    )
                )
            if rng.random() < 0.5:
                needs.append(
                    Need(
                        commons=item,
                        title=f"Testeurs à {rng.choice(PLACES)[0]}",
                        description=rng.choice(SENTENCES),
                        help_kind=rng.choice(Need.HelpKind.values),
                    )
                )
            content = {name: getattr(item, name) for name in Commons.REVISION_FIELDS}
            revisions.append(
                Revision(
                    content_type=content_type,
                    object_id=item.pk,
                    number=1,
                    content=content,
                    comment="Création",
                )
            )
            activities.append(
                Activity(
                    content_type=content_type,
                    object_id=item.pk,
                    verb="created",
                    data={"revision": 1},
                )
            )
        through.objects.bulk_create(links)
        CommunityMembership.objects.bulk_create(members)
        Need.objects.bulk_create(needs)
        Revision.objects.bulk_create(revisions)
        Activity.objects.bulk_create(activities)
