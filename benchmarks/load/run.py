"""Load and fault benchmark: the portal as production runs it, under wrk.

    python benchmarks/load/run.py --database postgres://…/base \
        [--ports 18400-18449] [--commons 3000] [--seconds 60] [--connections 100]
        [--writers 50] [--write-seconds 30] [--faults worker,gunicorn,redis,disk]
        [--parts reads,writes] [--lock-waits] [--compare LABEL=PATH --rounds N]
        [--json out.json]

``fabrique serve`` (gunicorn, its default processes and threads unless
``--web-workers`` / ``--web-threads`` say otherwise) and ``fabrique worker`` (RQ) run
as processes with ``FABRIQUE_ENV=production``, started as the production
tests start them (``tests/production/topology.py``), on a fresh PostgreSQL
database created on the server of ``--database`` (dropped at the end), a
Redis server of the benchmark's own (``redis-server`` on a port of
``--ports``, append-only file in the temporary folder, so a restart keeps
the queue as a production Redis does) and a temporary data folder. The
uploads (``MEDIA_ROOT`` and the GTFS store) live on a small tmpfs when the
disk fault runs (root only).

Scenarios, one after the other on the same instance (``seed.py`` fills it):

1. reads: ``--connections`` connections for ``--seconds`` s over a mix of
   the home page, the commons list, commons pages, searches (distinct words
   of the catalogue), the API's list and detail and a departures board
   (HTML and API), in fixed proportions (``MIX``);
2. writes: ``--writers`` API writers for ``--write-seconds`` s, each its own
   user with its own token, PATCHing a commons of its own (``writers.lua``);
3. faults, each its own run of scenario 1, injected at ``--fault-at`` s:
   ``worker`` (``kill -9`` of the RQ worker and its children just after
   GTFS versions are uploaded; the worker is started again 5 s later, as a
   supervisor would; every version must end ready or failed with a reason),
   ``gunicorn`` (``kill -9`` of one gunicorn worker) and ``gunicorn-term``
   (the same with SIGTERM, gunicorn's graceful stop of a worker), ``redis``
   (the benchmark's Redis stopped for ``--redis-down`` s, then started
   again), ``disk`` (the uploads' tmpfs filled up: GTFS uploads must answer
   503, reads go on; the filler is removed at twice ``--fault-at``).

``--parts`` picks the scenarios 1 and 2 (both by default). ``--lock-waits``
samples what the database's busy sessions wait for during the writes.
``--compare LABEL=PATH --rounds N`` runs the writes N times on the code of
PATH (another checkout's ``src``) and N times on this one, alternating, with
``fabrique serve`` started again on each.

wrk's socket errors (connect, read, write, timeout) and answers that are not
2xx/3xx are reported apart; a prober beside wrk requests the home page and
the API every 0.25 s, so that the recovery time (from the fault to the last
failure any client saw) is known to a quarter second. ``--seconds 2
--connections 4 --writers 2 --faults gunicorn`` is the tiny run of
``benchmarks/smoke.sh``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.topology import (  # noqa: E402
    Failed,
    Instance,
    free_port,
    port_range,
    running,
    wait_for,
)

#: Share of each part of the read mix (they add up to 100).
MIX = {
    "home": 10,
    "commons list": 10,
    "commons page": 20,
    "search": 20,
    "api list": 10,
    "api detail": 15,
    "departures": 15,
}
FAULTS = ["worker", "gunicorn", "gunicorn-term", "redis", "disk"]
#: The lease and recovery interval of GTFS checks during the benchmark (the
#: defaults, 300 s and 60 s, would make the worker-kill run last minutes).
RECOVERY = {"FABRIQUE_TRANSPORT_TASK_LEASE": "30", "FABRIQUE_RECOVER_EVERY": "5"}
#: Seconds the jobs of the worker-kill run may take to end after the kill.
JOBS_BOUND = 240


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------- Redis


class OwnRedis:
    """A ``redis-server`` of the benchmark's own, which it may stop."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port = port
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "yes", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        from redis import Redis

        def answers() -> bool:
            try:
                return bool(Redis.from_url(self.url).ping())
            except Exception:
                return False

        wait_for("redis-server", answers, within=20, every=0.1)

    def stop(self) -> None:
        """Stop it as an operator would (SIGTERM: the append-only file is kept)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# --------------------------------------------------------------------- tmpfs


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path | None]:
    """A tmpfs of ``size`` at ``folder`` (None when it cannot be mounted)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        print(f"no tmpfs ({done.stderr.strip()}): the disk fault is skipped")
        yield None
        return
    try:
        yield folder
    finally:
        for _ in range(10):
            if not subprocess.run(["umount", str(folder)], check=False).returncode:
                break
            time.sleep(1)


