"""Generate a large, credible French catalogue: commons, actors, communities.

    python benchmarks/catalogue/generate.py --database URL \
        [--commons 100000] [--actors 20000] [--seed 1] [--no-index] [--maintenance]

Bulk inserts (no signals, no per-object revision service) of actors with a
place, commons with themes, tags, pillars, a community of actors, an open
need for about one in two, a first revision and its activity; then builds the
search index (``rebuild_search_index``). Texts are assembled from French
phrase parts (titles, summaries, Markdown descriptions with varied verb
forms: "partager", "partagé", "partagées"…) mixed with words drawn from a
real French and English vocabulary at their frequency in the languages (the
``wordfreq`` package: a Zipf law, so that broad, medium and rare words all
occur, as in a real catalogue), deterministic for a seed. ``generate()`` is
also what ``load.py prepare`` calls.

``wordfreq`` belongs to the benchmark environment, not to the product:
``pip install wordfreq``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from itertools import islice

BATCH = 2000
# Words of each language taken from wordfreq's list (most frequent first):
# enough for a long tail of words met once or twice in 100,000 commons.
VOCABULARY_SIZE = 25_000

THEMES = [
    ("velo", "Vélo", "Cycling"),
    ("covoiturage", "Covoiturage", "Carpooling"),
    ("transport-public", "Transport public", "Public transport"),
    ("recharge", "Recharge électrique", "EV charging"),
    ("logistique", "Logistique urbaine", "City logistics"),
    ("accessibilite", "Accessibilité", "Accessibility"),
    ("marche", "Marche et espace public", "Walking"),
    ("ruralite", "Mobilité rurale", "Rural mobility"),
    ("donnees", "Données de mobilité", "Mobility data"),
    ("autopartage", "Autopartage", "Car sharing"),
]
# subject, themes it belongs to
SUBJECTS = [
    ("les vélos en libre-service", "velo"),
    ("le vélo cargo", "velo logistique"),
    ("le stationnement vélo", "velo"),
    ("les comptages vélo", "velo donnees"),
    ("les itinéraires cyclables", "velo"),
    ("les ateliers de réparation de vélos", "velo"),
    ("le covoiturage domicile-travail", "covoiturage"),
    ("la preuve de covoiturage", "covoiturage donnees"),
    ("les aires de covoiturage", "covoiturage ruralite"),
    ("l'autostop organisé", "covoiturage ruralite"),
    ("les horaires théoriques GTFS", "transport-public donnees"),
    ("le temps réel des bus", "transport-public donnees"),
    ("l'information voyageurs", "transport-public"),
    ("le transport à la demande", "transport-public ruralite"),
    ("la billettique interopérable", "transport-public"),
    ("le tramway", "transport-public"),
    ("les navettes autonomes", "transport-public"),
    ("les bornes de recharge", "recharge donnees"),
    ("la recharge solaire", "recharge"),
    ("les flottes électriques", "recharge autopartage"),
    ("les livraisons du dernier kilomètre", "logistique"),
    ("les tournées de livraison", "logistique"),
    ("les consignes à colis", "logistique"),
    ("l'accessibilité des gares", "accessibilite transport-public"),
    ("les cheminements piétons", "marche accessibilite"),
    ("les fauteuils roulants", "accessibilite"),
    ("les rues scolaires", "marche"),
    ("les zones à faibles émissions", "donnees"),
    ("la qualité de l'air", "donnees"),
    ("les voitures partagées", "autopartage"),
    ("l'autopartage entre voisins", "autopartage"),
    ("les garages solidaires", "autopartage ruralite"),
    ("la mobilité des saisonniers", "ruralite"),
    ("la mobilité des jeunes", "ruralite"),
    ("le calcul d'itinéraires multimodal", "transport-public donnees"),
    ("les parkings relais", "transport-public"),
    ("les enquêtes ménages déplacements", "donnees"),
]
THINGS = {
    "data": ["Jeu de données", "Référentiel", "Base ouverte", "Flux", "Inventaire"],
    "software": [
        "Logiciel libre",
        "Bibliothèque",
        "API",
        "Application",
        "Validateur",
        "Tableau de bord",
    ],
    "hardware": ["Plans ouverts", "Kit", "Capteur libre", "Prototype", "Remorque"],
    "knowledge": [
        "Guide",
        "Méthode",
        "Retour d'expérience",
        "Formation",
        "Fiche pratique",
    ],
    "service": ["Service", "Plateforme", "Hébergement", "Accompagnement", "Assistance"],
}
NEEDS = ["Testeurs", "Traductrices", "Développeurs", "Financement", "Données"]
LINKS = ["pour", "sur", "pour améliorer", "pour mesurer", "pour partager"]
PLACES = [
    ("Lyon", 45.76, 4.84),
    ("Grenoble", 45.19, 5.72),
    ("Nantes", 47.22, -1.55),
    ("Rennes", 48.11, -1.68),
    ("Strasbourg", 48.58, 7.75),
    ("Lille", 50.63, 3.06),
    ("Bordeaux", 44.84, -0.58),
    ("Toulouse", 43.6, 1.44),
    ("Marseille", 43.3, 5.37),
    ("Montpellier", 43.61, 3.88),
    ("Dijon", 47.32, 5.04),
    ("Brest", 48.39, -4.49),
    ("Clermont-Ferrand", 45.78, 3.08),
    ("Tours", 47.39, 0.69),
    ("Paris", 48.86, 2.35),
    ("Annecy", 45.9, 6.13),
    ("Limoges", 45.83, 1.26),
    ("Pau", 43.3, -0.37),
    ("Besançon", 47.24, 6.02),
    ("Orléans", 47.9, 1.9),
    ("Nîmes", 43.84, 4.36),
    ("Périgueux", 45.18, 0.72),
    ("Aurillac", 44.93, 2.44),
    ("Quimper", 48.0, -4.1),
    ("Saint-Étienne", 45.43, 4.39),
    ("Angers", 47.47, -0.55),
    ("Metz", 49.12, 6.18),
    ("Poitiers", 46.58, 0.34),
    ("Valence", 44.93, 4.89),
    ("Chambéry", 45.57, 5.92),
]
WHO = [
    "la métropole",
    "les usagers",
    "une association locale",
    "le syndicat mixte",
    "des étudiants",
    "un collectif de cyclistes",
    "la région",
    "des start-up",
    "un laboratoire public",
    "les opérateurs de transport",
    "des bénévoles",
    "une coopérative",
    "les communes rurales",
    "des chercheuses",
]
# Infinitives, and past participles by gender and number: varied forms of the
# same verbs, as stemming must bring them together.
VERBS = [
    "partager",
    "publier",
    "documenter",
    "maintenir",
    "améliorer",
    "tester",
    "financer",
    "déployer",
    "mutualiser",
    "ouvrir",
    "réutiliser",
    "cartographier",
]
DONE_FEMININE = [
    "partagées",
    "publiées",
    "documentées",
    "améliorées",
    "testées",
    "ouvertes",
    "mutualisées",
    "réutilisées",
    "cartographiées",
    "vérifiées",
]
DONE_MASCULINE = [
    "partagés",
    "publiés",
    "documentés",
    "améliorés",
    "testés",
    "fabriqués",
    "financés",
    "mutualisés",
    "réutilisés",
    "vérifiés",
]
SENTENCES = [
    "Ce commun est né d'un atelier réunissant {who} et {who2} à {city}.",
    "{Subject} : c'est le cœur du projet, qui veut {verb} ce qui existe.",
    "Les données sont {done_f} sous licence ouverte et mises à jour chaque nuit.",
    "Une communauté de contributeurs aime {verb} le code et répond aux questions.",
    "La gouvernance est partagée entre {who} et {who2}, avec une réunion mensuelle.",
    "Nous cherchons des testeurs à {city} et dans les territoires ruraux voisins.",
    "Le format suit les spécifications nationales pour faciliter la réutilisation.",
    "Un guide pas à pas explique comment {verb} le service dans une autre ville.",
    "Les plans de fabrication sont {done_m} et fabriqués en atelier partagé.",
    "Les trajets sont anonymisés avant publication : aucune donnée personnelle.",
    "La feuille de route est discutée en visioconférence publique avec {who}.",
    "À {city}, l'outil sert déjà pour {subject}.",
    "L'objectif : {verb} {subject} sans dépendre d'un seul fournisseur.",
    "Chaque contribution est relue par {who2} avant d'être intégrée.",
    "Le projet a reçu le soutien de {who} pour {verb} la première version.",
    "Les résultats sont {done_m} chaque trimestre et discutés avec {who}.",
]
BULLETS = [
    "un export CSV et GeoJSON",
    "une API documentée",
    "des tests automatiques",
    "un tableau de bord public",
    "une licence libre",
    "des plans au format STEP",
    "une formation d'une demi-journée",
    "un forum d'entraide",
    "un jeu de tests",
    "une traduction en anglais",
    "un validateur en ligne",
    "des fiches pratiques",
]
LICENCES = {
    "data": ["ODbL-1.0", "etalab-2.0", "CC-BY-4.0", "CC0-1.0"],
    "software": [
        "AGPL-3.0-or-later",
        "MIT",
        "Apache-2.0",
        "EUPL-1.2",
        "GPL-3.0-or-later",
    ],
    "hardware": ["CERN-OHL-S-2.0", "CERN-OHL-W-2.0", "CC-BY-SA-4.0"],
    "knowledge": ["CC-BY-SA-4.0", "CC-BY-4.0"],
    "service": ["AGPL-3.0-or-later", "EUPL-1.2", ""],
}
TAGS = [
    "vélo",
    "open data",
    "gtfs",
    "rural",
    "api",
    "gbfs",
    "osm",
    "netex",
    "accessibilité",
    "électrique",
    "logistique",
    "marche",
    "covoiturage",
]
ORGANISATIONS = {
    "startup": ["Mobi", "Roulez", "Trajet", "Cyclo", "Hop", "Navette"],
    "industry": ["Constructions", "Industries", "Ateliers", "Systèmes"],
    "territory": ["Métropole de", "Communauté de communes de", "Ville de", "Région"],
    "lab": ["Laboratoire mobilités", "Institut", "Living lab", "Fab lab"],
    "association": ["Vélo-école", "Collectif", "Association Roue Libre", "Atelier"],
    "public_body": ["Agence des mobilités", "Syndicat mixte", "Observatoire"],
    "funder": ["Fondation", "Fonds", "Programme"],
}
FIRST_NAMES = [
    "Camille",
    "Lucie",
    "Thomas",
    "Inès",
    "Hugo",
    "Léa",
    "Nadia",
    "Yanis",
    "Chloé",
    "Mathieu",
    "Aïcha",
    "Julien",
    "Élodie",
    "Karim",
    "Sophie",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Leroy",
    "Moreau",
    "Lefèvre",
    "Garnier",
    "Roux",
    "Fournier",
    "Girard",
    "Benali",
    "Nguyen",
    "Perrin",
    "Faure",
]
SKILLS = [
    "données",
    "vélo",
    "python",
    "GTFS",
    "mécanique",
    "animation",
    "cartographie",
    "juridique",
    "financement",
    "design",
    "électronique",
    "formation",
]


class Vocabulary:
    """French and English words drawn at their frequency in the languages.

    wordfreq's frequencies follow a Zipf law: a few words are everywhere,
    most are rare. Words shorter than four letters (mostly function words)
    and words with digits or punctuation are left out.
    """

    def __init__(self, size: int = VOCABULARY_SIZE) -> None:
        try:
            import wordfreq
        except ImportError:
            raise SystemExit(
                "The catalogue generator needs the wordfreq package for its "
                "vocabulary (benchmark environment only): pip install wordfreq"
            ) from None
        weights: dict[str, float] = {}
        for language in ("fr", "en"):
            for word in wordfreq.top_n_list(language, size):
                if len(word) >= 4 and word.isalpha():
                    frequency = wordfreq.word_frequency(word, language)
                    weights[word] = weights.get(word, 0.0) + frequency
        self.words = sorted(weights)
        cumulative, total = [], 0.0
        for word in self.words:
            total += weights[word]
            cumulative.append(total)
        self.cumulative = cumulative

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def sentence(rng: random.Random, subject: str = "") -> str:
    """A sentence, about ``subject`` most of the time when one is given."""
    who, who2 = rng.sample(WHO, 2)
    if not subject or rng.random() < 0.03:
        subject = rng.choice(SUBJECTS)[0]
    return rng.choice(SENTENCES).format(
        who=who,
        who2=who2,
        city=rng.choice(PLACES)[0],
        subject=subject,
        Subject=subject[0].upper() + subject[1:],
        verb=rng.choice(VERBS),
        done_f=rng.choice(DONE_FEMININE),
        done_m=rng.choice(DONE_MASCULINE),
    )


def description(
    rng: random.Random, subject: str, vocabulary: Vocabulary | None = None
) -> str:
    paragraphs = [" ".join(sentence(rng, subject) for _ in range(3)) for _ in range(3)]
    bullets = "\n".join(f"- {item}" for item in rng.sample(BULLETS, 3))
    text = (
        f"{paragraphs[0]}\n\n## Ce que l'on trouve\n\n{bullets}\n\n"
        f"{paragraphs[1]}\n\n{paragraphs[2]}"
    )
    if vocabulary is not None:
        words = vocabulary.draw(rng, rng.randint(8, 24))
        text += f"\n\n## Notes\n\n{' '.join(words).capitalize()}."
    return text


def generate(*, commons: int, actors: int, seed: int = 1) -> None:
    """Add ``actors`` actors and ``commons`` commons with their communities."""
    from django.db import transaction

    from fabrique.catalog.models import Theme

    vocabulary = Vocabulary()
    rng = random.Random(seed)
    with transaction.atomic():
        themes = {
            slug: Theme.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en}
            )[0]
            for slug, name, name_en in THEMES
        }
        actor_ids = _actors(rng, actors, vocabulary)
        _commons(rng, commons, themes, actor_ids, vocabulary)


def _actor_name(rng: random.Random, kind: str) -> str:
    if kind == "person":
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    city = rng.choice(PLACES)[0]
    return f"{rng.choice(ORGANISATIONS[kind])} {city}"


def _actors(rng: random.Random, count: int, vocabulary: Vocabulary) -> list[int]:
    from django.utils.text import slugify

    from fabrique.catalog.models import Actor, ActorType, Place

    start = Actor.objects.count()
    for chunk in batched(range(start, start + count)):
        rows, cities = [], []
        for number in chunk:
            kind = rng.choice(ActorType.values)
            name = _actor_name(rng, kind)
            focus = rng.choice(SUBJECTS)[0]
            city = rng.choice(PLACES)
            cities.append(city)
            rows.append(
                Actor(
                    name=name,
                    slug=f"{slugify(name)}-{number}"[:220],
                    is_organisation=kind != "person",
                    type=kind,
                    summary=sentence(rng, focus)[:300],
                    description=" ".join(
                        [
                            *(sentence(rng, focus) for _ in range(4)),
                            *vocabulary.draw(rng, rng.randint(4, 12)),
                        ]
                    ),
                    website=f"https://acteur-{number}.example.org/",
                    skills=rng.sample(SKILLS, 3),
                    revision=1,
                )
            )
        created = Actor.objects.bulk_create(rows)
        Place.objects.bulk_create(
            [
                Place(
                    actor=actor,
                    name=f"Locaux de {city}",
                    city=city,
                    lat=lat + rng.uniform(-0.05, 0.05),
                    lon=lon + rng.uniform(-0.05, 0.05),
                )
                for actor, (city, lat, lon) in zip(created, cities, strict=True)
            ]
        )
    return list(Actor.objects.values_list("pk", flat=True))


def _commons(
    rng, count: int, themes: dict, actor_ids: list[int], vocabulary: Vocabulary
) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils.text import slugify

    from fabrique.catalog.models import Commons, CommunityMembership, Maturity, Need
    from fabrique.core.models import Activity, Revision

    start = Commons.objects.count()
    content_type = ContentType.objects.get_for_model(Commons)
    through = Commons.themes.through
    roles = ["holder", "contributor", "user", "funder"]
    for chunk in batched(range(start, start + count)):
        rows, chosen = [], []
        for number in chunk:
            kind = rng.choice(list(THINGS))
            subject, subject_themes = rng.choice(SUBJECTS)
            city = rng.choice(PLACES)[0]
            title = f"{rng.choice(THINGS[kind])} {rng.choice(LINKS)} {subject}"
            if rng.random() < 0.6:
                title += f" à {city}"
            if rng.random() < 0.5:
                title += f" ({' '.join(vocabulary.draw(rng, rng.randint(1, 2)))})"
            chosen.append(subject_themes.split())
            rows.append(
                Commons(
                    title=title,
                    slug=f"{slugify(title)}-{number}"[:220],
                    summary=f"{sentence(rng, subject)} {sentence(rng, subject)}"[:300],
                    description=description(rng, subject, vocabulary),
                    kind=kind,
                    tags=rng.sample(TAGS, rng.randint(1, 4)),
                    licence=rng.choice(LICENCES[kind]),
                    maturity=rng.choice(Maturity.values),
                    repository_url=f"https://forge.example.org/communs/{number}",
                    pillar_resource=sentence(rng, subject),
                    pillar_community=sentence(rng, subject),
                    pillar_governance=sentence(rng, subject),
                    revision=1,
                )
            )
        created = Commons.objects.bulk_create(rows)
        links, members, needs, revisions, activities = [], [], [], [], []
        for item, slugs in zip(created, chosen, strict=True):
            for slug in slugs:
                links.append(through(commons_id=item.pk, theme_id=themes[slug].pk))
            size = rng.randint(1, 4)
            for role, actor_id in zip(
                roles[:size], rng.sample(actor_ids, size), strict=True
            ):
                members.append(
                    CommunityMembership(
                        commons=item, actor_id=actor_id, role=role, status="active"
                    )
                )
            if rng.random() < 0.5:
                needs.append(
                    Need(
                        commons=item,
                        title=f"{rng.choice(NEEDS)} à {rng.choice(PLACES)[0]}",
                        description=sentence(rng),
                        help_kind=rng.choice(Need.HelpKind.values),
                        status=rng.choice(["open", "open", "in_progress", "met"]),
                    )
                )
            content = {name: getattr(item, name) for name in Commons.REVISION_FIELDS}
            content["themes"] = sorted(slugs)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a DATABASE_URL")
    parser.add_argument("--commons", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-index", action="store_true", help="skip the index build")
    parser.add_argument(
        "--maintenance",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="then VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite); off by default, "
        "as on a fresh instance",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    os.environ.setdefault("FABRIQUE_DATA_DIR", tempfile.mkdtemp(prefix="catalogue-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    generate(commons=args.commons, actors=args.actors, seed=args.seed)
    print(
        f"{args.commons} commons, {args.actors} actors in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    if not args.no_index:
        started = time.perf_counter()
        call_command("rebuild_search_index", verbosity=1)
        print(f"index built in {time.perf_counter() - started:.0f} s")
    if args.maintenance:
        from django.db import connection

        # Fresh statistics, and on PostgreSQL a visibility map, so that counts
        # can skip heap pages as they would on a settled production database.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")


if __name__ == "__main__":
    sys.exit(main())
