"""Over HTTP, side by side in one run: Fabrique's servers and Addok's.

Usage (after run.py, which builds both indexes; see benchmarks/README.md):

    ADDOK_PYTHON=/path/to/addok/venv/bin/python \\
        .venv/bin/python benchmarks/geocoder/http_load.py [--work DIR] \\
        [--ports 8190-8199] [--redis-port 6379] [--redis-db 13] [--seconds 5]

Started together, each with 2 gunicorn workers on loopback:

- ``portal``: the whole portal (``fabrique.wsgi``, preloaded), whose lean
  path answers the geocoder's routes in front of Django;
- ``geocoder``: ``fabrique geocoder-serve`` (the geocoder alone, preloaded);
- ``django``: the portal's Django stack without the lean path, to show what
  the middleware, resolver and request objects cost (``--no-django`` skips);
- ``addok``: Addok 1.3.2's gunicorn application on its Redis.

For each query category of the quality set (``queries.jsonl``), ``wrk``
(2 threads, 8 connections) cycles through that category's queries on each
server in turn (the order alternates by category), after a warm-up; then an
empty query (``/search/?q=``) and an invalid one (``limit=ten``) from one
connection, whose p50 is the time to answer them. Memory is read after the
load: resident (RSS) and proportional (PSS, shared pages split among the
processes that map them) memory summed over each server's process tree —
gunicorn's master and workers, plus Addok's ``redis-server`` (give
``--redis-pid`` when Redis serves others too: its whole memory is counted).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
SERVERS = ("portal", "geocoder", "django", "addok", "portal-gthread")


def paths_by_category(work: Path, count: int) -> dict[str, list[str]]:
    with open(work / "queries.jsonl", encoding="utf-8") as handle:
        queries = [json.loads(line) for line in handle]
    found: dict[str, list[str]] = {}
    for query in queries:
        category = query["category"]
        if category == "reverse":
            params = {"lat": query["lat"], "lon": query["lon"]}
            path = f"/reverse/?{urlencode(params)}"
        else:
            auto = 1 if category == "autocomplete" else 0
            params = {"q": query["q"], "limit": 5, "autocomplete": auto}
            path = f"/search/?{urlencode(params)}"
        found.setdefault(category, [])
        if len(found[category]) < count:
            found[category].append(path)
    found["empty query"] = ["/search/?q="]
    found["invalid limit"] = ["/search/?q=rue&limit=ten"]
    return found


def lua_script(work: Path, name: str, paths: list[str]) -> Path:
    script = work / f"wrk-{re.sub(r'[^a-z]+', '-', name)}.lua"
    body = ",\n".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{\n{body}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def wait_until_up(url: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def ms(match: re.Match[str] | None) -> float:
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(port: int, script: Path, seconds: int, connections: int) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    threads = min(2, connections)
    subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", "-d2s", "-s", str(script), base],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(script), base],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": ms(re.search(r"50%\s+([\d.]+)(us|ms|s)", out)),
        "p99_ms": ms(re.search(r"99%\s+([\d.]+)(us|ms|s)", out)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found.extend(tree(int(child)))
    return found


def memory(pids: list[int]) -> dict[str, float]:
    """RSS and PSS (MB) summed over ``pids`` (smaps_rollup)."""
    total = {"rss_mb": 0.0, "pss_mb": 0.0}
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _sep, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                total[f"{name.lower()}_mb"] += int(rest.split()[0]) / 1024
    total["processes"] = len(pids)
    return total


def redis_pid(port: int) -> int:
    info = subprocess.run(
        ["redis-cli", "-p", str(port), "info", "server"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return int(re.search(r"process_id:(\d+)", info).group(1))  # type: ignore[union-attr]


def gunicorn(app: str, port: int, *extra: str) -> list[str]:
    return [
        "-m", "gunicorn", app, "--workers", "2", "--bind", f"127.0.0.1:{port}",
        "--access-logfile", "/dev/null", *extra,
    ]  # fmt: skip


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[Any]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/search/?q=rue")
    except BaseException:
        process.terminate()
        process.wait()
        raise
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("var/bench-geocoder"))
    parser.add_argument("--addok-python", default=os.environ.get("ADDOK_PYTHON"))
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument(
        "--redis-db-documents",
        type=int,
        help="Addok's documents database (default: the same as --redis-db)",
    )
    parser.add_argument("--redis-pid", type=int, help="count this Redis process")
    parser.add_argument("--ports", default="", help="FIRST-LAST, else any free")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--queries", type=int, default=200, help="per category")
    parser.add_argument("--no-django", action="store_true")
    parser.add_argument(
        "--plans",
        type=int,
        default=0,
        help="search plans Fabrique's servers keep (0: every request computed "
        "as new; a server keeps 1024)",
    )
    parser.add_argument(
        "--servers",
        default="portal,geocoder,django,addok",
        help="which of portal,geocoder,django,addok,portal-gthread to start "
        "(portal-gthread: the portal on gunicorn's threaded worker, 4 threads)",
    )
    args = parser.parse_args()
    work = args.work.resolve()
    scripts = {
        name: lua_script(work, name, paths)
        for name, paths in paths_by_category(work, args.queries).items()
    }
    if args.ports:
        first, last = (int(p) for p in args.ports.split("-"))
        ports = list(range(first, last + 1))
    else:
        ports = [0] * len(SERVERS)
    fabrique_env = {
        **os.environ,
        "FABRIQUE_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "FABRIQUE_DATA_DIR": str(work / "data"),
        "FABRIQUE_GEOCODER_INDEX": str(work / "index"),
        # wrk asks the same few hundred queries again and again: with plans
        # kept (plans.py), most answers would be half looked up. By default
        # every request is computed as new, as a stream of distinct queries is.
        "FABRIQUE_GEOCODER_PLANS": str(args.plans),
    }
    python = sys.executable
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "portal": (
            [python, *gunicorn("fabrique.wsgi:application", ports[0], "--preload")],
            fabrique_env,
        ),
        "portal-gthread": (
            [
                python,
                *gunicorn(
                    "fabrique.wsgi:application",
                    ports[4],
                    "--preload",
                    "--threads",
                    "4",
                    "--worker-class",
                    "gthread",
                ),
            ],
            fabrique_env,
        ),
        "geocoder": (
            [
                python,
                "-m",
                "fabrique",
                "geocoder-serve",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{ports[1]}",
            ],
            fabrique_env,
        ),
        "django": (
            [
                python,
                *gunicorn("fabrique.wsgi:django_application", ports[2], "--preload"),
            ],
            fabrique_env,
        ),
    }
    if args.no_django:
        del commands["django"]
    chosen = set(args.servers.split(","))
    commands = {name: c for name, c in commands.items() if name in chosen}
    if args.addok_python and "addok" in chosen:
        addok_env = {
            **os.environ,
            "ADDOK_CONFIG_MODULE": str(HERE / "addok_conf.py"),
            "REDIS_PORT": str(args.redis_port),
            "REDIS_DB_INDEXES": str(args.redis_db),
            "REDIS_DB_DOCUMENTS": str(
                args.redis_db
                if args.redis_db_documents is None
                else args.redis_db_documents
            ),
        }
        commands["addok"] = (
            [args.addok_python, *gunicorn("addok.http.wsgi:application", ports[3])],
            addok_env,
        )
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    processes: dict[str, subprocess.Popen[Any]] = {}
    server_ports: dict[str, int] = {}
    try:
        for name, (command, env) in commands.items():
            port = ports[list(SERVERS).index(name)]
            if port == 0:
                import socket

                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", 0))
                    port = int(probe.getsockname()[1])
                command = [
                    c.replace("127.0.0.1:0", f"127.0.0.1:{port}") for c in command
                ]
            processes[name] = start(command, env, port)
            server_ports[name] = port
        figures: dict[str, dict[str, Any]] = {}
        for turn, (category, script) in enumerate(scripts.items()):
            names = list(processes)
            if turn % 2:
                names.reverse()
            one_client = category in ("empty query", "invalid limit")
            for name in names:
                figures.setdefault(category, {})[name] = wrk(
                    server_ports[name], script, args.seconds, 1 if one_client else 8
                )
            print(category, json.dumps(figures[category]), file=sys.stderr)
        memories = {}
        for name, process in processes.items():
            pids = tree(process.pid)
            if name == "addok":
                pids.append(args.redis_pid or redis_pid(args.redis_port))
            memories[name] = memory(pids)
    finally:
        for process in processes.values():
            process.terminate()
            process.wait()
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, cwd=PROJECT,
    ).stdout.strip()  # fmt: skip
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit,
        "load_before": load_before,
        "load_after": load_after,
        "seconds": args.seconds,
        "plans": args.plans,
        "figures": figures,
        "memory": memories,
    }
    (work / "http.json").write_text(json.dumps(report, indent=2))
    print_markdown(report)


def print_markdown(report: dict[str, Any]) -> None:
    figures, memories = report["figures"], report["memory"]
    names = list(next(iter(figures.values())))
    print(
        f"Run of {report['date']}, commit {report['commit']}, "
        f"wrk {report['seconds']} s per category and server; "
        f"Fabrique's search plans kept: {report['plans']}; "
        f"load average {' '.join(report['load_before'])} "
        f"before, {' '.join(report['load_after'])} after.\n"
    )
    has_addok = "addok" in names
    head = " | ".join(f"{n} req/s" for n in names)
    ratios = " | ".join(f"{n} / addok" for n in names if n != "addok")
    print(f"| category | {head} |" + (f" {ratios} |" if has_addok else ""))
    print("| --- |" + " ---: |" * (len(names) + (len(names) - 1 if has_addok else 0)))
    for category, row in figures.items():
        cells = " | ".join(f"{row[n]['rps']:,.0f}" for n in names)
        line = f"| {category} | {cells} |"
        if has_addok:
            line += (
                " "
                + " | ".join(
                    f"{row[n]['rps'] / row['addok']['rps']:.1f}×"
                    for n in names
                    if n != "addok"
                )
                + " |"
            )
        print(line)
    print("\np50 ms (8 connections; one for the empty and invalid queries):\n")
    print(f"| category | {' | '.join(names)} |")
    print("| --- |" + " ---: |" * len(names))
    for category, row in figures.items():
        print(
            f"| {category} | "
            + " | ".join(f"{row[n]['p50_ms']:.2f}" for n in names)
            + " |"
        )
    failed = {
        n: sum(
            row[n].get("non_2xx", 0)
            for c, row in figures.items()
            if c not in ("empty query", "invalid limit")
        )
        for n in names
    }
    print(f"\nNon-2xx answers outside the empty and invalid queries: {failed}")
    print("\nMemory after the load, whole process tree (MB):\n")
    print("| server | processes | RSS | PSS |")
    print("| --- | ---: | ---: | ---: |")
    for name, m in memories.items():
        print(f"| {name} | {m['processes']} | {m['rss_mb']:.0f} | {m['pss_mb']:.0f} |")
    if any(failed.values()):
        # A server that answers errors is fast for the wrong reason: its
        # requests per second are not a figure.
        raise SystemExit(f"failed answers, the run measures nothing: {failed}")


if __name__ == "__main__":
    main()