def fill(folder: Path) -> int:
    """Write a file until the filesystem is full; return the bytes written."""
    written = 0
    block = b"\0" * (1 << 20)
    with (folder / "filler").open("wb", buffering=0) as out:
        while True:
            try:
                written += out.write(block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    # What is left of a block: small writes fill the last pages too.
    with (
        (folder / "filler-tail").open("wb", buffering=0) as out,
        contextlib.suppress(OSError),
    ):
        while True:
            written += out.write(b"\0" * 4096)
    return written


# --------------------------------------------------------------------- wrk


def wrk(
    url: str,
    script: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    args: list[str] = (),  # type: ignore[assignment]
    env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
        "--timeout", "10s", "-s", str(HERE / script), url, "--", *args,
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )


def wrk_result(process: subprocess.Popen[str]) -> dict[str, Any]:
    output, _ = process.communicate()
    for line in output.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            seconds = result["duration_us"] / 1e6
            result["rps"] = result["requests"] / seconds if seconds else 0.0
            for name in ("p50", "p95", "p99", "max"):
                result[f"{name}_ms"] = result.pop(f"{name}_us") / 1000
            result["socket_errors"] = sum(
                result[k]
                for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
            )
            result["not_2xx_3xx"] = sum(
                n for status, n in result["statuses"].items() if int(status) >= 400
            )
            return result
    raise Failed(f"wrk printed no result:\n{output[-3000:]}")


# --------------------------------------------------------------------- prober


@dataclass
class Prober:
    """Requests the home page and the API every 0.25 s, beside wrk."""

    base: str
    paths: tuple[str, ...] = ("/", "/api/1/commons/?page=1")
    failures: list[tuple[float, str]] = field(default_factory=list)
    requests: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            turn = 0
            while not self._stop.is_set():
                path = self.paths[turn % len(self.paths)]
                turn += 1
                self.requests += 1
                try:
                    status = client.get(path).status_code
                    if status >= 400:
                        self.failures.append((time.monotonic(), f"{path} {status}"))
                except httpx.HTTPError as exc:
                    self.failures.append(
                        (time.monotonic(), f"{path} {type(exc).__name__}")
                    )
                self._stop.wait(0.25)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------- waits


@dataclass
class LockWaits:
    """Samples, every ``every`` s, what the run database's busy sessions wait
    for (``pg_stat_activity``): how often a session was running a statement,
    how often it was waiting for a lock, and for those, the statement that
    waits and the one the blocking session ran last."""

    url: str
    every: float = 0.1
    samples: int = 0
    active: int = 0
    waits: Counter[str] = field(default_factory=Counter)
    statements: Counter[str] = field(default_factory=Counter)
    blockers: Counter[str] = field(default_factory=Counter)
    _stop: threading.Event = field(default_factory=threading.Event)

    SQL = """
        SELECT a.wait_event_type, a.wait_event, a.query,
               (SELECT b.query FROM pg_stat_activity b
                WHERE b.pid = (pg_blocking_pids(a.pid))[1])
        FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
          AND a.state = 'active'
    """

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _short(query: str | None) -> str:
        return " ".join((query or "").split())[:110]

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self._stop.is_set():
                rows = connection.execute(self.SQL).fetchall()
                self.samples += 1
                for kind, event, query, blocker in rows:
                    self.active += 1
                    self.waits[f"{kind or 'CPU'}:{event or '-'}"] += 1
                    if kind == "Lock":
                        self.statements[self._short(query)] += 1
                        self.blockers[self._short(blocker)] += 1
                self._stop.wait(self.every)

    def report(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "active_sessions": self.active,
            "lock_waits": sum(self.statements.values()),
            "by_event": dict(self.waits.most_common(8)),
            "waiting_statements": dict(self.statements.most_common(6)),
            "blockers_last_statement": dict(self.blockers.most_common(6)),
        }

    def __enter__(self) -> LockWaits:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------- plan


def seed(instance: Instance, args: argparse.Namespace, out: Path) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / "seed.py"), "--commons", str(args.commons),
         "--writers", str(args.writers), "--out", str(out)],
        env=instance.env, check=False,
    )  # fmt: skip
    if done.returncode:
        raise Failed("seed.py failed")
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)


