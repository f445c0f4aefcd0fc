"""One harvester per kind of source, each turning a remote catalogue into
:class:`Record` s (or :class:`Failure` s naming the item and the reason).

A harvester walks its source's pages through the run's :class:`Fetcher`
(bounded, refusing repeated addresses) and sets ``walk.complete`` only when
it saw the whole catalogue: only then may missing commons be deleted.
``HARVESTERS`` maps a source kind to its harvester.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from fabrique.federation.fetching import Fetcher, Stopped
from fabrique.standards import StandardsError

PAGE_SIZE = 100
#: Items per page of a Fabrique change feed (the most it serves).
FEED_PAGE_SIZE = 500


@dataclass
class Record:
    """One remote commons as a harvester read it."""

    origin_uri: str
    origin_instance: str
    fields: dict[str, Any]
    page: str = ""
    origin_name: str = ""
    themes: list[str] = field(default_factory=list)
    contributors: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    #: Passed on by the source from another instance (not its own commons).
    relayed: bool = False


@dataclass
class Failure:
    item: str
    reason: str


@dataclass
class Walk:
    """A harvest's position: the cursor reached, and whether the whole
    catalogue was seen (a full walk)."""

    cursor: int = 0
    full: bool = False
    complete: bool = False
    instance: dict[str, Any] | None = None


Found = Iterator[Record | Failure]
Harvester = Callable[[Any, Fetcher, Walk], Found]


def root(url: str) -> str:
    """``scheme://host[:port]`` of an address."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def same_site(uri: str, base: str) -> bool:
    base = base.rstrip("/")
    return uri == base or uri.startswith(base + "/")


def is_http(uri: Any) -> bool:
    return isinstance(uri, str) and uri.startswith(("http://", "https://"))


# Licences as udata and CKAN name them -> SPDX.
LICENCES = {
    "cc-by": "CC-BY-4.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa": "CC-BY-SA-4.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-zero": "CC0-1.0",
    "cc0-1.0": "CC0-1.0",
    "odc-odbl": "ODbL-1.0",
    "odbl-1.0": "ODbL-1.0",
    "odc-by": "ODC-By-1.0",
    "odc-pddl": "PDDL-1.0",
    "fr-lo": "etalab-2.0",
    "lov2": "etalab-2.0",
    "etalab-2.0": "etalab-2.0",
    "gfdl": "GFDL-1.3-or-later",
    "mit": "MIT",
}
_SPDX_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{1,63}")


def licence(value: Any) -> str:
    text = str(value or "").strip()
    mapped = LICENCES.get(text.lower())
    if mapped:
        return mapped
    if text.lower() in ("notspecified", "other-at", "other-open", "other-closed"):
        return ""
    return text if _SPDX_LIKE.fullmatch(text) else ""


# Fabrique: the change feed ---------------------------------------------------


def fabrique(source: Any, fetch: Fetcher, walk: Walk) -> Found:
    """Another Fabrique: its description, then its change feed from the
    source's cursor (from 0, a full walk, when the cursor is too old)."""
    base = source.url.rstrip("/")
    described = fetch.json(base + "/.well-known/fabrique-instance")
    if not isinstance(described, dict) or not is_http(described.get("changes")):
        raise Stopped(f"{base}: the instance description names no change feed")
    home = str(described.get("url") or base).rstrip("/")
    feed = str(described["changes"])
    if root(home) != root(base) or root(feed) != root(base):
        raise Stopped(
            f"{base}: the description claims another site ({home[:200]}): refused"
        )
    walk.instance = described
    after = 0 if walk.full else walk.cursor
    while True:
        url = f"{feed}?{urlencode({'after': after, 'limit': FEED_PAGE_SIZE})}"
        answer = fetch.get(url, accept="application/json")
        if answer.status == 410 and not walk.full:
            walk.full, after = True, 0
            continue
        if answer.status >= 400:
            raise Stopped(f"{url[:300]}: the server answered {answer.status}")
        import json

        try:
            page = json.loads(answer.body)
            items = list(page["items"])
            cursor = int(page["cursor"])
        except (ValueError, KeyError, TypeError) as exc:
            raise Stopped(f"{url[:300]}: not a change feed page ({exc})") from exc
        for one in items:
            yield _feed_record(one, home)
        if items and cursor <= after:
            raise Stopped(f"{url[:300]}: the feed's cursor does not move forward")
        walk.cursor = after = max(after, cursor)
        if not page.get("more") or not items:
            break
    walk.complete = True


