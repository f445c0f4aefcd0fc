"""The generated NeTEx rule catalogue in docs/netex/rules.md is current."""

from __future__ import annotations

from pathlib import Path

from fabrique.netex.catalogue import render_markdown
from fabrique.netex.rules import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "netex" / "rules.md"


def test_the_committed_rule_catalogue_matches_the_registry():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/netex/rules.md is stale: run "
        "`python -m fabrique.netex.catalogue > docs/netex/rules.md`"
    )


def test_the_catalogue_lists_every_rule_once():
    text = render_markdown()
    for code in RULES:
        assert text.count(f"### `{code}`") == 1
