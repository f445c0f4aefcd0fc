"""Requests per second over HTTP: Fabrique (gunicorn, 2 workers) against Addok.

Usage (after run.py, which builds both indexes; see benchmarks/README.md):

    ADDOK_PYTHON=/path/to/addok/venv/bin/python \\
        .venv/bin/python benchmarks/geocoder/http_load.py [--work DIR]

Both servers run gunicorn with 2 sync workers on loopback; ``wrk`` (2
threads, 8 connections, 20 s after a 3 s warm-up) cycles through the same
500 full-address and street queries of the quality set on ``/search/``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]


def lua_script(work: Path, count: int = 500) -> Path:
    with open(work / "queries.jsonl", encoding="utf-8") as handle:
        queries = [json.loads(line) for line in handle]
    chosen = [q for q in queries if q["category"] in ("exact", "no_city", "street")]
    paths = [f"/search/?{urlencode({'q': q['q'], 'limit': 5})}" for q in chosen[:count]]
    script = work / "queries.lua"
    body = ",\n".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{\n{body}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def free_port() -> int:
    """Return a port nobody listens on (other services share this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def load(port: int, script: Path, seconds: int) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    subprocess.run(
        ["wrk", "-t2", "-c8", "-d3s", "-s", str(script), base],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-s", str(script), base],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(match: re.Match[str] | None) -> float:
        if match is None:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "rps": rps,
        "p50_ms": ms(p50),
        "p99_ms": ms(p99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def serve(
    command: list[str], env: dict[str, str], port: int
) -> subprocess.Popen[bytes]:
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
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    work = args.work.resolve()
    script = lua_script(work)
    figures = {}
    fabrique_env = {
        **os.environ,
        "FABRIQUE_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "FABRIQUE_DATA_DIR": str(work / "data"),
        "FABRIQUE_GEOCODER_INDEX": str(work / "index"),
    }
    port = free_port()
    process = serve(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "fabrique.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        fabrique_env,
        port,
    )
    try:
        figures["fabrique"] = load(port, script, args.seconds)
    finally:
        process.terminate()
        process.wait()
    if args.addok_python:
        addok_env = {
            **os.environ,
            "ADDOK_CONFIG_MODULE": str(HERE / "addok_conf.py"),
            "REDIS_DB_INDEXES": str(args.redis_db),
            "REDIS_DB_DOCUMENTS": str(args.redis_db + 1),
        }
        gunicorn = str(Path(args.addok_python).parent / "gunicorn")
        port = free_port()
        process = serve(
            [
                gunicorn,
                "addok.http.wsgi:application",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
            ],
            addok_env,
            port,
        )
        try:
            figures["addok"] = load(port, script, args.seconds)
        finally:
            process.terminate()
            process.wait()
    (work / "http.json").write_text(json.dumps(figures, indent=2))
    print(f"Run of {time.strftime('%Y-%m-%d')}, wrk -t2 -c8 -d{args.seconds}s.\n")
    print("| server | requests/s | p50 ms | p99 ms | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, f in figures.items():
        print(
            f"| {name} | {f['rps']:,.0f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} "
            f"| {f['errors']} |"
        )
    if "addok" in figures:
        ratio = figures["fabrique"]["rps"] / figures["addok"]["rps"]
        print(f"\nFabrique / Addok: {ratio:.1f}×")


if __name__ == "__main__":
    main()
