"""Fill a migrated instance for the load benchmark and list what to request.

    python benchmarks/load/seed.py --commons 3000 --writers 50 --out plan.json

Run in the instance's environment (``DATABASE_URL`` and the rest, as
``fabrique`` itself reads them). It loads the demo content (``load_demo``:
the catalogue, its community and the Belvallon GTFS dataset, checked at
once), adds ``--commons`` generated commons (``benchmarks/catalogue/
generate.py``, drawn from a real vocabulary) and rebuilds the search index,
then creates ``--writers`` users, each with an API token and a commons of
its own to edit. It writes the plan as JSON: the URL of each part of the
read mix, the writers (token, commons, revision) and the demo's two GTFS
files (written beside it) for the uploads.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "catalogue"))

#: Distinct search words drawn from the catalogue's own texts.
SEARCH_WORDS = 1500
#: Commons pages (and API details) in the mix.
COMMONS_PAGES = 1000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    import django

    django.setup()


def _content(commons: int, seed: int) -> None:
    from django.core.management import call_command

    from fabrique.catalog.demo import load_demo

    started = time.perf_counter()
    load_demo()
    print(f"  demo content in {time.perf_counter() - started:.0f} s", flush=True)
    if commons:
        import generate  # benchmarks/catalogue/

        started = time.perf_counter()
        generate.generate(commons=commons, actors=max(commons // 5, 10), seed=seed)
        call_command("rebuild_search_index", verbosity=0)
        print(
            f"  {commons} generated commons, index rebuilt in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )


def _writers(count: int, rng: random.Random) -> list[dict[str, object]]:
    """``count`` users, each with a token and a visible commons of its own."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from fabrique.accounts.models import ApiToken
    from fabrique.catalog.models import Commons

    user_model = get_user_model()
    ids = list(Commons.objects.filter(hidden=False).values_list("pk", flat=True))
    chosen = rng.sample(ids, count)
    writers = []
    for number, pk in enumerate(chosen, 1):
        user = user_model.objects.create_user(
            username=f"writer{number}",
            email=f"writer{number}@example.org",
            password=None,
            charter_accepted_at=timezone.now(),
        )
        commons = Commons.objects.get(pk=pk)
        writers.append(
            {
                "token": ApiToken.issue(user, "load benchmark")[1],
                "slug": commons.slug,
                "revision": commons.revision,
            }
        )
    return writers


def _stops() -> list[str]:
    from fabrique.transport.demo import feed_files

    rows = csv.DictReader(io.StringIO(feed_files(version=2)["stops.txt"]))
    return [row["stop_id"] for row in rows if row.get("location_type", "0") in "0"]


def _plan(rng: random.Random) -> dict[str, list[str]]:
    from django.urls import reverse

    from fabrique.catalog.models import Commons
    from fabrique.transport.demo import DEMO_TITLE
    from fabrique.transport.models import Dataset

    ids = list(Commons.objects.filter(hidden=False).values_list("pk", flat=True))
    sample = rng.sample(ids, min(COMMONS_PAGES, len(ids)))
    slugs = list(Commons.objects.filter(pk__in=sample).values_list("slug", flat=True))
    words: set[str] = set()
    for title, summary in Commons.objects.values_list("title", "summary"):
        words.update(re.findall(r"[^\W\d_]{4,}", f"{title} {summary}".lower()))
    drawn = rng.sample(sorted(words), min(SEARCH_WORDS, len(words)))
    quote = urllib.parse.quote
    list_url = reverse("catalog:commons_list")
    dataset = Dataset.objects.get(commons__title=DEMO_TITLE)
    board = reverse("transport:dataset", args=[dataset.commons.slug])
    stops = _stops()
    times = [f"{hour:02d}:{minute:02d}" for hour in range(5, 23) for minute in (0, 30)]
    return {
        "home": ["/"],
        "commons list": [f"{list_url}?page={page}" for page in range(1, 6)],
        "commons page": [reverse("catalog:commons", args=[slug]) for slug in slugs],
        "search": [f"{list_url}?q={quote(word)}" for word in drawn[::2]]
        + [f"{reverse('community:search')}?q={quote(word)}" for word in drawn[1::2]],
        "api list": [f"/api/1/commons/?page={page}" for page in range(1, 6)]
        + [f"/api/1/commons/?q={quote(word)}" for word in drawn[:300]],
        "api detail": [f"/api/1/commons/{slug}/" for slug in slugs],
        "departures": [f"{board}?stop={quote(stop)}#departures" for stop in stops]
        + [
            f"/api/1/transport/datasets/{dataset.commons.slug}/departures/"
            f"?stop_id={quote(stop)}&after={rng.choice(times)}"
            for stop in stops
            for _ in range(5)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commons", type=int, default=3000)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", required=True, help="the plan, as JSON")
    args = parser.parse_args()
    _setup()
    rng = random.Random(args.seed)
    _content(args.commons, args.seed)
    from fabrique.transport.demo import feed_zip

    feeds = []
    for number in (1, 2):
        feed = Path(args.out).with_name(f"feed-{number}.zip")
        feed.write_bytes(feed_zip(version=number))
        feeds.append(str(feed))
    plan = {
        "paths": _plan(rng),
        "writers": _writers(args.writers, rng),
        "feeds": feeds,
    }
    Path(args.out).write_text(json.dumps(plan, indent=1) + "\n")


if __name__ == "__main__":
    main()
