"""Geocoder sources built from the portal's own rows.

The catalogue's public places and the transport stops are each one source of
the geocoder index, rebuilt whole: under a file lock (two workers never
write one source at once), taken out by a rename when empty (no search sees
it half gone), and scheduled once per transaction, after it commits.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction

from fabrique.geocoder.index import build_documents

from . import engine


@contextmanager
def _locked(folder: Path, source: str) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".{source}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_source(folder: Path, source: str) -> None:
    """Take the source out by a rename first, so no search sees it half gone."""
    path = folder / source
    if not path.exists():
        return
    gone = folder / f".{source}.gone-{os.getpid()}"
    if gone.exists():
        shutil.rmtree(gone)
    path.rename(gone)
    shutil.rmtree(gone)


def rebuild_source(
    source: str,
    documents: Callable[[], Iterable[dict[str, Any]]],
    folder: Path | None = None,
) -> int:
    """Rebuild ``source`` from ``documents()``; return how many were indexed.

    With no document the source is removed rather than left empty.
    """
    root = Path(folder) if folder is not None else engine.index_folder()
    with _locked(root, source):
        rows = list(documents())
        if rows:
            build_documents(root, source, rows)
        else:
            _remove_source(root, source)
    engine.invalidate()
    return len(rows)


def schedule_once(
    source: str, enqueue: Callable[[], None], using: str | None = None
) -> None:
    """Call ``enqueue`` after the current transaction commits, once however
    many changes it holds; a rolled back transaction calls it not at all."""
    connection = transaction.get_connection(using)
    attribute = f"_fabrique_rebuild_{source}"
    pending = getattr(connection, attribute, None)
    if pending is not None and not pending.done:
        # Still waiting for this transaction's commit (not dropped by a rollback)?
        queued = getattr(connection, "run_on_commit", None) or []
        if any(pending in entry for entry in queued):
            return

    def enqueue_rebuild() -> None:
        enqueue_rebuild.done = True  # type: ignore[attr-defined]
        enqueue()

    enqueue_rebuild.done = False  # type: ignore[attr-defined]
    setattr(connection, attribute, enqueue_rebuild)
    transaction.on_commit(enqueue_rebuild, using=using, robust=True)
