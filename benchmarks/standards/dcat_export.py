"""DCAT-AP engine speed: a page of the catalogue, the whole catalogue in
Turtle, and the SHACL check of one dataset.

Engine only (plain dicts, no database): what the page and export views spend
on top of their queries. Usage:

    .venv/bin/python benchmarks/standards/dcat_export.py --commons 100000 \
        --standards ../shared/data/standards --json out.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fabrique.standards import dcat, pages, shacl
from tests.standards.dcat_samples import (
    catalog,
    data_commons,
    transport_dataset,
)


def commons(index: int) -> dict:
    """Commons number ``index``: one in five a transport dataset."""
    if index % 5 == 0:
        return transport_dataset(f"jeu-{index}")
    return data_commons(f"commun-{index}", title=f"Commun numéro {index}")


def page(start: int, size: int, syntax: str = "turtle") -> bytes:
    datasets = [commons(i) for i in range(start, start + size)]
    return dcat.serialise(dcat.catalog_graph(catalog(datasets)), syntax)


class Sink(io.RawIOBase):
    """Counts the bytes written to it, keeps none."""

    written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.written += len(data)
        return len(data)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commons", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument(
        "--workers", type=int, default=1,
        help="processes writing the whole export's pages (forked; 1: this one)",
    )  # fmt: skip
    parser.add_argument("--page-runs", type=int, default=50)
    parser.add_argument("--shacl-runs", type=int, default=10)
    parser.add_argument("--standards", default=os.environ.get(shacl.ENV, ""))
    parser.add_argument(
        "--syntax", default="turtle", choices=sorted(dcat.SYNTAXES),
        help="RDF syntax of the pages and of the whole export",
    )  # fmt: skip
    parser.add_argument("--json")
    args = parser.parse_args()
    out: dict = {
        "commons": args.commons,
        "syntax": args.syntax,
        "load_average": os.getloadavg(),
    }

    # CPU time beside wall time: on a shared machine the wall clock also
    # counts the time other processes held the cores.
    times, cpu = [], []
    for run in range(args.page_runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        page(run * args.page_size, args.page_size, args.syntax)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    out["page_ms_p50"] = statistics.median(times) * 1000
    out["page_ms_p95"] = p95(times) * 1000
    out["page_cpu_ms_p50"] = statistics.median(cpu) * 1000
    out["page_cpu_ms_p95"] = p95(cpu) * 1000

    def chunk(number: int) -> bytes:
        start = number * args.chunk
        return page(start, min(args.chunk, args.commons - start), args.syntax)

    sink = Sink()
    started, started_cpu = time.perf_counter(), time.process_time()
    done = pages.write_pages(
        -(-args.commons // args.chunk), chunk, sink, workers=args.workers
    )
    out["export_s"] = time.perf_counter() - started
    # CPU and memory of the whole process tree: this process and its workers
    # (the workers' peaks added up: an upper bound of what they held at once).
    out["export_cpu_s"] = time.process_time() - started_cpu + done.workers_cpu_s
    out["export_mb"] = sink.written / 1e6
    out["workers"] = args.workers
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak_rss_mb"] = (peak + sum(done.workers_peak_kib)) / 1024

    if args.standards and not Path(args.standards).is_dir():
        print(f"SHACL not timed: no standards folder at {args.standards}")
    elif args.standards:
        graph = dcat.catalog_graph(catalog([transport_dataset()]))
        shacl.run(graph, mobility=True, folder=args.standards)  # shapes loaded once
        times = []
        for _ in range(args.shacl_runs):
            started = time.perf_counter()
            shacl.run(graph, mobility=True, folder=args.standards)
            times.append(time.perf_counter() - started)
        out["shacl_one_dataset_ms_p50"] = statistics.median(times) * 1000
        out["shacl_one_dataset_ms_p95"] = p95(times) * 1000
    out["load_average_end"] = os.getloadavg()
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text)


if __name__ == "__main__":
    main()
