"""Full storage: writes answer a clear 503 (page or API envelope), reads go on,
and nothing is half-stored.

The database is made full for real with SQLite's ``max_page_count`` (writes
then fail with ``SQLITE_FULL``, as on a full disk).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from fabrique.catalog.models import Commons
from fabrique.core.storage import is_storage_full
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import commons_data, make_commons, make_user

PASSWORD = "a-long-test-password"
# Pages of text (under the 50,000 characters allowed): the write has to grow
# the database.
LARGE_TEXT = "Un texte qui ne tient plus sur le disque. " * 1000


@pytest.fixture
def web():
    return Client(raise_request_exception=False)


@pytest.fixture
def commons_before_full(db):
    return make_commons(title="Un commun d'avant")


def test_pages_are_read_while_the_storage_is_full(web, commons_before_full):
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(make_user("camille"))
    pages = ["/", "/communs/", commons_before_full.get_absolute_url()]
    with _full():
        for page in [*pages, "/api/1/commons/"]:
            assert web.get(page).status_code == 200, page
        for page in [*pages, reverse("accounts:profile")]:
            assert signed_in.get(page).status_code == 200, page


@pytest.mark.usefixtures("english")
def test_a_write_on_full_storage_is_a_clear_503_page_and_stores_nothing(
    web, commons_before_full, settings
):
    user = make_user("camille")
    web.force_login(user)
    count = Commons.objects.count()
    page = commons_before_full.get_absolute_url()
    with _full():
        assert web.get(page).status_code == 200
        assert web.get("/").status_code == 200
        response = web.post(
            reverse("catalog:commons_create"),
            {**commons_data(title="Trop tard"), "description": LARGE_TEXT},
        )
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        text = response.content.decode()
        assert "Storage full" in text
        assert "nothing you sent was saved" in text
    assert Commons.objects.count() == count


def test_the_page_is_in_french_by_default(web, commons_before_full):
    web.force_login(make_user("camille"))
    with _full():
        response = web.post(
            reverse("catalog:commons_create"),
            {**commons_data(title="Trop tard"), "description": LARGE_TEXT},
        )
    assert response.status_code == 503
    assert "Stockage plein" in response.content.decode()


@pytest.mark.usefixtures("english")
def test_an_api_write_on_full_storage_answers_503_in_the_envelope(
    commons_before_full,
):
    api = ApiClient(token_for(make_user("camille")))
    count = Commons.objects.count()
    with _full():
        assert api.get("/api/1/commons/").status_code == 200
        response = api.post(
            "/api/1/commons/", {**commons_data(title="Trop"), "description": LARGE_TEXT}
        )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_full"
    assert "storage is full" in response.json()["error"]["message"]
    assert response["Retry-After"]
    assert Commons.objects.count() == count


class _full:
    """Within the block, the database cannot grow (SQLite only)."""

    def __enter__(self) -> None:
        if connection.vendor != "sqlite":
            pytest.skip("max_page_count is SQLite's")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count")
            self.before = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_count")
            used = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {used}")

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA max_page_count = {self.before}")


def test_postgresql_disk_full_is_recognised_by_its_sqlstate():
    cause = psycopg.errors.DiskFull("could not extend file: No space left on device")
    wrapped = OperationalError(str(cause))
    wrapped.__cause__ = cause
    assert is_storage_full(wrapped)
    assert not is_storage_full(OperationalError("deadlock detected"))


def test_no_space_left_on_a_file_is_recognised():
    assert is_storage_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not is_storage_full(OSError(errno.EACCES, "Permission denied"))


# Run in a process of its own on a database file of a full file system.
FULL_DISK_SCRIPT = """
import json, os, sys
import django
django.setup()
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.catalog.factories import commons_data, make_user

client = Client(raise_request_exception=False)
client.force_login(make_user("camille"))
statuses = {"before": client.get("/").status_code}
# As between two requests: no connection of Django's is open.
connections.close_all()
# Unbuffered: nothing is left to write (and fail) when the file is closed.
with open(os.path.join(sys.argv[1], "filler"), "wb", buffering=0) as filler:
    try:
        while True:
            filler.write(b"\\\\0" * 65536)
    except OSError:
        pass
for page in ["/", "/communs/", "/api/1/commons/"]:
    statuses[page] = client.get(page).status_code
write = client.post(
    reverse("catalog:commons_create"),
    {**commons_data(title="Trop tard"), "description": "Trop long. " * 4000},
)
statuses["write"] = write.status_code
statuses["write page"] = "Stockage plein" in write.content.decode()
print(json.dumps(statuses))
"""


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB file system of its own (needs root; skipped otherwise)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "--lazy", str(folder)], check=False)


@pytest.mark.django_db(transaction=True)
def test_on_a_full_disk_sqlite_reads_are_served_and_writes_are_a_503(small_disk):
    if connection.vendor != "sqlite":
        pytest.skip("the database file of SQLite on a full disk")
    database = small_disk / "fabrique.sqlite3"
    # The test database, migrated, copied to the small disk.
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fabrique.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "FABRIQUE_DATA_DIR": str(small_disk),
    }
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK_SCRIPT, str(small_disk)],
        env=env,
        capture_output=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    statuses = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert statuses == {
        "before": 200,
        "/": 200,
        "/communs/": 200,
        "/api/1/commons/": 200,
        "write": 503,
        "write page": True,
    }
    check = sqlite3.connect(database)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        check.close()
