"""Search over every indexed object type, behind one backend interface.

- :func:`search` (``service.py``): the one entry point of pages and the API.
- ``registry.py``: which object types are indexed and how (``catalogue.py``
  registers commons and actors).
- ``index.py``: reindex, remove, rebuild; ``signals.py`` keeps it current.
- ``backends/``: SQLite FTS5 (default) and PostgreSQL full text.
- ``text.py``: folding, tokens, stems and the query parser.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SearchError", "SearchResult", "search"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the package does not need the app registry.
    if name in __all__:
        from fabrique.core.search import service

        return getattr(service, name)
    raise AttributeError(name)
