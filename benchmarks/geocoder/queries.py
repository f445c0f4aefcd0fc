"""Build the quality query set from the Paris BAN and Aveyron BANO files.

Each query carries what a correct top answer is: the same address id, or
the same street within 50 m (house-number categories), the same street name
and city code (street category), the same city code (municipality), or, for
reverse points, the address the point was shifted from.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

PER_CATEGORY = 250
CATEGORIES = (
    "exact",
    "no_city",
    "lower_no_accents",
    "typo",
    "abbreviation",
    "autocomplete",
    "street",
    "municipality",
    "reverse",
    "reordered",
    "noisy_prefix",
    "glued",
    "city_decides",
    "poi_address",
    "variant_spelling",
)
# Words people type before an address: a building, a name, a direction.
NOISE = (
    "a",
    "chez Dupont",
    "chez M. Martin",
    "bâtiment B",
    "Bât. C",
    "direction",
    "Résidence Les Lilas",
    "escalier 2",
    "Mme Durand",
    "livraison",
)
POI = (
    "Musée des Arts",
    "Pharmacie Centrale",
    "Boulangerie du Marché",
    "Hôtel de la Gare",
    "Café des Sports",
    "Cabinet médical",
    "Lycée Jean Moulin",
    "Garage Renault",
    "Crèche Les Petits Loups",
    "Mairie annexe",
)
CONTRACTIONS = {
    "Avenue": "av",
    "Boulevard": "bd",
    "Rue": "r",
    "Place": "pl",
    "Saint": "st",
    "Sainte": "ste",
    "Chemin": "chem",
    "Impasse": "imp",
    "Allée": "all",
    "Faubourg": "fg",
    "Route": "rte",
}
# Spellings that sound alike in French, as people write a name they heard
# ("Fontenoi" for Fontenoy, "Vaugirar" aside): one is applied to one word.
HOMOPHONES = (
    ("y", "i"),
    ("ph", "f"),
    ("eau", "o"),
    ("au", "o"),
    ("ll", "l"),
    ("tt", "t"),
    ("ss", "s"),
    ("nn", "n"),
    ("mm", "m"),
    ("rr", "r"),
    ("th", "t"),
    ("ault", "aut"),
    ("ain", "in"),
    ("ai", "e"),
    ("er", "é"),
    ("ç", "ss"),
)
# Words of a street's kind, left as typed (the variant is in the name).
STREET_KINDS = frozenset(
    {"rue", "avenue", "boulevard", "place", "chemin", "impasse", "allée", "route",
     "square", "quai", "passage", "villa", "cité", "lieu-dit", "lotissement"}
)  # fmt: skip
_DISTRICT = re.compile(r"^(.+?) \d+(?:er|e) Arrondissement$")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_addresses(shared: Path) -> list[dict[str, Any]]:
    """Return every address of both files in one shape."""
    out: list[dict[str, Any]] = []
    ban = shared / "addresses" / "ban_adresses-75.csv.gz"
    with gzip.open(ban, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["numero"] == "99999":
                continue
            district = row["nom_commune"]
            match = _DISTRICT.match(district)
            out.append(
                {
                    "id": row["id"],
                    "number": row["numero"] + row["rep"],
                    "street": row["nom_voie"],
                    "postcode": row["code_postal"],
                    "citycode": row["code_insee"],
                    "district": district,
                    "city": match.group(1) if match else district,
                    "lat": float(row["lat"]),
                    "lon": float(row["lon"]),
                    "source": "ban",
                }
            )
    bano = shared / "addresses" / "bano-12.csv"
    with open(bano, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            aid, number, street, postcode, city, _src, lat, lon = row
            out.append(
                {
                    "id": aid,
                    "number": number.replace(" ", "").lower(),
                    "street": street,
                    "postcode": postcode,
                    "citycode": aid[:5],
                    "district": "",
                    "city": city,
                    "lat": float(lat),
                    "lon": float(lon),
                    "source": "bano",
                }
            )
    return out


def typo(word: str, rng: random.Random) -> str:
    """Apply one random edit (substitution, insertion, deletion, transposition)."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("sub", "ins", "del", "swap"))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == "sub":
        return word[:i] + letter + word[i + 1 :]
    if kind == "ins":
        return word[:i] + letter + word[i:]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def build(
    shared: Path, seed: int = 2026, per_category: int = PER_CATEGORY
) -> list[dict[str, Any]]:
    """Return the query set: ``per_category`` a category, half from each file."""
    rng = random.Random(seed)
    addresses = read_addresses(shared)
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for address in addresses:
        by_source[address["source"]].append(address)
    queries: list[dict[str, Any]] = []

    def add(category: str, q: str, a: dict[str, Any], **extra: Any) -> None:
        queries.append(
            {
                "category": category,
                "q": q,
                "expect": {
                    "id": a["id"],
                    "street": a["street"],
                    "citycode": a["citycode"],
                    "city": a["city"],
                    "lat": a["lat"],
                    "lon": a["lon"],
                },
                **extra,
            }
        )

    half = per_category // 2
    for _source, pool in sorted(by_source.items()):
        sample = rng.sample(pool, half * 8)
        chunks = [sample[i * half : (i + 1) * half] for i in range(8)]
        for a in chunks[0]:
            add("exact", f"{a['number']} {a['street']} {a['postcode']} {a['city']}", a)
        for a in chunks[1]:
            add("no_city", f"{a['number']} {a['street']}", a)
        for a in chunks[2]:
            text = f"{a['number']} {a['street']} {a['postcode']} {a['city']}"
            add("lower_no_accents", strip_accents(text).lower(), a)
        for a in chunks[3]:
            words = a["street"].split()
            long_words = [i for i, w in enumerate(words) if len(w) >= 5]
            if long_words:
                i = rng.choice(long_words)
                words[i] = typo(words[i], rng)
            add("typo", f"{a['number']} {' '.join(words)} {a['city']}", a)
        abbreviable = [
            a for a in pool if any(w in CONTRACTIONS for w in a["street"].split())
        ]
        for a in rng.sample(abbreviable, half):
            words = [CONTRACTIONS.get(w, w) for w in a["street"].split()]
            add("abbreviation", f"{a['number']} {' '.join(words)} {a['city']}", a)
        for a in chunks[4]:
            text = f"{a['number']} {a['street']}"
            last = a["street"].split()[-1]
            cut = len(text) - len(last) + min(len(last), max(3, len(last) // 2))
            add("autocomplete", text[:cut], a)
        streets = {(a["street"], a["citycode"]): a for a in pool}
        for a in rng.sample(sorted(streets.values(), key=lambda x: x["id"]), half):
            add("street", f"{a['street']} {a['city']}", a)
        cities = {a["citycode"]: a for a in pool}
        chosen = rng.sample(
            sorted(cities.values(), key=lambda x: x["id"]), min(half, len(cities))
        )
        for a in chosen:
            add("municipality", a["district"] or a["city"], a)
        for a in chunks[5]:
            # Shift the point by up to about 10 m.
            lat = a["lat"] + rng.uniform(-9e-5, 9e-5)
            lon = a["lon"] + rng.uniform(-9e-5, 9e-5)
            add("reverse", "", a, lat=round(lat, 6), lon=round(lon, 6))
    # Their own generator, so the categories above keep their queries.
    add_shapes(by_source, random.Random(seed + 1), add, per_category)
    add_variants(by_source, random.Random(seed + 2), add, per_category)
    return queries


def arrondissement(postcode: str) -> str:
    """Return "11e" for 75011, "1er" for 75001 (Paris, Lyon, Marseille)."""
    number = int(postcode[-2:])
    return "1er" if number == 1 else f"{number}e"


def add_shapes(
    by_source: dict[str, list[dict[str, Any]]],
    rng: random.Random,
    add: Callable[..., None],
    per_category: int = PER_CATEGORY,
) -> None:
    """Add the query shapes seen failing: reordered, noise first, glued words …"""
    half = per_category // 2
    for source, pool in sorted(by_source.items()):
        sample = rng.sample(pool, half * 3)
        chunks = [sample[i * half : (i + 1) * half] for i in range(3)]
        for i, a in enumerate(chunks[0]):
            if i % 2 == 0:
                text = f"{a['street']} {a['number']} {a['postcode']}"
            elif source == "ban":
                place = f"{a['city']} {arrondissement(a['postcode'])}"
                text = f"{place} {a['street']} {a['number']}"
            else:
                text = f"{a['city']} {a['street']} {a['number']}"
            add("reordered", text, a)
        for a in chunks[1]:
            noise = rng.choice(NOISE)
            text = f"{noise} {a['number']} {a['street']} {a['postcode']} {a['city']}"
            add("noisy_prefix", text, a)
        for a in chunks[2]:
            add("poi_address", f"{rng.choice(POI)}, {a['number']} {a['street']} "
                f"{a['postcode']} {a['city']}", a)  # fmt: skip
        gluable = [a for a in pool if len(a["street"].split()) >= 2]
        for a in rng.sample(gluable, half):
            words = a["street"].split()
            i = rng.randrange(len(words) - 1)
            words[i : i + 2] = [words[i] + words[i + 1].capitalize()]
            add("glued", f"{a['number']} {' '.join(words)} {a['postcode']}", a)
    # A street name held in several towns: the city (sometimes mistyped)
    # must decide. Drawn from both files together (Paris names recur in Aveyron).
    towns: dict[str, set[str]] = defaultdict(set)
    for pool in by_source.values():
        for a in pool:
            towns[fold_name(a["street"])].add(a["citycode"])
    shared = sorted(
        (a for pool in by_source.values() for a in pool
         if len(towns[fold_name(a["street"])]) > 1),
        key=lambda a: a["id"],
    )  # fmt: skip
    for i, a in enumerate(rng.sample(shared, per_category)):
        city = a["city"]
        if i % 3 == 0 and len(city) >= 5:
            city = typo(city, rng) if i % 2 else city[1:]
        add("city_decides", f"{a['number']} {a['street']} {city}", a)


def variant(word: str, rng: random.Random) -> str | None:
    """Rewrite one sound-alike spelling of ``word`` ("Fontenoy" → "Fontenoi")."""
    lower = word.lower()
    spots = [
        (at, old, new)
        for old, new in HOMOPHONES
        for at in range(1, len(lower))  # never the first letter
        if lower.startswith(old, at) and sounds_alike(lower, at, old)
    ]
    if not spots:
        return None
    at, old, new = rng.choice(spots)
    return word[:at] + new + word[at + len(old) :]


def sounds_alike(word: str, at: int, old: str) -> bool:
    """Tell whether rewriting ``old`` at ``at`` keeps the sound: "-er" only at
    the end ("Chantié", not "Gémain"), "au" not inside "eau"."""
    if old == "er":
        return at + 2 == len(word)
    if old == "au":
        return word[at - 1] != "e"
    return True


def add_variants(
    by_source: dict[str, list[dict[str, Any]]],
    rng: random.Random,
    add: Callable[..., None],
    per_category: int = PER_CATEGORY,
) -> None:
    """Add ``variant_spelling``: one word of the name spelt as it sounds."""
    half = per_category // 2
    for _source, pool in sorted(by_source.items()):
        done = 0
        for a in rng.sample(pool, len(pool)):
            words = a["street"].split()
            spots = [
                i
                for i, w in enumerate(words)
                if len(w) >= 5 and w.lower() not in STREET_KINDS
            ]
            if not spots:
                continue
            i = rng.choice(spots)
            changed = variant(words[i], rng)
            if changed is None:
                continue
            words[i] = changed
            place = a["postcode"] if done % 2 else a["city"]
            add("variant_spelling", f"{a['number']} {' '.join(words)} {place}", a)
            done += 1
            if done == half:
                break


def fold_name(text: str) -> str:
    return " ".join(strip_accents(text).lower().replace("-", " ").split())


def write(queries: list[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for query in queries:
            handle.write(json.dumps(query, ensure_ascii=False) + "\n")


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in open(path, encoding="utf-8")]
