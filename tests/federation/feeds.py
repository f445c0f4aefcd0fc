"""Remote answers written by the tests: a Fabrique instance's description and
change feed pages, shaped as ``fabrique.federation.changes`` writes them."""

from __future__ import annotations

from typing import Any

REMOTE = "https://quebec.example"


def description(base: str = REMOTE, **extra: Any) -> dict[str, Any]:
    return {
        "protocol": "fabrique-federation/1",
        "url": base,
        "name": "Fabrique Québec",
        "region": "Québec",
        "position": {"lat": 46.81, "lon": -71.21},
        "languages": ["fr", "en"],
        "changes": f"{base}/federation/changes",
        "catalogue": f"{base}/catalogue.ttl",
        "public_key": "",
        "counts": {"commons": 2},
        **extra,
    }


def item(
    seq: int,
    slug: str,
    *,
    title: str = "",
    action: str = "create",
    origin: str = REMOTE,
    uri: str | None = None,
    description: str = "Un commun **du Québec**.",
    **fields: Any,
) -> dict[str, Any]:
    uri = uri or f"{origin}/communs/{slug}/"
    found: dict[str, Any] = {
        "seq": seq,
        "action": action,
        "uri": uri,
        "origin": origin,
        "at": "2026-01-01T00:00:00+00:00",
    }
    if action != "delete":
        found["page"] = uri
        found["origin_name"] = "Fabrique Québec"
        found["commons"] = {
            "title": title or slug.replace("-", " ").capitalize(),
            "summary": "Un commun partagé.",
            "description": description,
            "kind": "data",
            "licence": "ODbL-1.0",
            "maturity": "beta",
            "tags": ["vélo"],
            "themes": [],
            **fields,
        }
        found["contributors"] = [
            {
                "uri": f"acct:marie@{origin.split('://')[1]}",
                "name": "Marie",
                "instance": origin,
                "role": "creator",
            }
        ]
        found["ledger"] = []
    return found


def page(items: list[dict[str, Any]], *, more: bool = False, base: str = REMOTE):
    cursor = max((i["seq"] for i in items), default=0)
    return {"instance": base, "items": items, "cursor": cursor, "more": more}


def feed_url(after: int, base: str = REMOTE) -> str:
    return f"{base}/federation/changes?after={after}&limit=500"
