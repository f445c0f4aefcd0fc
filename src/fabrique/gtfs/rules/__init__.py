"""Validation rules, grouped by topic; importing a module registers its rules."""

from __future__ import annotations

import importlib

# Order matters: checks run in this order (fields before cross-file rules).
RULE_MODULES = (
    "reading",
    "fields",
    "keys",
    "derived",
    "agency",
    "stops",
    "routes",
    "trips",
    "stop_times",
    "calendar",
    "shapes",
    "feed_info",
    "transfers",
    "fares",
    "service_window",
    "consistency",
    "shapes_distance",
    "timeframes",
    "transfer_checks",
    "pathways",
    "translations",
    "flex",
    "shape_matching",
    "locations",
    "characters",
)


def load_rules() -> None:
    """Import every rule module (idempotent), filling the registry."""
    for name in RULE_MODULES:
        importlib.import_module(f"fabrique.gtfs.rules.{name}")