def mix_file(plan: dict[str, Any], folder: Path, rng: random.Random) -> Path:
    """20,000 paths drawn from the plan in the proportions of ``MIX``."""
    paths = plan["paths"]
    names = list(MIX)
    lines = []
    cursors = dict.fromkeys(names, 0)
    for name in rng.choices(names, weights=[MIX[n] for n in names], k=20_000):
        lines.append(paths[name][cursors[name] % len(paths[name])])
        cursors[name] += 1
    for name in names:
        rng.shuffle(paths[name])
    path = folder / "mix.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def check_paths(base: str, plan: dict[str, Any]) -> None:
    """Every part of the mix answers 200 before it is measured."""
    with httpx.Client(base_url=base, timeout=30) as client:
        for name, paths in plan["paths"].items():
            for path in paths[:5]:
                status = client.get(path).status_code
                if status != 200:
                    raise Failed(f"{name}: {path} answers {status}; fix it first")


# --------------------------------------------------------------------- faults


def gunicorn_workers(instance: Instance) -> list[int]:
    """The gunicorn master's children (``fabrique serve`` execs gunicorn)."""
    master = instance.processes["serve"].pid
    found = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in found.stdout.split()]


def feed_zip(version: int) -> bytes:
    """The demo feed (written by ``seed.py``, which has the settings)."""
    return FEEDS[version]


FEEDS: dict[int, bytes] = {}


def upload_versions(instance: Instance, token: str, count: int, tag: str) -> list[int]:
    """``count`` GTFS versions through the API (one resource each)."""
    api = instance.client(token)
    dataset = api.post(
        "/api/1/transport/datasets/",
        json={"title": f"Réseau {tag}", "summary": "Checked while the load runs."},
    )
    if dataset.status_code != 201:
        raise Failed(f"dataset: {dataset.status_code} {dataset.text}")
    ids = []
    for number in range(count):
        resource = api.post(
            f"/api/1/transport/datasets/{dataset.json()['slug']}/resources/",
            json={"title": f"Horaires {number}", "format": "gtfs"},
        )
        upload = api.post(
            f"/api/1/transport/resources/{resource.json()['id']}/versions/",
            files={
                "file": (
                    "feed.zip",
                    feed_zip(version=1 + number % 2),
                    "application/zip",
                )
            },
        )
        if upload.status_code != 201:
            raise Failed(f"upload: {upload.status_code} {upload.text}")
        ids.append(int(upload.json()["id"]))
    return ids


def version_states(instance: Instance, token: str, ids: list[int]) -> list[dict]:
    api = instance.client(token)
    found = []
    for pk in ids:
        body = api.get(f"/api/1/transport/versions/{pk}/").json()
        found.append(
            {"id": pk, "status": body["status"], "error": body.get("error", "")}
        )
    return found