def _feed_record(one: Any, home: str) -> Record | Failure:
    if not isinstance(one, dict):
        return Failure(str(one)[:200], "a feed item is not an object")
    uri, origin = one.get("uri"), str(one.get("origin") or "").rstrip("/")
    if not is_http(uri) or not is_http(origin):
        return Failure(str(uri)[:300], "the item has no http(s) URI or origin")
    if origin == home:
        if not same_site(uri, home):
            return Failure(
                uri[:300],
                f"the feed of {home} claims an origin URI of another site: refused",
            )
    elif root(uri) != root(origin):
        return Failure(
            uri[:300], f"the item's URI is not on its origin instance {origin[:200]}"
        )
    if one.get("action") == "delete":
        return Record(uri, origin, {}, deleted=True, relayed=origin != home)
    commons = one.get("commons")
    if not isinstance(commons, dict):
        return Failure(uri[:300], "the item has no commons")
    return Record(
        origin_uri=uri,
        origin_instance=origin,
        fields={k: v for k, v in commons.items() if k != "themes"},
        page=str(one.get("page") or uri),
        origin_name=str(one.get("origin_name") or "")[:200],
        themes=[str(t) for t in commons.get("themes") or []][:50],
        contributors=_list_of_dicts(one.get("contributors")),
        ledger=_list_of_dicts(one.get("ledger")),
        relayed=origin != home,
    )


def _list_of_dicts(value: Any, limit: int = 500) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [v for v in value[:limit] if isinstance(v, dict)]


# DCAT-AP catalogues -----------------------------------------------------------


def dcat(source: Any, fetch: Fetcher, walk: Walk) -> Found:
    """A DCAT-AP catalogue in any RDF syntax, page after page (hydra)."""
    from fabrique.catalog.imports import from_dcat
    from fabrique.standards import dcat as engine
    from fabrique.standards import rdfio

    url = source.url
    origin = root(url)
    accept = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"
    while url:
        answer = fetch.get(url, accept=accept)
        if answer.status >= 400:
            raise Stopped(f"{url[:300]}: the server answered {answer.status}")
        syntax = _syntax(answer.content_type)
        try:
            graph = rdfio.parse(
                answer.body, name=urlsplit(url).path, syntax=syntax or None
            )
        except StandardsError as exc:
            raise Stopped(f"{url[:300]}: invalid RDF: {exc}") from exc
        datasets, services, warnings = engine.read_graph(graph)
        candidates = from_dcat(datasets, services, warnings)
        for described, candidate in zip(
            [*datasets, *services], candidates, strict=True
        ):
            uri = described.get("source") or described.get("uri") or ""
            if not is_http(uri):
                yield Failure(str(uri)[:300], "the dataset has no http(s) URI")
                continue
            publisher = described.get("publisher") or {}
            people = []
            if publisher.get("uri"):
                people.append(
                    {
                        "uri": publisher["uri"],
                        "name": publisher["name"],
                        "role": "publisher",
                    }
                )
            yield Record(
                origin_uri=uri,
                origin_instance=root(uri) if described.get("source") else origin,
                fields=candidate.fields,
                page=described.get("landing_page") or uri,
                themes=[
                    t["label"] for t in described.get("themes") or [] if t["label"]
                ],
                contributors=people,
                relayed=bool(described.get("source")),
            )
        following = engine.next_page(graph)
        url = urljoin(url, following) if following else ""
    walk.complete = True


