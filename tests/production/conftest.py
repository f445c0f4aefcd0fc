"""The real thing, as an operator runs it: ``fabrique serve`` and ``fabrique worker``.

The processes are started by ``topology.py`` of this folder (shared with the
load and fault benchmark); here, a test whose services are not configured is
skipped. Run with ``pytest -m production -n 0 tests/production`` and
``DATABASE_URL`` (a PostgreSQL server) and ``REDIS_URL`` set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.production.topology import (
    Instance,
    Unavailable,
    free_port,
    postgres_url,
    redis_url,
    wait_for,
)
from tests.production.topology import running as _running

__all__ = ["Instance", "free_port", "queue", "running", "wait_for"]


@contextlib.contextmanager
def running(
    folder: Path, queue: str, *, worker: bool = True, **settings: str
) -> Iterator[Instance]:
    """Migrate a fresh database, then run ``fabrique serve`` (and the worker)."""
    try:
        postgres_url()
        if queue == "rq":
            redis_url()
    except Unavailable as exc:
        pytest.skip(f"production tests: {exc}")
    with _running(folder, queue, worker=worker, **settings) as instance:
        yield instance


@pytest.fixture(params=["rq", "database"])
def queue(request: pytest.FixtureRequest) -> str:
    return str(request.param)