def inject(
    kind: str,
    instance: Instance,
    redis: OwnRedis,
    disk: Path | None,
    token: str,
    args: argparse.Namespace,
    at: float,
) -> dict[str, Any]:
    """Run the fault ``kind`` at ``at`` (a monotonic time); return its facts."""
    facts: dict[str, Any] = {}
    if kind == "worker":
        time.sleep(max(at - 2 - time.monotonic(), 0))
        ids = upload_versions(instance, token, 4, f"worker kill {int(at)}")
        time.sleep(max(at - time.monotonic(), 0))
        facts["at_kill"] = [v["status"] for v in version_states(instance, token, ids)]
        killed = time.monotonic()
        instance.kill("worker")  # SIGKILL to its group: the job's children too
        time.sleep(5)
        instance.start_worker()

        def ended() -> list[dict] | None:
            states = version_states(instance, token, ids)
            return (
                states
                if all(v["status"] in ("ready", "failed") for v in states)
                else None
            )

        states = wait_for(
            "every version after the kill", ended, within=JOBS_BOUND, every=1
        )
        facts["jobs_ended_s"] = round(time.monotonic() - killed, 1)
        facts["after"] = [
            v["status"] + (f" ({v['error']})" if v["error"] else "") for v in states
        ]
    elif kind in ("gunicorn", "gunicorn-term"):
        time.sleep(max(at - time.monotonic(), 0))
        before = gunicorn_workers(instance)
        sig = signal.SIGKILL if kind == "gunicorn" else signal.SIGTERM
        killed = time.monotonic()
        os.kill(before[0], sig)
        wait_for(
            "gunicorn's new worker",
            lambda: len(set(gunicorn_workers(instance)) - {before[0]}) >= len(before),
            within=60,
            every=0.1,
        )
        facts["worker_back_s"] = round(time.monotonic() - killed, 1)
    elif kind == "redis":
        time.sleep(max(at - time.monotonic(), 0))
        redis.stop()
        time.sleep(args.redis_down)
        redis.start()
        started = time.monotonic()
        # Background work resumes: a GTFS version uploaded now gets checked.
        ids = upload_versions(instance, token, 1, f"redis {int(at)}")

        def ended() -> list[dict] | None:
            states = version_states(instance, token, ids)
            return states if states[0]["status"] in ("ready", "failed") else None

        try:
            states = wait_for(
                "a version after Redis came back", ended, within=120, every=0.5
            )
            facts["version_after_restart"] = states[0]["status"]
            facts["version_checked_s"] = round(time.monotonic() - started, 1)
        except Failed:
            facts["version_after_restart"] = "not checked within 120 s"
        # ``fabrique worker`` (rqworker) may have exited during the outage.
        facts["worker_alive"] = instance.processes["worker"].poll() is None
    elif kind == "disk" and disk is not None:
        time.sleep(max(at - time.monotonic(), 0))
        facts["filled_bytes"] = fill(disk)
        answers = []
        api = instance.client(token)
        dataset = api.post(
            "/api/1/transport/datasets/",
            json={"title": f"Réseau disque {int(at)}", "summary": "Full disk."},
        )
        facts["dataset_create"] = dataset.status_code  # PostgreSQL: not on this disk
        resource = api.post(
            f"/api/1/transport/datasets/{dataset.json()['slug']}/resources/",
            json={"title": "Horaires", "format": "gtfs"},
        )

        def upload() -> httpx.Response:
            return api.post(
                f"/api/1/transport/resources/{resource.json()['id']}/versions/",
                files={"file": ("feed.zip", feed_zip(version=1), "application/zip")},
            )

        full = upload()
        answers.append(full.status_code)
        facts["upload_when_full"] = full.status_code
        facts["upload_when_full_body"] = full.text[:160]
        time.sleep(max(at + args.fault_at - time.monotonic(), 0))
        for name in ("filler", "filler-tail"):
            (disk / name).unlink()
        freed = time.monotonic()
        again = wait_for(
            "an upload once the disk has room",
            lambda: upload().status_code == 201 or None,
            within=30,
            every=0.5,
        )
        facts["upload_after_s"] = round(time.monotonic() - freed, 1) if again else None
    return facts


