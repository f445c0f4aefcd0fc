"""The generated problem-code catalogue in docs/vehicles/problems.md is current."""

from __future__ import annotations

from pathlib import Path

from fabrique.vehicles.catalogue import render_markdown
from fabrique.vehicles.compat import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "vehicles" / "problems.md"


def test_the_committed_problem_catalogue_matches_the_registry():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/vehicles/problems.md is stale: run "
        "`python -m fabrique.vehicles.catalogue > docs/vehicles/problems.md`"
    )


def test_the_catalogue_lists_every_code_once():
    text = render_markdown()
    for code in RULES:
        assert text.count(f"| `{code}` |") == 1
