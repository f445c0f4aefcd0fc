"""Full storage: writes answer a clear 503, reads go on.

When the disk (or the database's quota) is full, a write fails inside the
database or the file system; nothing half-written is kept (the transaction
rolls back). ``StorageFullMiddleware`` turns such a failure into a 503 page
that says so, with ``Retry-After``; the API answers the same in its error
envelope (``fabrique.api.errors``), and ``server_error`` (the site's 500
handler) for failures outside views. ``is_storage_full`` recognises:

- SQLite's ``SQLITE_FULL`` ("database or disk is full"), and its I/O errors
  when the database's file system has no free byte left;
- PostgreSQL's ``disk_full`` (SQLSTATE 53100);
- ``OSError`` ``ENOSPC`` / ``EDQUOT`` (uploads, media, transport files).

Reads on a full disk: SQLite in WAL mode needs its ``-wal`` and ``-shm``
files to read, and deletes them when the last connection closes; each
request opening its own connection then has to create them again, which a
full disk refuses ("disk I/O error", even on ``GET /``). So each process
keeps one idle connection to the database file open (``keep_wal_files``,
on the first connection): the files stay, and reads go on. The files of a
database are only missing if the disk filled while no process was running.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("fabrique.storage")

RETRY_AFTER_SECONDS = 300
SQLITE_FULL = 13
SQLITE_IOERR = 10
POSTGRES_DISK_FULL = "53100"
NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


_keepers: dict[str, tuple[int, sqlite3.Connection]] = {}
_keepers_lock = threading.Lock()


def keep_wal_files(sender: object, connection: Any, **kwargs: Any) -> None:
    """Hold one idle connection to a SQLite file per process (see the module);
    connected to ``connection_created``."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return
    with _keepers_lock:
        held = _keepers.get(name)
        if held is not None and held[0] == os.getpid():
            return
        try:
            keeper = sqlite3.connect(name, check_same_thread=False)
            # Reading once opens the -shm file; the connection then holds it.
            keeper.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.Error:
            logger.warning("Could not keep %s open", name, exc_info=True)
            return
        _keepers[name] = (os.getpid(), keeper)


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _sqlite_disk_has_no_room() -> bool:
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict.get("NAME") or "")
    folder = Path(name).parent if name and ":memory:" not in name else None
    if folder is None or not folder.is_dir():
        return False
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def is_storage_full(exc: BaseException) -> bool:
    """Does ``exc`` (or what caused it) say the storage is full?"""
    for error in _causes(exc):
        if isinstance(error, OSError) and error.errno in NO_SPACE:
            return True
        if isinstance(error, sqlite3.Error):
            code = getattr(error, "sqlite_errorcode", None)
            if code is not None and code & 0xFF == SQLITE_FULL:
                return True
            if "database or disk is full" in str(error):
                return True
            if code is not None and code & 0xFF == SQLITE_IOERR:
                return _sqlite_disk_has_no_room()
        if getattr(error, "sqlstate", None) == POSTGRES_DISK_FULL:
            return True
        if getattr(error, "pgcode", None) == POSTGRES_DISK_FULL:
            return True
    return False


def message() -> str:
    return _(
        "The site's storage is full: nothing can be saved right now, and "
        "nothing you sent was saved. Pages can still be read. Please try "
        "again later; the administrators have been warned."
    )


def _page(request: HttpRequest) -> HttpResponse:
    try:
        html = render_to_string(
            "core/storage_full.html", {"message": message()}, request=request
        )
    except Exception:  # the page's own reads may fail too: a bare page
        html = f"<!doctype html><title>503</title><p>{message()}</p>"
    return HttpResponse(html, status=503)


def storage_full_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: the API's error envelope under ``/api/``, else a page."""
    if request.path.startswith("/api/"):
        # The API's error envelope (fabrique.api.errors), which core cannot import.
        response: HttpResponse = JsonResponse(
            {"error": {"code": "storage_full", "message": message(), "details": None}},
            status=503,
        )
    else:
        response = _page(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def log_storage_full(request: HttpRequest, exc: BaseException) -> None:
    logger.error(
        "Storage full on %s %s: %s", request.method, request.path, exc, exc_info=exc
    )


class StorageFullMiddleware:
    """Answer 503 with a clear page when a request fails on full storage."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exc: Exception
    ) -> HttpResponse | None:
        if isinstance(exc, DatabaseError | OSError) and is_storage_full(exc):
            log_storage_full(request, exc)
            return storage_full_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, or the 503 of full storage when that was the cause
    (failures outside views, such as saving the session, end here)."""
    exc = sys.exc_info()[1]
    if exc is not None and is_storage_full(exc):
        log_storage_full(request, exc)
        return storage_full_response(request)
    return defaults.server_error(request)
