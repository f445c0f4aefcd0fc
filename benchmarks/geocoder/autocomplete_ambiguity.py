"""How much of the ``autocomplete`` category its queries decide.

Usage (from the project root, after ``run.py`` wrote the queries and
Fabrique's answers into ``--work``):

    .venv/bin/python benchmarks/geocoder/autocomplete_ambiguity.py \\
        --work var/bench-geocoder

An autocomplete query is ``number + street`` with the last word cut
(queries.py). Two counts per query, over every address of both files:

- *typed*: the streets (name and city) that have this number and whose
  ``number street`` starts with the typed text, word by word, the last word
  a prefix: what a person typing it could mean. One street: the query
  decides; several: any of them is a right completion of what was typed.
- *drawn*: the streets whose address the generator would cut into exactly
  this text (it keeps half the last word, at least three letters).

It prints the top-1 of Fabrique's answers for each kind, how often the
answer is one of the typed completions, and the best top-1 any engine could
expect on the category: the mean, over the draw, of the most likely street's
share of the addresses drawn into the same text (each file gives half the
queries, so an Aveyron address weighs three times a Paris one).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import queries as query_set
from run import PROJECT, correct


def words(text: str) -> list[str]:
    folded = query_set.strip_accents(text).lower()
    return folded.replace("-", " ").replace("'", " ").split()


def cut(address: dict[str, Any]) -> str:
    """Return the text queries.py types for an address (its rule, repeated)."""
    text = f"{address['number']} {address['street']}"
    last = address["street"].split()[-1]
    return text[: len(text) - len(last) + min(len(last), max(3, len(last) // 2))]


def street(address: dict[str, Any]) -> tuple[str, str]:
    return query_set.fold_name(address["street"]), address["citycode"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=PROJECT.parent / "shared" / "data"
    )
    parser.add_argument("--work", type=Path, default=Path("var/bench-geocoder"))
    args = parser.parse_args()
    addresses = query_set.read_addresses(args.shared)
    sizes: dict[str, int] = defaultdict(int)
    for address in addresses:
        sizes[address["source"]] += 1
    drawn: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_number: dict[str, list[tuple[list[str], dict[str, Any]]]] = defaultdict(list)
    for address in addresses:
        drawn[cut(address)].append(address)
        typed = words(f"{address['number']} {address['street']}")
        by_number[typed[0]].append((typed, address))

    def weight(address: dict[str, Any]) -> float:
        return 0.5 / sizes[address["source"]]

    best = 0.0
    for group in drawn.values():
        shares: dict[tuple[str, str], float] = defaultdict(float)
        for address in group:
            shares[street(address)] += weight(address)
        best += max(shares.values())

    def completions(text: str) -> set[tuple[str, str]]:
        typed = words(text)
        found = set()
        for full, address in by_number.get(typed[0], []):
            n = len(typed)
            if (
                len(full) >= n
                and full[: n - 1] == typed[:-1]
                and full[n - 1].startswith(typed[-1])
            ):
                found.add(street(address))
        return found

    queries = query_set.read(args.work / "queries.jsonl")
    with open(args.work / "fabrique_answers.jsonl", encoding="utf-8") as handle:
        answers = [json.loads(line) for line in handle]
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for query, answer in zip(queries, answers, strict=True):
        if query["category"] != "autocomplete":
            continue
        typed = completions(query["q"])
        kind = "decided by the text" if len(typed) == 1 else "several completions"
        top = answer["top"]
        fits = top is not None and top["type"] == "housenumber" and (
            (query_set.fold_name(top["street"] or ""), top["citycode"]) in typed
        )  # fmt: skip
        for row in (table[kind], table["all"]):
            row[0] += 1
            row[1] += correct(query, top)
            row[2] += fits
    print("| autocomplete queries | n | top-1 right | top-1 a typed completion |")
    print("| --- | ---: | ---: | ---: |")
    for kind in ("decided by the text", "several completions", "all"):
        n, right, fits = table[kind]
        if n:
            print(f"| {kind} | {n} | {right / n:.1%} | {fits / n:.1%} |")
    print(f"\nBest expected top-1 on the category (the draw's own ceiling): {best:.1%}")


if __name__ == "__main__":
    main()
