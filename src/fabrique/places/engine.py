"""The geocoder index of this process, opened on first use and reopened on change.

Each gunicorn worker opens the index once; the files are memory-mapped, so
workers share the pages. When a source is rebuilt (its folder is swapped by
a rename), the next request after :data:`CHECK_EVERY` seconds reopens it;
in the process that rebuilt it, :func:`invalidate` makes the next one do so.
The signature of a source is its manifest's inode and modification time, so
two rebuilds within one clock tick are still told apart.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.conf import settings

from fabrique.geocoder.errors import GeocoderError
from fabrique.geocoder.index import Index

CHECK_EVERY = 5.0
_lock = threading.Lock()
_state: dict[str, object] = {}


class IndexUnavailable(Exception):
    """No index could be opened (not built yet, or broken)."""


def index_folder() -> Path:
    return Path(settings.GEOCODER_INDEX)


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    entries = []
    for manifest in folder.glob("*/manifest.json"):
        try:
            stat = manifest.stat()
        except FileNotFoundError:  # a source being swapped right now
            continue
        entries.append((manifest.parent.name, stat.st_ino, stat.st_mtime_ns))
    return tuple(sorted(entries))


def get_index() -> Index:
    """Return the open index, reopening it when a source changed on disk."""
    now = time.monotonic()
    index = _state.get("index")
    checked = _state.get("checked", 0.0)
    if isinstance(index, Index) and now - float(checked) < CHECK_EVERY:  # type: ignore[arg-type]
        return index
    with _lock:
        folder = index_folder()
        signature = _signature(folder)
        _state["checked"] = now
        if isinstance(index, Index) and _state.get("signature") == signature:
            return index
        try:
            opened = Index.open(folder)
        except GeocoderError as exc:
            raise IndexUnavailable(str(exc)) from None
        _state["index"], _state["signature"] = opened, signature
        return opened


def invalidate() -> None:
    """Make the next :func:`get_index` look at the disk (a source was rebuilt).

    The index in use is not closed: a request may still be reading it.
    """
    with _lock:
        _state["checked"] = float("-inf")


def reset() -> None:
    """Forget the open index (tests point the setting elsewhere)."""
    with _lock:
        _state.clear()
