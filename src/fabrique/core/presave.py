"""The stored row of an object about to be saved, read once per save.

Several ``pre_save`` handlers compare an object with what is stored (the
dashboard counters, the graph's edges, the page-cache token of a renamed
commons). :func:`row_before_save` reads that row the first time one of them
asks during a save and hands the same row to the others; the row is
forgotten when the save starts and when it ends, so a later save (or one
that failed half-way) never sees an old one. A writer that has just read the
row itself (the revision swap of :mod:`fabrique.core.revisions`) hands it to
the next save with :func:`remember`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_save, pre_save

_ROW = "_fabrique_row_before_save"


def row_before_save(sender: type[Model], instance: Model) -> Model | None:
    """``instance``'s row as stored before the save under way (None if new)."""
    if instance.pk is None:
        return None
    found = instance.__dict__.get(_ROW)
    if found is not None and found[0] == instance.pk:
        row: Model | None = found[1]
        return row
    row = sender._default_manager.filter(pk=instance.pk).first()
    instance.__dict__[_ROW] = (instance.pk, row, False)
    return row


def remember(instance: Model, row: Model) -> None:
    """Hand ``row``, just read in the writer's transaction, to the next save of
    ``instance`` as its stored row (the save must follow at once)."""
    instance.__dict__[_ROW] = (instance.pk, row, True)


def _forget_at_start(sender: Any, instance: Model, **kwargs: Any) -> None:
    found = instance.__dict__.pop(_ROW, None)
    if found is not None and found[2]:  # handed by remember() for this save
        instance.__dict__[_ROW] = (found[0], found[1], False)


def _forget(sender: Any, instance: Model, **kwargs: Any) -> None:
    instance.__dict__.pop(_ROW, None)


def connect() -> None:
    """Forget the row at the start and at the end of every save.

    Connected by the core application, the first of the project's: its
    ``pre_save`` receiver runs before the other applications' ones.
    """
    pre_save.connect(_forget_at_start, dispatch_uid="core.presave.start", weak=False)
    post_save.connect(_forget, dispatch_uid="core.presave.end", weak=False)
