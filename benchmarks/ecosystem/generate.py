"""Generate a large ecosystem: challenges, participations, projects, ledger, funding.

    python benchmarks/ecosystem/generate.py --database URL \
        [--commons 100000] [--actors 20000] [--challenges 5000] \
        [--contributions 200000] [--seed 1]

Commons and actors come from ``benchmarks/catalogue/generate.py`` (bulk
inserts, no signals). On top of them, in bulk: people, 20 domains of
interest, needs (ten micro-challenges each) spread over every lifecycle
state, ten people per challenge (three on behalf of an actor), betas and
delivered commons, projects with the commons they use and contribute to,
ledger entries (few commons get most of them, as in life) dated over two
years, and funding. Bulk inserts bypass the signals that keep the graph's
edges and the dashboards' counters current, so both are rebuilt at the end
(``graph_edges.rebuild``, ``aggregates.rebuild``), then the tables analysed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parent / "catalogue" / "generate.py"

BATCH = 5000
DOMAINS = [
    "Vélo partagé", "Covoiturage du quotidien", "Transport à la demande",
    "Logistique urbaine", "Recharge électrique", "Accessibilité des gares",
    "Marche en ville", "Mobilité rurale", "Données de mobilité", "Autopartage",
    "Trottinettes et engins", "Information voyageurs", "Billettique",
    "Vélo cargo", "Rétrofit", "Stationnement", "Sécurité routière",
    "Mobilité scolaire", "Tourisme à vélo", "Fret ferroviaire",
]  # fmt: skip
STATES = [
    ("proposed", 10), ("open", 25), ("formed", 15), ("beta", 12),
    ("experimenting", 13), ("delivered", 18), ("closed", 7),
]  # fmt: skip
KINDS = ["code", "data", "documentation", "testing", "design", "facilitation",
         "funding"]  # fmt: skip


def _bulk(model, rows) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def generate(*, challenges: int, contributions: int, seed: int) -> None:
    """Add the challenges' world on top of an existing catalogue."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from fabrique.catalog.models import Actor, Commons
    from fabrique.community.models import (
        BetaVersion,
        Challenge,
        Domain,
        Need,
        Participation,
    )
    from fabrique.projects.models import Contribution, Funding, Project

    rng = random.Random(seed)
    user_model = get_user_model()
    commons_ids = list(Commons.objects.values_list("pk", flat=True))
    actor_ids = list(Actor.objects.values_list("pk", flat=True))
    funders = (
        list(
            Actor.objects.filter(
                type__in=["funder", "territory", "public_body"]
            ).values_list("pk", flat=True)
        )
        or actor_ids
    )

    def skewed(items: list[int]) -> int:
        # A few commons get most of the work: a power law over the list.
        return items[int(len(items) * rng.random() ** 3)]

    with transaction.atomic():
        users = _bulk(
            user_model,
            [
                user_model(username=f"bench-{seed}-{i}", password="!")
                for i in range(challenges * 2)
            ],
        )
        user_ids = [u.pk for u in users]
        domains = _bulk(
            Domain,
            [
                Domain(name=name, slug=f"bench-{seed}-{i}", summary=name)
                for i, name in enumerate(DOMAINS)
            ],
        )
        needs = _bulk(
            Need,
            [
                Need(
                    domain=domains[i % len(domains)],
                    title=f"Comment faire avancer le besoin {i} ?",
                    slug=f"bench-{seed}-need-{i}",
                )
                for i in range(max(challenges // 10, 1))
            ],
        )
        states = [s for s, w in STATES for _ in range(w)]
        rows = []
        for i in range(challenges):
            state = rng.choice(states)
            rows.append(
                Challenge(
                    need=needs[i % len(needs)],
                    title=f"Micro-défi {i}",
                    slug=f"bench-{seed}-challenge-{i}",
                    goal="Essayer en vrai.",
                    success_criteria="Mesuré sur le terrain.",
                    state=state,
                    closed_reason="Abandonné." if state == "closed" else "",
                    commons_id=skewed(commons_ids) if state == "delivered" else None,
                    lat=43 + rng.random() * 6,
                    lon=-1 + rng.random() * 8,
                )
            )
        challenge_rows = _bulk(Challenge, rows)
        seats, betas = [], []
        for challenge in challenge_rows:
            for k, user_id in enumerate(rng.sample(user_ids, 10)):
                seats.append(
                    Participation(
                        challenge=challenge,
                        user_id=user_id,
                        actor_id=rng.choice(actor_ids) if k < 3 else None,
                        role="producer" if k == 0 else "field_actor",
                        status="active",
                    )
                )
            if challenge.state in ("beta", "experimenting", "delivered"):
                betas.append(
                    BetaVersion(
                        challenge=challenge,
                        title="Bêta",
                        commons_id=challenge.commons_id or skewed(commons_ids),
                    )
                )
        _bulk(Participation, seats)
        _bulk(BetaVersion, betas)

        projects = _bulk(
            Project,
            [
                Project(
                    name=f"Projet {i}",
                    slug=f"bench-{seed}-project-{i}",
                    kind=rng.choice(["startup", "transition"]),
                    actor_id=rng.choice(actor_ids),
                )
                for i in range(challenges // 2)
            ],
        )
        uses, gives = [], []
        for project in projects:
            for commons_id in {skewed(commons_ids) for _ in range(3)}:
                uses.append(
                    Project.uses.through(project=project, commons_id=commons_id)
                )
            if rng.random() < 0.6:
                gives.append(
                    Project.contributes_to.through(
                        project=project, commons_id=skewed(commons_ids)
                    )
                )
        _bulk(Project.uses.through, uses)
        _bulk(Project.contributes_to.through, gives)

        entries = []
        for _i in range(contributions):
            roll = rng.random()
            entries.append(
                Contribution(
                    contributor_id=skewed(user_ids),
                    actor_id=rng.choice(actor_ids) if rng.random() < 0.3 else None,
                    kind=rng.choice(KINDS),
                    commons_id=skewed(commons_ids),
                    description="Contribution",
                    status="confirmed" if roll < 0.85 else (
                        "pending" if roll < 0.95 else "declined"),
                )
            )  # fmt: skip
        first = _bulk(Contribution, entries[:1])[0].pk
        _bulk(Contribution, entries[1:])
        # bulk_create stamps "now": date the entries over two years.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "UPDATE projects_contribution SET created = now() - "
                    "(random() * 730) * interval '1 day' WHERE id >= %s",
                    [first],
                )
            else:
                cursor.execute(
                    "UPDATE projects_contribution SET created = datetime('now', "
                    "'-' || abs(random() %% 730) || ' days') WHERE id >= %s",
                    [first],
                )
        today = date.today()
        _bulk(
            Funding,
            [
                Funding(
                    funder_id=rng.choice(funders),
                    commons_id=skewed(commons_ids),
                    kind=rng.choice(["pledge", "grant"]),
                    amount=Decimal(rng.randrange(1_000, 80_000, 500)),
                    purpose="Financement",
                    date=today - timedelta(days=rng.randrange(730)),
                )
                for _ in range(challenges)
            ],
        )


def rebuild() -> None:
    """Derive the graph's edges and the dashboards' counters from scratch."""
    from fabrique.projects import aggregates, graph_edges

    started = time.perf_counter()
    edges = graph_edges.rebuild()
    print(f"{edges} graph edges in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    counters = aggregates.rebuild()
    print(f"{counters} counters in {time.perf_counter() - started:.0f} s", flush=True)


def _catalogue_generator():
    """benchmarks/catalogue/generate.py, which makes the commons and actors."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("catalogue_generate", CATALOGUE)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {spec}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a DATABASE_URL")
    parser.add_argument("--commons", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--challenges", type=int, default=5_000)
    parser.add_argument("--contributions", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    os.environ.setdefault("FABRIQUE_DATA_DIR", tempfile.mkdtemp(prefix="ecosystem-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    catalogue = _catalogue_generator()
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    catalogue.generate(commons=args.commons, actors=args.actors, seed=args.seed)
    print(f"catalogue in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    generate(
        challenges=args.challenges, contributions=args.contributions, seed=args.seed
    )
    print(f"ecosystem in {time.perf_counter() - started:.0f} s", flush=True)
    rebuild()
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )


if __name__ == "__main__":
    sys.exit(main())
