"""Record Addok's HTTP answers on the test address file, as test fixtures.

Run with Addok's interpreter (addok, addok-fr, addok-france, addok-csv):

    .venv/bin/python benchmarks/geocoder/addok_feed.py /tmp/feed.json \\
        ban:tests/data/geocoder/ban_sample.csv
    export ADDOK_CONFIG_MODULE=benchmarks/geocoder/addok_conf.py \\
        REDIS_HOST=127.0.0.1 REDIS_PORT=<your redis>
    addok reset --force && addok batch /tmp/feed.json && addok ngrams
    ADDOK_PYTHON benchmarks/geocoder/record_addok.py tests/data/geocoder

Writes ``addok_recorded.json``: for each query its path, status, content
type and body, and for each CSV upload the answer's bytes (as text). The
compatibility test (tests/places/test_addok_compat.py) reads it; Addok is
not needed at test time.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from urllib.parse import urlencode


def queries(ban: Path) -> list[dict[str, str]]:
    """At least 50 queries built from the address file: full, partial, filtered."""
    with ban.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    out: list[dict[str, str]] = []
    for row in rows:
        number, street = row["numero"], row["nom_voie"]
        city = row["nom_commune"].split(" ")[0]
        out.append({"q": f"{number} {street} {city}"})
        out.append({"q": f"{number} {street} {row['code_postal']}", "limit": "3"})
        out.append({"q": street.lower(), "autocomplete": "0"})
    out += [
        {"q": "rivoli", "type": "street"},
        {"q": "rue", "postcode": "75002"},
        {"q": "rue de rivoli", "citycode": "75104"},
        {"q": "rodez", "type": "municipality"},
        {"q": "paris", "limit": "2"},
        {"q": "12 rue de rivoli", "lat": "48.86", "lon": "2.35"},
    ]
    return out


REVERSES = [
    {"lat": "48.855602", "lon": "2.35995"},
    {"lat": "44.349930", "lon": "2.575098"},
    {"lat": "48.8656", "lon": "2.3211", "type": "street"},
]
ERRORS = [
    "/search/",
    "/search/?q=",
    "/search/?q=rivoli&limit=0",
    "/search/?q=rivoli&limit=abc",
    "/search/?q=rivoli&lat=100&lon=2",
    "/reverse/?lat=48.8",
    "/reverse/?lon=2.3",
]
CSV_FILES = [
    (
        "search",
        "addresses.csv",
        "numero,voie,cp\n12,rue de rivoli,75004\n3,rue du touat,12000\n"
        "8,boulevard haussmann,75009\n",
        {"columns": ["numero", "voie"]},
    ),
    (
        "search",
        "semicolons.csv",
        "q;cp\n7 rue saint-antoine paris;75004\nnulle part;\n",
        {"postcode": "cp"},
    ),
    (
        "search",
        "ragged.csv",
        "q,b\n1 place de la concorde,x,extra\n2 rue de la paix\n",
        {},
    ),
    (
        "reverse",
        "points.csv",
        "name,lat,lon\nA,48.855602,2.35995\nB,44.34993,2.575098\n",
        {},
    ),
    ("reverse", "nopoints.csv", "a,b\n1,2\n", {}),
]


def main(argv: list[str]) -> None:
    from addok.config import config

    config.load()
    import falcon.testing
    from addok.http.wsgi import application  # type: ignore[import-not-found]

    client = falcon.testing.TestClient(application)
    data = Path(argv[0])
    recorded: dict[str, object] = {
        "_note": "Addok 1.3.2 + addok-fr + addok-france + addok-csv on "
        "ban_sample.csv, written by benchmarks/geocoder/record_addok.py.",
        "answers": [],
        "csv": [],
    }
    paths = [f"/search/?{urlencode(q)}" for q in queries(data / "ban_sample.csv")]
    paths += [f"/reverse/?{urlencode(r)}" for r in REVERSES] + ERRORS
    for path in paths:
        route, _sep, query = path.partition("?")
        answer = client.simulate_get(route.rstrip("/"), query_string=query)
        recorded["answers"].append(  # type: ignore[attr-defined]
            {
                "path": path,
                "status": answer.status_code,
                "content_type": answer.headers.get("content-type"),
                "body": answer.json if answer.text else None,
            }
        )
    for kind, name, text, form in CSV_FILES:
        boundary = "recordboundary"
        parts = []
        for key, value in form.items():
            for item in value if isinstance(value, list) else [value]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"'
                    f"\r\n\r\n{item}\r\n"
                )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="data"; '
            f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n{text}\r\n'
        )
        parts.append(f"--{boundary}--\r\n")
        answer = client.simulate_post(
            f"/{kind}/csv",
            body="".join(parts).encode("utf-8"),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        recorded["csv"].append(  # type: ignore[attr-defined]
            {
                "kind": kind,
                "name": name,
                "input": text,
                "form": form,
                "status": answer.status_code,
                "content_type": answer.headers.get("content-type"),
                "output": answer.content.decode("utf-8", "replace"),
            }
        )
    target = data / "addok_recorded.json"
    target.write_text(
        json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(paths)} answers, {len(CSV_FILES)} files -> {target}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
