"""Search backends, one per database vendor, behind :class:`SearchBackend`.

The backend is chosen by the database vendor, or by the
``FABRIQUE_SEARCH_BACKEND`` setting: ``sqlite``, ``postgresql`` (or
``postgres``) or the dotted path of a :class:`SearchBackend` subclass.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.module_loading import import_string

from fabrique.core.search.backends.base import Match, SearchBackend

BACKENDS = {
    "sqlite": "fabrique.core.search.backends.sqlite.SQLiteBackend",
    "postgresql": "fabrique.core.search.backends.postgresql.PostgreSQLBackend",
}
ALIASES = {"postgres": "postgresql", "fts5": "sqlite"}

__all__ = ["BACKENDS", "Match", "SearchBackend", "get_backend"]

_cache: dict[tuple[str, str], SearchBackend] = {}


def get_backend() -> SearchBackend:
    """The backend for the default database (one instance per configuration)."""
    chosen = getattr(settings, "FABRIQUE_SEARCH_BACKEND", "") or connection.vendor
    chosen = ALIASES.get(chosen, chosen)
    key = (chosen, connection.vendor)
    if key not in _cache:
        path = BACKENDS.get(chosen, chosen)
        if "." not in path:
            raise ImproperlyConfigured(
                f"FABRIQUE_SEARCH_BACKEND={chosen!r}: expected one of "
                f"{', '.join(sorted(BACKENDS))} or a dotted path to a backend class"
            )
        try:
            backend_class = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(
                f"FABRIQUE_SEARCH_BACKEND={chosen!r}: cannot import {path} ({error})"
            ) from error
        backend: SearchBackend = backend_class()
        if backend.vendor and backend.vendor != connection.vendor:
            raise ImproperlyConfigured(
                f"FABRIQUE_SEARCH_BACKEND={chosen!r} needs a {backend.vendor} "
                f"database, but the database is {connection.vendor}"
            )
        _cache[key] = backend
    return _cache[key]