def _syntax(content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    return {
        "text/turtle": "turtle",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
        "application/n-triples": "nt",
    }.get(media, "")


# udata (data.gouv.fr's API) ---------------------------------------------------


def udata(source: Any, fetch: Fetcher, walk: Walk) -> Found:
    """Datasets (kind data) and reuses (kind service) of a udata portal,
    following ``next_page``; organisations become the publishers."""
    base = source.url.rstrip("/")
    for path, kind in (("datasets", "data"), ("reuses", "service")):
        url = f"{base}/api/1/{path}/?{urlencode({'page_size': PAGE_SIZE})}"
        while url:
            page = fetch.json(url)
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise Stopped(f"{url[:300]}: not a udata page (no data list)")
            for one in page["data"]:
                yield _udata_record(one, kind, base, path)
            following = page.get("next_page")
            url = urljoin(url, following) if isinstance(following, str) else ""
    walk.complete = True


def _udata_record(one: Any, kind: str, base: str, path: str) -> Record | Failure:
    if not isinstance(one, dict) or not one.get("id"):
        return Failure(str(one)[:200], "a udata item without id")
    page = one.get("page") if is_http(one.get("page")) else ""
    uri = page or f"{base}/{path}/{one['id']}/"
    if one.get("deleted") or one.get("archived"):
        return Record(uri, base, {}, deleted=True)
    description = str(one.get("description") or "")
    fields: dict[str, Any] = {
        "kind": kind,
        "title": str(one.get("title") or "")[:200],
        "summary": (str(one.get("description_short") or "") or description)[:300],
        "description": description,
        "licence": licence(one.get("license")),
        "tags": [str(t) for t in one.get("tags") or []][:30],
        "documentation_url": page,
    }
    if kind == "data":
        resources = [r for r in one.get("resources") or [] if isinstance(r, dict)]
        urls = [r.get("url") for r in resources if is_http(r.get("url"))]
        fields["download_url"] = urls[0] if urls else ""
    else:
        fields["demo_url"] = one.get("url") if is_http(one.get("url")) else ""
    organisation = one.get("organization") or {}
    contributors = []
    if isinstance(organisation, dict) and organisation.get("name"):
        contributors.append(
            {
                "uri": organisation.get("page")
                or f"{base}/organizations/"
                f"{organisation.get('slug') or organisation.get('id')}/",
                "name": str(organisation["name"])[:200],
                "role": "publisher",
            }
        )
    return Record(uri, base, fields, page=page or uri, contributors=contributors)


# CKAN -------------------------------------------------------------------------


def ckan(source: Any, fetch: Fetcher, walk: Walk) -> Found:
    """Packages of a CKAN portal through ``package_search`` (``rows`` and
    ``start``), with their organisation and resources."""
    base = source.url.rstrip("/")
    start, seen = 0, set()
    while True:
        query = urlencode({"rows": PAGE_SIZE, "start": start, "sort": "id asc"})
        url = f"{base}/api/3/action/package_search?{query}"
        answer = fetch.json(url)
        try:
            result = answer["result"]
            count = int(result["count"])
            rows = list(result["results"])
        except (KeyError, TypeError, ValueError) as exc:
            raise Stopped(f"{url[:300]}: not a package_search answer ({exc})") from exc
        ids = {str(r.get("id")) for r in rows if isinstance(r, dict)}
        if ids and ids <= seen:
            raise Stopped(f"{url[:300]}: the page repeats packages already read")
        seen |= ids
        for one in rows:
            yield _ckan_record(one, base)
        start += len(rows)
        if not rows or start >= count:
            break
    walk.complete = True


def _ckan_record(one: Any, base: str) -> Record | Failure:
    if not isinstance(one, dict) or not one.get("id"):
        return Failure(str(one)[:200], "a CKAN package without id")
    uri = f"{base}/dataset/{one['id']}"
    if one.get("state") == "deleted" or one.get("private"):
        return Record(uri, base, {}, deleted=True)
    page = f"{base}/dataset/{one.get('name') or one['id']}"
    notes = str(one.get("notes") or "")
    resources = [r for r in one.get("resources") or [] if isinstance(r, dict)]
    urls = [r.get("url") for r in resources if is_http(r.get("url"))]
    kind = "service" if one.get("type") == "showcase" else "data"
    fields = {
        "kind": kind,
        "title": str(one.get("title") or one.get("name") or "")[:200],
        "summary": notes.split("\n", 1)[0][:300],
        "description": notes,
        "licence": licence(one.get("license_id")),
        "tags": [
            str(t.get("name")) for t in one.get("tags") or [] if isinstance(t, dict)
        ][:30],
        "documentation_url": one.get("url") if is_http(one.get("url")) else "",
        "download_url": urls[0] if urls else "",
    }
    organisation = one.get("organization") or {}
    contributors = []
    if isinstance(organisation, dict) and organisation.get("name"):
        contributors.append(
            {
                "uri": f"{base}/organization/{organisation['name']}",
                "name": str(organisation.get("title") or organisation["name"])[:200],
                "role": "publisher",
            }
        )
    themes = [
        str(g.get("title") or g.get("name"))
        for g in one.get("groups") or []
        if isinstance(g, dict)
    ]
    return Record(
        uri, base, fields, page=page, contributors=contributors, themes=themes
    )


HARVESTERS: dict[str, Harvester] = {
    "fabrique": fabrique,
    "dcat": dcat,
    "udata": udata,
    "ckan": ckan,
}
