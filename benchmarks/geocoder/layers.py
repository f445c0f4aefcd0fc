"""What each layer of Django's stack costs a geocoder request, in process.

Usage (after run.py, which builds the index; see benchmarks/README.md):

    .venv/bin/python benchmarks/geocoder/layers.py [--work DIR] [--repeat 2000]

Calls WSGI applications directly (no socket, no server) with the same
requests: the lean path (``fabrique.places.lean``), then Django's handler
with no middleware, then with the portal's middleware added one at a time
(outermost first), so the difference between two rows is what that
middleware costs. Prints the microseconds per request (best of 20 batches)
for an empty
query (``/search/?q=``), a full address, and an API search.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

REQUESTS = {
    "empty query": ("/search/", "q="),
    "full address": ("/search/", "q=12+rue+de+rivoli+75004+paris&limit=5"),
    "API search": ("/api/1/geocoder/search/", "q=12+rue+de+rivoli+75004+paris"),
}


def environ_for(path: str, query: str) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": "GET",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
    }
    setup_testing_defaults(environ)
    return environ


def per_request(app: Any, path: str, query: str, repeat: int) -> float:
    """Microseconds a call, the best of 20 batches of ``repeat / 20`` calls
    (the machine is shared: the least disturbed batch is the cost)."""
    status: list[str] = []

    def start_response(code: str, headers: Any) -> None:
        status.append(code)

    batch = max(1, repeat // 20)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        for _ in range(batch):
            body = app(environ_for(path, query), start_response)
            b"".join(body)
            if hasattr(body, "close"):
                body.close()
        timings.append((time.perf_counter() - started) / batch * 1e6)
    assert status[-1].split()[0] in ("200", "400"), status[-1]
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("var/bench-geocoder"))
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    os.environ["FABRIQUE_GEOCODER_INDEX"] = str(args.work.resolve() / "index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    import django
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    django.setup()
    # Django logs each 400 ("Bad Request: …"); the lean path does not.
    logging.disable(logging.WARNING)
    from fabrique.places.lean import GeocoderRoutes, not_found, warm

    warm()
    rows: list[tuple[str, Any]] = [("lean path", GeocoderRoutes(not_found))]
    middleware = list(settings.MIDDLEWARE)
    for count in range(len(middleware) + 1):
        with override_settings(MIDDLEWARE=middleware[:count]):
            handler = WSGIHandler()
        label = "Django, no middleware" if count == 0 else f"+ {middleware[count - 1]}"
        rows.append((label, handler))
    names = list(REQUESTS)
    print(f"µs per request, best of 20 batches, {args.repeat} requests each.\n")
    print("| layer | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for label, app in rows:
        cells = [per_request(app, *REQUESTS[name], args.repeat) for name in names]
        print(f"| {label} | " + " | ".join(f"{c:,.0f}" for c in cells) + " |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
