"""Edit conflicts: compare the editor's version with the current one.

A three-way view: for each field, what the editor started from (base), what
they submitted (yours) and what is stored now (current). The merge proposal
takes the editor's value where only they changed it, the current value where
only the other person did, and the editor's value (flagged) where both did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.safestring import SafeString

from fabrique.catalog.models import Theme
from fabrique.core.diff import as_text, word_diff
from fabrique.core.revisions import revisions_of, snapshot


@dataclass(frozen=True)
class ConflictRow:
    name: str
    label: str
    current_html: SafeString
    yours_html: SafeString
    state: str  # "same", "yours", "theirs" or "both"


@dataclass(frozen=True)
class Conflict:
    rows: list[ConflictRow]
    merged: dict[str, Any]
    current_revision: int

    @property
    def both_changed(self) -> list[ConflictRow]:
        return [row for row in self.rows if row.state == "both"]


def _normalise(name: str, value: Any) -> Any:
    if name == "themes":
        return sorted(t.slug if isinstance(t, Theme) else str(t) for t in (value or []))
    return value


def merge_value(base: Any, mine: Any, theirs: Any) -> tuple[str, Any]:
    """Three-way merge of one field: ``(state, proposed value)``.

    >>> merge_value("a", "a", "b")
    ('theirs', 'b')
    """
    if mine == theirs:
        return "same", theirs
    if mine == base:
        return "theirs", theirs
    if theirs == base:
        return "yours", mine
    return "both", mine


def labels_for(model: type[models.Model]) -> dict[str, str]:
    return {
        f.name: str(f.verbose_name)
        for f in model._meta.get_fields()
        if hasattr(f, "verbose_name")
    }


def build_conflict(
    obj: models.Model,
    *,
    base_revision: int,
    yours: dict[str, Any],
    fields: list[str],
) -> Conflict:
    """Compare ``yours`` (the submitted content) with the stored object."""
    fresh = type(obj).objects.get(pk=obj.pk)
    current = snapshot(fresh)
    base_row = revisions_of(fresh).filter(number=base_revision).first()
    base = base_row.content if base_row else {}
    labels = labels_for(type(obj))
    rows, merged = [], {}
    for name in fields:
        mine = _normalise(name, yours.get(name))
        theirs = _normalise(name, current.get(name))
        old = _normalise(name, base.get(name, theirs))
        state, merged[name] = merge_value(old, mine, theirs)
        current_html, yours_html = word_diff(as_text(theirs), as_text(mine))
        rows.append(
            ConflictRow(
                name=name,
                label=labels.get(name, name),
                current_html=current_html,
                yours_html=yours_html,
                state=state,
            )
        )
    return Conflict(rows=rows, merged=merged, current_revision=fresh.revision)
