"""Two people joining for the last seat at the same moment never exceed the cap.

Each thread gets its own database connection (Django opens one per thread);
a barrier lines them up so their transactions overlap. On PostgreSQL the row
lock (``SELECT … FOR UPDATE``) serialises them; on SQLite the ``IMMEDIATE``
transactions do. SQLite's in-memory test database shares one cache between
connections, whose table locks ignore the busy timeout; the race runs on a
file copy of it instead, as the site runs.
"""

import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections

from fabrique.community import services
from fabrique.community.models import Participation
from tests.catalog.factories import make_user
from tests.community.factories import make_challenge

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _file_database(tmp_path):
    """On SQLite, run the block on a file copy of the test database."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    memory_name = connection.settings_dict["NAME"]
    memory = connection.connection  # keeps the in-memory database alive
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.connection = memory


def _race(challenge, people):
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def join(user):
        try:
            barrier.wait(timeout=30)
            services.join_challenge(challenge, user=user)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_joins_for_the_last_seat_never_exceed_the_cap(tmp_path):
    challenge = make_challenge(cap=15)
    for _ in range(14):
        services.join_challenge(challenge, user=make_user())
    last = [make_user(), make_user()]
    with _file_database(tmp_path):
        errors = _race(challenge, last)
        assert errors == []
        rows = Participation.objects.filter(challenge=challenge, user__in=last)
        statuses = sorted(rows.values_list("status", flat=True))
        assert statuses == ["active", "waiting"]
        assert services.seats_taken(challenge) == 15


def test_many_concurrent_joins_fill_exactly_the_cap(tmp_path):
    challenge = make_challenge(cap=15)
    people = [make_user() for _ in range(20)]
    with _file_database(tmp_path):
        errors = _race(challenge, people)
        assert errors == []
        assert services.seats_taken(challenge) == 15
        assert services.waiting_list(challenge).count() == 5


def test_concurrent_leaves_promote_each_waiting_person_once(tmp_path):
    challenge = make_challenge(cap=15)
    people = [make_user() for _ in range(18)]
    rows = [services.join_challenge(challenge, user=p) for p in people]
    leaving = list(zip(rows[:3], people[:3], strict=True))
    barrier = threading.Barrier(len(leaving))
    errors: list[BaseException] = []

    def leave(row, user):
        try:
            barrier.wait(timeout=30)
            services.leave_challenge(row, user=user)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    with _file_database(tmp_path):
        threads = [threading.Thread(target=leave, args=pair) for pair in leaving]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert services.seats_taken(challenge) == 15
        assert services.waiting_list(challenge).count() == 0