def fault_run(
    kind: str,
    instance: Instance,
    redis: OwnRedis,
    disk: Path | None,
    token: str,
    mix: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    load_before = _load()
    with Prober(instance.url) as prober:
        started = time.monotonic()
        process = wrk(
            instance.url, "mix.lua", seconds=args.seconds,
            connections=args.connections, threads=args.threads, args=[str(mix)],
        )  # fmt: skip
        at = started + min(args.fault_at, args.seconds / 3)
        wall_at = time.time() + (at - time.monotonic())
        try:
            facts = inject(kind, instance, redis, disk, token, args, at)
        except Failed as exc:  # reported with the run's figures, not fatal
            facts = {"failed": str(exc).splitlines()[0]}
        finally:
            result = wrk_result(process)
        time.sleep(0.5)
    failures = [t for t, _ in prober.failures if t >= at - 0.5]
    bad_seconds = {int(s): n for s, n in result.pop("bad_seconds").items()}
    last_bad = max([s for s in bad_seconds if s >= int(wall_at)], default=None)
    recovery = max(
        [t - at for t in failures] + ([last_bad + 1 - wall_at] if last_bad else []),
        default=0.0,
    )
    result.update(
        fault=kind,
        fault_at_s=round(at - started, 1),
        facts=facts,
        prober_requests=prober.requests,
        prober_failures=[f"{t - at:+.2f} s {what}" for t, what in prober.failures],
        bad_answers_by_second={
            f"{s - int(wall_at):+d}": n for s, n in sorted(bad_seconds.items())
        },
        recovery_s=round(max(recovery, 0.0), 2),
        load_before=load_before,
        load_after=_load(),
    )
    return result


# --------------------------------------------------------------------- main


def run(args: argparse.Namespace) -> dict[str, Any]:
    ports = port_range(args.ports)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="fabrique-load-"))
    redis = OwnRedis(free_port(ports), work / "redis")
    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "connections": args.connections,
        "seconds": args.seconds,
        "writers": args.writers,
        "write_seconds": args.write_seconds,
        "parts": args.parts,
        "compare": args.compare,
        "rounds": args.rounds,
        "commons": args.commons,
        "recovery_settings": RECOVERY,
        "web_workers": args.web_workers or "default",
        "web_threads": args.web_threads or "default",
    }
    redis.start()
    want_disk = "disk" in args.faults
    try:
        with (
            small_disk(work / "uploads", args.disk_size)
            if want_disk
            else contextlib.nullcontext()
        ) as disk:
            settings = dict(RECOVERY)
            # ``fabrique serve``'s processes and threads (its defaults unless given).
            if args.web_workers:
                settings["WEB_CONCURRENCY"] = str(args.web_workers)
            if args.web_threads:
                settings["WEB_THREADS"] = str(args.web_threads)
            if disk is not None:
                settings.update(
                    MEDIA_ROOT=str(disk / "media"),
                    FABRIQUE_TRANSPORT_STORE=str(disk / "transport"),
                )
            plan_path = work / "plan.json"
            with running(
                work, "rq", database=args.database, redis=redis.url, ports=ports,
                prepare=lambda instance: seed(instance, args, plan_path), **settings,
            ) as instance:  # fmt: skip
                try:
                    report.update(
                        _scenarios(instance, redis, disk, plan_path, args, rng, work)
                    )
                except BaseException:
                    print("--- serve log ---\n" + instance.log("serve"))
                    print("--- worker log ---\n" + instance.log("worker"))
                    raise
    finally:
        redis.stop()
        shutil.rmtree(work, ignore_errors=True)
    return report


def _scenarios(
    instance: Instance,
    redis: OwnRedis,
    disk: Path | None,
    plan_path: Path,
    args: argparse.Namespace,
    rng: random.Random,
    work: Path,
) -> dict[str, Any]:
    plan = json.loads(plan_path.read_text())
    for number, path in enumerate(plan["feeds"], 1):
        FEEDS[number] = Path(path).read_bytes()
    check_paths(instance.url, plan)
    mix = mix_file(plan, work, rng)
    token = instance.token("loadadmin")
    out: dict[str, Any] = {"gunicorn_workers": len(gunicorn_workers(instance))}

    if "reads" in args.parts:
        load_before = _load()
        print(f"1. reads: {args.connections} connections, {args.seconds} s", flush=True)
        reads = wrk_result(
            wrk(instance.url, "mix.lua", seconds=args.seconds,
                connections=args.connections, threads=args.threads, args=[str(mix)])
        )  # fmt: skip
        reads.pop("bad_seconds")
        out["reads"] = {**reads, "load_before": load_before, "load_after": _load()}
        _line("reads", out["reads"])

    if "writes" in args.parts:
        out.update(_writes(instance, plan, args, work))

    out["faults"] = {}
    for kind in args.faults:
        if kind == "disk" and disk is None:
            continue
        print(f"3. fault {kind}, at {args.fault_at} s of {args.seconds} s", flush=True)
        result = fault_run(kind, instance, redis, disk, token, mix, args)
        out["faults"][kind] = result
        _line(kind, result)
        print(f"   recovery {result['recovery_s']} s; {json.dumps(result['facts'])}")
        if result["prober_failures"]:
            print(f"   prober: {result['prober_failures'][:10]}")
    return out


