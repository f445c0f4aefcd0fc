"""Batch CSV geocoding: ``fabrique geocoder csv`` against Addok's ``/search/csv/``.

Usage (after ``run.py``, which builds both indexes: Fabrique's in
``WORK/index``, Addok's in its Redis)::

    .venv/bin/python benchmarks/geocoder/csv_batch.py --work var/bench-geocoder \\
        [--rows 20000] [--repeat 3] [--addok-python PATH] [--redis-port 6379] \\
        [--redis-db 13] [--redis-db-documents 13] [--port 8195]

The file: ``--rows`` full addresses drawn (seeded) from the Paris BAN, as
``adresse,postcode,city`` (``12 bis Rue de Rivoli,75004,Paris``), the shape
of the files people send. Fabrique: the command line, ``--jobs 1`` and
``--jobs 2``, each run ``--repeat`` times, alternating, in a fresh process
(opening the index included). Addok 1.3.2 + addok-csv: gunicorn with 2
workers, the whole file uploaded to ``/search/csv/`` (one worker answers
it), then the file in two halves uploaded at once (both workers), each
timed once per round. Rows per second are the file's rows over the wall
time; on a shared machine the CPU time (user + system of the processes that
did the work: Fabrique's command and its workers; Addok's gunicorn and, with
``--redis-pid``, its Redis) moves less with the load, so rows per CPU second
are printed too; the load average is read before and after. Both outputs are then
compared row by row (same ``result_id`` for the top answer).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
COLUMNS = ("adresse", "postcode", "city")


def write_rows(shared: Path, target: Path, rows: int, seed: int) -> None:
    """Write ``rows`` addresses of the Paris BAN, drawn with ``seed``."""
    found = []
    ban = shared / "addresses" / "ban_adresses-75.csv.gz"
    with gzip.open(ban, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["numero"] == "99999":
                continue
            number = f"{row['numero']} {row['rep']}".strip()
            found.append((f"{number} {row['nom_voie']}", row["code_postal"], "Paris"))
    chosen = random.Random(seed).sample(found, rows)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(chosen)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_cpu(pids: list[int]) -> float:
    """Return the CPU seconds (user + system) of processes and their children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    seen = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
        todo += [int(child) for child in children]
    return total


def run_fabrique(index: Path, source: Path, target: Path, jobs: int) -> float:
    command = [
        sys.executable, "-m", "fabrique", "geocoder", "--index", str(index),
        "csv", str(source), str(target), "--jobs", str(jobs),
        *(option for column in COLUMNS for option in ("--columns", column)),
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="columns"\r\n\r\n'
        f"{column}\r\n".encode()
        for column in COLUMNS
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; '
        f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(port: int, name: str, data: bytes) -> bytes:
    body, content_type = multipart(name, data)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/search/csv/",
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=3600) as response:
        return bytes(response.read())


def run_addok(port: int, source: Path, halves: bool) -> tuple[float, bytes]:
    data = source.read_bytes()
    if not halves:
        started = time.perf_counter()
        answer = upload(port, source.name, data)
        return time.perf_counter() - started, answer
    header, *lines = data.decode("utf-8").splitlines(keepends=True)
    middle = len(lines) // 2
    parts = [header + "".join(lines[:middle]), header + "".join(lines[middle:])]
    answers: list[bytes] = [b"", b""]

    def send(i: int) -> None:
        answers[i] = upload(port, f"half{i}.csv", parts[i].encode("utf-8"))

    threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    second = answers[1].decode("utf-8-sig").split("\n", 1)[1].encode("utf-8")
    return seconds, answers[0] + second


def wait_until_up(port: int) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/search/?q=rue", timeout=2
            ):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"Addok did not answer on port {port}")


