"""Three real instances harvest each other on a schedule (SPEC §7).

Three ``fabrique serve`` processes on loopback, each with its own database
(SQLite files; PostgreSQL databases when ``DATABASE_URL`` names a server)
and its own ``fabrique worker`` running the periodic harvest:

- B harvests A, C harvests B (two hops), A harvests B and B harvests C
  (loops: A's commons come back to A and to B through others);
- after two cycles there are no duplicates anywhere, and C keeps A as the
  origin and A's contributor;
- an edit and a deletion at A reach B and C within a cycle (of each hop);
- a DCAT catalogue whose ``next`` link cycles is stopped and reported.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.production.topology import (
    Instance,
    free_port,
    fresh_database,
    production_env,
    wait_for,
)

pytestmark = pytest.mark.production

#: Seconds between two harvests of a source, and between two worker ticks.
PERIOD = 4
#: What one change may take to travel one hop (a harvest period, the worker's
#: tick, and slack for a loaded machine).
HOP = 45
NAMES = ("Alpha", "Beta", "Gamma")


@contextlib.contextmanager
def database(folder: Path) -> Iterator[str]:
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        with fresh_database() as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'fabrique.sqlite3'}"


@contextlib.contextmanager
def instance(folder: Path, name: str, position: str) -> Iterator[Instance]:
    folder.mkdir(parents=True, exist_ok=True)
    with database(folder) as url:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = production_env(folder, url, "database")
        env.update(
            SITE_URL=base,
            SITE_NAME=f"Fabrique {name}",
            FEDERATION_REGION=name,
            FEDERATION_POSITION=position,
            FEDERATION_HARVEST_TICK=str(PERIOD),
            FABRIQUE_TRANSPORT_FETCH_ALLOW_PRIVATE="1",
            WEB_CONCURRENCY="1",
        )
        running = Instance(url=base, env=env, folder=folder)
        running.fabrique("manage", "migrate", "-v0")
        try:
            running.start("serve", "serve", "--bind", f"127.0.0.1:{port}")
            running.start_worker()

            def home() -> bool:
                if running.processes["serve"].poll() is not None:
                    raise AssertionError(running.log("serve"))
                try:
                    return httpx.get(base + "/", timeout=5).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for(f"{name}'s home page", home, within=120)
            yield running
        finally:
            running.stop()


def harvests(on: Instance, source: Instance | str, kind: str = "fabrique") -> None:
    url = source if isinstance(source, str) else source.url
    on.fabrique(
        "manage", "harvest", "--add", url, "--kind", kind, "--name", url,
        "--every", str(PERIOD),
    )  # fmt: skip


def feed(on: Instance) -> list[dict]:
    items, after = [], 0
    while True:
        page = httpx.get(
            f"{on.url}/federation/changes", params={"after": after, "limit": 500}
        ).json()
        items += page["items"]
        if not page["more"]:
            return items
        after = page["cursor"]


def live(on: Instance, uri: str) -> list[dict]:
    return [i for i in feed(on) if i["uri"] == uri and i["action"] != "delete"]


@contextlib.contextmanager
def cycling_catalogue() -> Iterator[str]:
    """A DCAT catalogue on loopback whose page 2 links back to page 1."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/catalogue.ttl"

    def page(n: int, following: str) -> bytes:
        return (
            "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
            "@prefix dct: <http://purl.org/dc/terms/> .\n"
            "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
            f"<http://127.0.0.1:{port}/d/{n}> a dcat:Dataset ;\n"
            f'  dct:title "Jeu {n}" .\n'
            f"<{base}?page={n}> a hydra:PartialCollection ;\n"
            f"  hydra:next <{following}> .\n"
        ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page(2, base) if "page=2" in self.path else page(1, f"{base}?page=2")
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def test_three_instances_harvest_each_other(tmp_path: Path) -> None:
    with (
        instance(tmp_path / "a", "Alpha", "45.76,4.83") as a,
        instance(tmp_path / "b", "Beta", "46.81,-71.21") as b,
        instance(tmp_path / "c", "Gamma", "14.69,-17.44") as c,
        cycling_catalogue() as looping,
    ):
        token = a.token("marie")
        created = a.client(token).post(
            "/api/1/commons/",
            json={
                "title": "Vélos partagés",
                "summary": "Les vélos en libre-service de la ville.",
                "kind": "data",
                "licence": "ODbL-1.0",
            },
        )
        assert created.status_code == 201, created.text
        slug = created.json()["slug"]
        uri = f"{a.url}/communs/{slug}/"
        harvests(b, a)
        harvests(c, b)
        harvests(a, b)
        harvests(b, c)
        harvests(a, looping, "dcat")

        # Two hops: A -> B -> C, with A as the origin and marie as contributor.
        copy = wait_for("the commons on C", lambda: live(c, uri), within=3 * HOP)
        assert copy[0]["origin"] == a.url
        assert copy[0]["contributors"][0]["name"] == "marie"
        assert copy[0]["contributors"][0]["instance"] == a.url

        # Two more cycles: still one commons everywhere, nothing came back to A.
        time.sleep(2 * PERIOD + 5)
        for one in (a, b, c):
            assert len(live(one, uri)) == 1, one.url
            uris = [i["uri"] for i in feed(one) if i["action"] != "delete"]
            assert len(uris) == len(set(uris)), f"duplicates on {one.url}"
        # A's own commons never come back to A as someone else's.
        assert [
            i for i in feed(a) if i["uri"].startswith(a.url) and i["origin"] != a.url
        ] == []

        # An edit at the origin reaches B and C.
        edited = a.client(token).patch(
            f"/api/1/commons/{slug}/",
            json={
                "title": "Vélos partagés de la ville",
                "base_revision": created.json()["revision"],
            },
        )
        assert edited.status_code == 200, edited.text
        for one in (b, c):
            wait_for(
                f"the edit on {one.url}",
                lambda one=one: [
                    i
                    for i in live(one, uri)
                    if i["commons"]["title"] == "Vélos partagés de la ville"
                ],
                within=2 * HOP,
            )

        # A deletion at the origin disappears everywhere.
        gone = a.client(token).delete(f"/api/1/commons/{slug}/")
        assert gone.status_code == 204, gone.text
        for one in (b, c):
            wait_for(
                f"the deletion on {one.url}",
                lambda one=one: not live(one, uri),
                within=2 * HOP,
            )
        for one in (a, b, c):
            assert not live(one, uri)

        # The cycling catalogue is stopped, and the report says why.
        code = (
            "from fabrique.federation.models import HarvestRun;"
            "print([r.stopped for r in HarvestRun.objects.filter("
            "source__kind='dcat')][:1])"
        )
        report = wait_for(
            "the paging loop's report",
            lambda: (
                "repeats an address" in a.fabrique("manage", "shell", "-c", code)
                and a.fabrique("manage", "shell", "-c", code)
            ),
            within=HOP,
        )
        assert "page=1" not in report or "repeats" in report
