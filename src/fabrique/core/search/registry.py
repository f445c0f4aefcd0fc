"""The registry of indexable types: what each object type puts in the index.

A type declares, as data, how to turn one object into a :class:`Document`,
which facets it offers, and which related models change its document (a need
changes its commons). Registering a type is all it takes for it to be indexed
on every save and delete, rebuilt by ``rebuild_search_index`` and searchable
through :func:`fabrique.core.search.search`::

    register(IndexableType(
        name="challenge", label=_("challenges"), model=Challenge,
        build=challenge_document, facets=(Facet("status", _("status")),),
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
)


@dataclass(frozen=True)
class Document:
    """The indexed content of one object. ``text_a`` weighs most, ``text_c`` least."""

    title: str
    url: str
    updated: datetime
    summary: str = ""
    text_a: str = ""
    text_b: str = ""
    text_c: str = ""
    facets: dict[str, list[str]] = field(default_factory=dict)


def _same(values: Sequence[str]) -> dict[str, str]:
    return {value: value for value in values}


@dataclass(frozen=True)
class Facet:
    """A facet: its name in filters, its label, how to show its values."""

    name: str
    label: Any
    # Values -> display labels, in one call (one query for a whole page).
    labels: Callable[[Sequence[str]], dict[str, str]] = _same
    # Shown values at most (the selected ones are always shown).
    limit: int = 20


@dataclass(frozen=True)
class Dependency:
    """A related model whose changes change documents of the indexed type.

    ``targets`` maps an instance of ``model`` to the primary keys of the
    indexed objects to rebuild. For a many-to-many ``through`` model,
    ``m2m_field`` names the field on the indexed model.
    """

    model: type[models.Model] | str
    targets: Callable[[Any], Iterable[int]] = lambda instance: ()
    m2m_field: str = ""


@dataclass(frozen=True)
class IndexableType:
    """An object type search indexes: e.g. commons, actors."""

    name: str
    label: Any
    model: type[models.Model]
    build: Callable[[Any], Document | None]
    facets: tuple[Facet, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    # The objects to index, related data prefetched (defaults to all).
    queryset: Callable[[], models.QuerySet[Any]] | None = None

    def objects(self) -> models.QuerySet[Any]:
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.all()


_TYPES: dict[str, IndexableType] = {}


def register(indexable: IndexableType) -> IndexableType:
    """Add a type to the index and keep its documents current from now on."""
    from fabrique.core.search import signals

    if indexable.name in _TYPES:
        if _TYPES[indexable.name] == indexable:
            return indexable
        raise ValueError(f"search type {indexable.name!r} is already registered")
    _TYPES[indexable.name] = indexable
    uid = f"fabrique-search-{indexable.name}"
    post_save.connect(signals.object_saved, sender=indexable.model, dispatch_uid=uid)
    post_delete.connect(
        signals.object_deleted, sender=indexable.model, dispatch_uid=uid
    )
    for number, dependency in enumerate(indexable.dependencies):
        dep_uid = f"{uid}-{number}"
        if dependency.m2m_field:
            through = getattr(indexable.model, dependency.m2m_field).through
            m2m_changed.connect(
                signals.m2m_changed_handler(indexable.name),
                sender=through,
                dispatch_uid=dep_uid,
                weak=False,
            )
        else:
            post_save.connect(
                signals.dependency_handler(indexable.name, dependency),
                sender=dependency.model,
                dispatch_uid=dep_uid,
                weak=False,
            )
            pre_delete.connect(
                signals.dependency_pre_delete(dependency),
                sender=dependency.model,
                dispatch_uid=dep_uid,
                weak=False,
            )
            post_delete.connect(
                signals.dependency_post_delete(indexable.name),
                sender=dependency.model,
                dispatch_uid=dep_uid,
                weak=False,
            )
    return indexable


def types() -> dict[str, IndexableType]:
    """Every registered type, by name."""
    return dict(_TYPES)


def get_type(name: str) -> IndexableType:
    try:
        return _TYPES[name]
    except KeyError:
        known = ", ".join(sorted(_TYPES)) or "none"
        raise LookupError(f"unknown search type {name!r} (known: {known})") from None


def type_for_model(model: type[models.Model]) -> IndexableType | None:
    for indexable in _TYPES.values():
        if indexable.model is model:
            return indexable
    return None
