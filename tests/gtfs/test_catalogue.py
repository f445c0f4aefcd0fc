"""The generated rule catalogue in docs/gtfs/rules.md is current."""

from __future__ import annotations

from pathlib import Path

from fabrique.gtfs.catalogue import render_markdown, rules_by_topic

DOC = Path(__file__).resolve().parents[2] / "docs" / "gtfs" / "rules.md"


def test_the_committed_rule_catalogue_matches_the_registry():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/gtfs/rules.md is stale: run "
        "`python -m fabrique.gtfs.catalogue > docs/gtfs/rules.md`"
    )


def test_the_catalogue_lists_every_rule_once():
    text = render_markdown()
    for rules in rules_by_topic().values():
        for declared in rules:
            assert text.count(f"### `{declared.code}`") == 1