def _writes(
    instance: Instance, plan: dict[str, Any], args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    """The writers' run; with ``--compare``, ``--rounds`` runs of the other
    code and of this one, alternating (the other first), ``fabrique serve``
    started again on each code (same database, same writers)."""
    codes = [("this", str(ROOT / "src"))]
    if args.compare:
        label, _, source = args.compare.partition("=")
        codes.insert(0, (label, str(Path(source).resolve())))
    turns = [codes[i % len(codes)] for i in range(args.rounds * len(codes))]
    runs = []
    for number, (label, source) in enumerate(turns, 1):
        if args.compare:
            restart_serve(instance, PYTHONPATH=source)
        writers = work / "writers.tsv"
        writers.write_text(
            "".join(
                f"{w['token']}\t{w['slug']}\t{_revision(instance, w)}\n"
                for w in plan["writers"]
            )
        )
        load_before = _load()
        print(
            f"2. writes ({number}/{len(turns)}, {label}): {args.writers} writers, "
            f"{args.write_seconds} s",
            flush=True,
        )
        started = datetime.now(UTC).strftime("%H:%M:%S UTC")
        with (
            LockWaits(instance.env["DATABASE_URL"])
            if args.lock_waits
            else contextlib.nullcontext()
        ) as waits:
            writes = wrk_result(
                wrk(instance.url, "writers.lua", seconds=args.write_seconds,
                    connections=args.writers, threads=args.writers,
                    env={"WRITERS_FILE": str(writers)})
            )  # fmt: skip
        result = {
            **writes,
            "code": label,
            "started": started,
            "load_before": load_before,
            "load_after": _load(),
        }
        _line(f"writes, {label}", result)
        if waits is not None:
            result["lock_waits"] = waits.report()
            print(f"   waits: {json.dumps(waits.report(), ensure_ascii=False)}")
        runs.append(result)
    if not args.compare and len(runs) == 1:
        return {"writes": runs[0]}
    return {"writes": runs}


def _revision(instance: Instance, writer: dict[str, Any]) -> int:
    """The writer's commons' current revision (runs before moved it on)."""
    answer = instance.client(writer["token"]).get(f"/api/1/commons/{writer['slug']}/")
    answer.raise_for_status()
    return int(answer.json()["revision"])


def restart_serve(instance: Instance, **env: str) -> None:
    """Stop ``fabrique serve`` gracefully and start it again with ``env``."""
    port = instance.url.rsplit(":", 1)[1]
    for client in instance.clients.values():
        client.close()
    instance.clients.clear()
    instance.kill("serve", signal.SIGTERM)
    instance.start("serve", "serve", "--bind", f"127.0.0.1:{port}", **env)

    def home() -> bool:
        if instance.processes["serve"].poll() is not None:
            raise Failed(f"fabrique serve exited:\n{instance.log('serve')}")
        try:
            return httpx.get(instance.url + "/", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for("the home page", home, within=90)


def _line(name: str, r: dict[str, Any]) -> None:
    print(
        f"   {name}: {r['rps']:.1f} req/s, p50 {r['p50_ms']:.0f} ms, p95 "
        f"{r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms; socket errors "
        f"{r['socket_errors']} (connect {r['connect_errors']}, read "
        f"{r['read_errors']}, write {r['write_errors']}, timeout {r['timeouts']}); "
        f"not 2xx/3xx {r['not_2xx_3xx']}; statuses {r['statuses']}; load "
        f"{r['load_before']} → {r['load_after']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL server's URL (default DATABASE_URL); a database "
        "is created on it for the run and dropped after",
    )
    parser.add_argument("--ports", default="18400-18449", help="first-last")
    parser.add_argument("--commons", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--write-seconds", type=int, default=30)
    parser.add_argument(
        "--faults",
        default=",".join(FAULTS),
        type=lambda text: [f for f in text.split(",") if f],
        help=f"comma-separated, from {','.join(FAULTS)}; '' for none",
    )
    parser.add_argument(
        "--web-workers", type=int, help="fabrique serve --workers (its default)"
    )
    parser.add_argument(
        "--web-threads", type=int, help="fabrique serve --threads (its default)"
    )
    parser.add_argument(
        "--parts",
        default="reads,writes",
        type=lambda text: [p for p in text.split(",") if p],
        help="comma-separated, from reads,writes (the faults: --faults)",
    )
    parser.add_argument(
        "--lock-waits",
        action="store_true",
        help="sample what PostgreSQL sessions wait for during the writes",
    )
    parser.add_argument(
        "--compare",
        help="LABEL=PATH: also run the writes on the code of PATH (another "
        "checkout's src folder), alternating with this one",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of the writes for each code"
    )
    parser.add_argument("--fault-at", type=float, default=20)
    parser.add_argument("--redis-down", type=float, default=10)
    parser.add_argument("--disk-size", default="16m")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", help="write the report to this file")
    args = parser.parse_args()
    if set(args.parts) - {"reads", "writes"}:
        parser.error("--parts: reads, writes or both")
    unknown = set(args.faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    report = run(args)
    print(json.dumps(report, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
