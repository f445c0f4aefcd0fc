"""Run the query set through Addok's Python API (run with Addok's interpreter).

Usage: python addok_runner.py QUERIES.jsonl OUT.jsonl [--repeat N]
Needs ADDOK_CONFIG_MODULE, REDIS_DB_INDEXES and REDIS_DB_DOCUMENTS.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> None:
    from addok.config import config

    config.load()
    from addok.core import reverse, search

    queries_path, out_path = argv[0], argv[1]
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
    with open(queries_path, encoding="utf-8") as handle:
        queries = [json.loads(line) for line in handle]
    with open(out_path, "w", encoding="utf-8") as out:
        for query in queries:
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                if query["category"] == "reverse":
                    results = reverse(lat=query["lat"], lon=query["lon"], limit=1)
                else:
                    auto = query["category"] == "autocomplete"
                    results = search(query["q"], limit=1, autocomplete=auto)
                timings.append(time.perf_counter() - started)
            top = None
            if results:
                props = results[0].format()["properties"]
                top = {
                    "id": props.get("id"),
                    "type": props.get("type"),
                    "label": props.get("label"),
                    "street": props.get("street"),
                    "name": props.get("name"),
                    "citycode": props.get("citycode"),
                    "city": props.get("city"),
                    "lat": results[0].lat,
                    "lon": results[0].lon,
                }
            out.write(json.dumps({"top": top, "seconds": min(timings)}) + "\n")
    # VmHWM: this process's peak (ru_maxrss would carry the parent's over exec).
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(json.dumps({"max_rss_kb": peak}))


if __name__ == "__main__":
    main(sys.argv[1:])