def top_ids(text: str) -> list[str]:
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return [row.get("result_id", "") for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=PROJECT.parent / "shared" / "data"
    )
    parser.add_argument("--work", type=Path, default=Path("var/bench-geocoder"))
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--addok-python", default=os.environ.get("ADDOK_PYTHON"))
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--redis-db-documents", type=int)
    parser.add_argument("--port", type=int, default=0, help="Addok's (else free)")
    parser.add_argument(
        "--redis-pid", type=int, help="Addok's Redis, to count its CPU time too"
    )
    args = parser.parse_args()
    work = args.work.resolve()
    index = work / "index"
    if not (index).is_dir():
        raise SystemExit(f"no index at {index}: run run.py first")
    source = work / f"paris-{args.rows}.csv"
    if not source.exists():
        write_rows(args.shared, source, args.rows, args.seed)
    addok = None
    port = args.port
    if args.addok_python:
        if not port:
            import socket

            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = int(probe.getsockname()[1])
        env = {
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
        command = [
            args.addok_python, "-m", "gunicorn", "addok.http.wsgi:application",
            "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--access-logfile", "/dev/null", "--timeout", "3600",
        ]  # fmt: skip
        addok = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    outputs: dict[str, str] = {}
    try:
        if addok is not None:
            wait_until_up(port)
        with tempfile.TemporaryDirectory() as folder:
            for turn in range(args.repeat):
                runs = ["fabrique --jobs 1", "fabrique --jobs 2"]
                if addok is not None:
                    runs += ["addok, 1 upload", "addok, 2 half uploads"]
                if turn % 2:
                    runs.reverse()
                for name in runs:
                    if name.startswith("fabrique"):
                        target = Path(folder) / "out.csv"
                        jobs = int(name[-1])
                        before = children_cpu()
                        seconds = run_fabrique(index, source, target, jobs)
                        used = children_cpu() - before
                        outputs[name] = target.read_text(encoding="utf-8")
                    else:
                        assert addok is not None
                        pids = [
                            addok.pid,
                            *([args.redis_pid] if args.redis_pid else []),
                        ]
                        before = tree_cpu(pids)
                        seconds, answer = run_addok(port, source, "half" in name)
                        used = tree_cpu(pids) - before
                        outputs[name] = answer.decode("utf-8-sig")
                    times.setdefault(name, []).append(seconds)
                    cpu.setdefault(name, []).append(used)
                    print(f"{name}: {args.rows / seconds:,.0f} rows/s", file=sys.stderr)
    finally:
        if addok is not None:
            addok.terminate()
            addok.wait()
    load_after = os.getloadavg()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, cwd=PROJECT,
    ).stdout.strip()  # fmt: skip
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit,
        "rows": args.rows,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "seconds": times,
        "cpu_seconds": cpu,
    }
    reference = top_ids(outputs["fabrique --jobs 1"])
    if "addok, 1 upload" in outputs:
        theirs = top_ids(outputs["addok, 1 upload"])
        report["same_top_as_addok"] = sum(
            a == b for a, b in zip(reference, theirs, strict=True)
        ) / len(reference)
    report["found"] = {
        name: sum(1 for i in top_ids(text) if i) / args.rows
        for name, text in outputs.items()
    }
    (work / "csv_batch.json").write_text(json.dumps(report, indent=2))
    print_markdown(report)


def print_markdown(report: dict[str, Any]) -> None:
    rows = report["rows"]
    print(
        f"{report['date']}, commit {report['commit']}, {rows:,} rows, load average "
        f"{' / '.join(map(str, report['load_before']))} before, "
        f"{' / '.join(map(str, report['load_after']))} after\n"
    )
    print(
        "| run | best s | median s | rows/s (best) | rows/s (median) "
        "| CPU s (best) | rows per CPU second | found |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, seconds in report["seconds"].items():
        best, median = min(seconds), statistics.median(seconds)
        used = min(report["cpu_seconds"][name])
        found = report["found"].get(name, 0)
        print(
            f"| {name} | {best:.2f} | {median:.2f} | {rows / best:,.0f} | "
            f"{rows / median:,.0f} | {used:.2f} | {rows / used:,.0f} | {found:.1%} |"
        )
    if "same_top_as_addok" in report:
        print(f"\nSame top answer as Addok: {report['same_top_as_addok']:.1%} of rows.")


if __name__ == "__main__":
    main()
