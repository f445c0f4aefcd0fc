"""Field-by-field comparison with answers recorded from Addok on the same file.

The answers were recorded by ``benchmarks/geocoder/record_addok.py`` from
Addok 1.3.2 (+fr, +france, +csv) fed with ``ban_sample.csv``; here Fabrique
is fed the same file. Remaining differences are listed in
``docs/geocoder/addok.md`` and named in :data:`KNOWN` with their reason.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

FIELDS = ("id", "type", "label", "name", "housenumber", "street", "postcode",
          "citycode", "city", "district", "context")  # fmt: skip


RECORDED = json.loads(
    (Path(__file__).parent.parent / "data" / "geocoder" / "addok_recorded.json")
    .read_text(encoding="utf-8")
)  # fmt: skip
ANSWERS = RECORDED["answers"]
CSV_FILES = RECORDED["csv"]

# Differences that remain, by query or file, with their reason (see the docs).
RANKING = "ranking differs (the engine's scoring, not the HTTP layer)"
KNOWN_ORDER = {
    "/search/?q=avenue+de+paris&autocomplete=0": RANKING,
    "/search/?q=rue&postcode=75002": RANKING,
    "/search/?q=paris&limit=2": RANKING,
}
# Columns Fabrique adds after Addok's (clients ignore unknown columns).
EXTRA_COLUMNS = ("result_citycode", "result_district", "result_status")
# Addok answers 500 (a filter column) or splits on a guessed delimiter.
KNOWN_CSV = {
    "semicolons.csv": "Addok answers 500 to a postcode filter column",
    "ragged.csv": "Addok's delimiter sniffer reads the ragged file as one column",
}


@pytest.fixture(scope="module")
def ban_only_index(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fabrique.geocoder.index import build_source

    folder = tmp_path_factory.mktemp("addok-compat") / "index"
    with (test_data / "geocoder" / "ban_sample.csv").open("rb") as handle:
        build_source(folder, "ban", "ban", [(handle, "ban_sample.csv")])
    return folder


@pytest.fixture(autouse=True)
def _same_data_as_addok(settings, ban_only_index):
    from fabrique.places import engine

    settings.GEOCODER_INDEX = ban_only_index
    settings.GEOCODER_ATTRIBUTION = "BANO"
    settings.GEOCODER_LICENCE = "ODbL"
    engine.reset()
    yield
    engine.reset()


def _props(feature: dict) -> dict:
    return {key: feature["properties"].get(key) for key in FIELDS}


@pytest.mark.parametrize("recorded", ANSWERS, ids=[a["path"] for a in ANSWERS])
def test_answers_match_addok_field_by_field(client, recorded):
    response = client.get(recorded["path"])
    assert response.status_code == recorded["status"]
    assert response["Content-Type"] == recorded["content_type"]
    theirs, ours = recorded["body"], response.json()
    if recorded["status"] != 200:
        assert ours == theirs
        return
    # Everything but the features, byte for byte (same keys, same order).
    assert [k for k in ours if k != "features"] == [
        k for k in theirs if k != "features"
    ]
    for key in theirs:
        if key != "features":
            assert ours[key] == theirs[key], key
    if recorded["path"] in KNOWN_ORDER:
        return
    # Ids in Addok's order; Addok orders results of equal score arbitrarily
    # (two recordings differ), so within a tie any order is Addok's order.
    groups: list[set[str]] = []
    previous = None
    for feature in theirs["features"]:
        score = round(feature["properties"]["score"], 9)
        if score != previous:
            groups.append(set())
        groups[-1].add(feature["properties"]["id"])
        previous = score
    ids = [f["properties"]["id"] for f in ours["features"]]
    assert len(ids) == sum(len(group) for group in groups)
    at = 0
    for group in groups:
        assert set(ids[at : at + len(group)]) == group
        at += len(group)
    by_id = {f["properties"]["id"]: f for f in theirs["features"]}
    for mine in ours["features"]:
        addok = by_id[mine["properties"]["id"]]
        assert _props(mine) == _props(addok)
        if mine["properties"]["type"] == "housenumber":
            assert mine["geometry"] == addok["geometry"]
        else:  # a street's or town's point is chosen by each loader
            for a, b in zip(mine["geometry"]["coordinates"],
                            addok["geometry"]["coordinates"], strict=True):  # fmt: skip
                assert abs(a - b) < 0.005
        # Same scale (0..1); the values themselves come from each engine.
        assert 0 <= mine["properties"]["score"] <= 1
    scores = [f["properties"]["score"] for f in ours["features"]]
    assert scores == sorted(scores, reverse=True)


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("recorded", CSV_FILES, ids=[c["name"] for c in CSV_FILES])
def test_csv_files_match_addok_column_by_column(client, recorded):
    upload = SimpleUploadedFile(
        recorded["name"], recorded["input"].encode(), "text/csv"
    )
    response = client.post(
        f"/{recorded['kind']}/csv/", {"data": upload, **recorded["form"]}
    )
    assert response.status_code == 200
    try:
        raw = b"".join(response.streaming_content)
    finally:
        response.close()
    # The default encoding writes a byte-order mark, as Addok; rows end in CRLF.
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8")
    assert text.count("\r\n") == text.count("\n")
    if recorded["name"] in KNOWN_CSV:
        assert recorded["status"] != 200 or ";" in recorded["output"].split("\r\n")[0]
        return
    assert recorded["status"] == 200
    theirs, ours = _csv_rows(recorded["output"]), _csv_rows(text)
    header = theirs[0]
    assert ours[0] == [*header, *EXTRA_COLUMNS]
    assert len(ours) == len(theirs)
    for mine, addok in zip(ours[1:], theirs[1:], strict=True):
        for column, value in zip(header, addok, strict=True):
            if column in ("result_score", "result_score_next"):
                continue  # each engine's own score
            assert mine[header.index(column)] == value, column
