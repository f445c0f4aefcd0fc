"""Versions of cached things: they move on every write, writers do not queue
on them, and nothing read before a write commits is served after it."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction

from fabrique.catalog import services
from fabrique.core import versions
from fabrique.core.search import search

from ..catalog.factories import commons_data, make_commons, make_user

pytestmark = pytest.mark.django_db


def _edit(commons, user, **changes):
    data = commons_data(**{"title": commons.title, **changes})
    return services.update_commons(
        commons, user=user, data=data, base_revision=commons.revision
    )


@pytest.mark.parametrize("name", versions.NAMES)
def test_a_version_moves_on_every_bump_and_never_comes_back(name):
    seen = [versions.current(name)]
    for _ in range(3):
        versions.bump(name)
        seen.append(versions.current(name))
    assert len(set(seen)) == len(seen)


def test_an_unknown_version_is_refused():
    with pytest.raises(ValueError, match="unknown version"):
        versions.current("nope")
    with pytest.raises(ValueError, match="unknown version"):
        versions.bump("nope")


def test_an_edit_moves_the_search_version_and_shows_in_the_next_search():
    user = make_user()
    item = make_commons(user=user, title="Vélo cargo partagé")
    assert [h.title for h in search("cargo", types=["commons"]).hits] == [
        "Vélo cargo partagé"
    ]
    before = versions.current("search")
    _edit(item, user, title="Remorque cargo partagée")
    assert versions.current("search") != before
    assert [h.title for h in search("cargo", types=["commons"]).hits] == [
        "Remorque cargo partagée"
    ]


# Two sessions at once: PostgreSQL only (SQLite takes one writer at a time).


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two concurrent writing sessions need PostgreSQL")


class Writer(threading.Thread):
    """Runs ``work`` in a transaction of its own connection, and holds the
    transaction open until told to commit."""

    def __init__(self, work) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.written = threading.Event()
        self.commit = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.work()
                self.written.set()
                assert self.commit.wait(30), "never told to commit"
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.written.set()
            connections.close_all()

    def finish(self) -> None:
        self.commit.set()
        self.join(30)
        if self.error is not None:
            raise self.error


@pytest.mark.django_db(transaction=True)
def test_two_writers_edit_two_commons_without_waiting_for_each_other():
    """An edit whose transaction is still open does not hold the next writer:
    the versions it moved (search, graph, dashboards) lock no row.

    Each commons was edited once before, as the load benchmark's writers do:
    later edits grow the ledger's automatic entry of that first edit. (A new
    entry still moves the month's contributions counter, a row every new
    entry of the month shares.)"""
    _postgresql_only()
    user = make_user()
    first = make_commons(user=user, title="Vélo cargo partagé")
    second = make_commons(user=user, title="Remorque de quartier")
    _edit(first, user, summary="Un vélo pour deux rues.")
    _edit(second, user, summary="Une remorque pour la halle.")
    first.refresh_from_db()
    second.refresh_from_db()
    writer = Writer(lambda: _edit(first, user, summary="Un vélo pour trois rues."))
    writer.start()
    try:
        assert writer.written.wait(30)
        assert writer.error is None
        # Any lock the open edit holds that this one needs fails it in 3 s.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            _edit(second, user, summary="Une remorque pour le marché.")
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            for name in versions.NAMES:
                versions.bump(name)
    finally:
        writer.finish()
    second.refresh_from_db()
    assert second.summary == "Une remorque pour le marché."


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", versions.NAMES)
def test_a_version_read_before_a_commit_is_old_once_it_commits(name):
    """A reader who took the version while a write was open, and so read the
    rows before it, stored what it read under a version no one reads after
    the commit."""
    _postgresql_only()
    writer = Writer(lambda: versions.bump(name))
    writer.start()
    assert writer.written.wait(30)
    read_during = versions.current(name)
    writer.finish()
    assert versions.current(name) != read_during


@pytest.mark.django_db(transaction=True)
def test_a_search_made_before_an_edit_commits_is_not_served_after_it():
    _postgresql_only()
    cache.clear()
    user = make_user()
    item = make_commons(user=user, title="Vélo cargo partagé")
    writer = Writer(lambda: _edit(item, user, title="Tramway cargo partagé"))
    writer.start()
    assert writer.written.wait(30)
    # Another visitor searches meanwhile: the edit is not committed yet, the
    # answer (the old title) is cached.
    assert [h.title for h in search("cargo", types=["commons"]).hits] == [
        "Vélo cargo partagé"
    ]
    writer.finish()
    assert [h.title for h in search("cargo", types=["commons"]).hits] == [
        "Tramway cargo partagé"
    ]


@pytest.fixture
def one_transaction(django_capture_on_commit_callbacks):
    """A transaction to open (PostgreSQL's: its versions move after commit)
    and the callbacks it leaves for its commit, run when it closes."""
    if connection.vendor != "postgresql":
        pytest.skip("the move after commit is PostgreSQL's (sequences)")
    callbacks: list = []

    @contextlib.contextmanager
    def opened():
        with (
            django_capture_on_commit_callbacks(execute=True) as captured,
            transaction.atomic(),
        ):
            yield callbacks
        callbacks.extend(captured)

    return opened


def test_many_bumps_in_one_transaction_move_the_version_once_more_after_commit(
    one_transaction,
):
    with one_transaction() as callbacks:
        for _ in range(3):
            versions.bump("search")
            versions.bump("graph")
        inside = {name: versions.current(name) for name in ("search", "graph")}
    assert len(callbacks) == 1  # one move after commit, of both versions
    assert callbacks[0].names == ["search", "graph"]
    for name, before in inside.items():
        assert versions.current(name) > before


def test_a_move_after_commit_is_not_joined_to_one_a_rollback_may_drop(
    one_transaction,
):
    with one_transaction() as callbacks:
        with transaction.atomic():
            versions.bump("search")  # asked inside a savepoint, since released
        versions.bump("graph")  # not joined to it: asked at the outer level
        with transaction.atomic():
            versions.bump("search")  # joined to the outer level's
        try:
            with transaction.atomic():
                versions.bump("dashboards")  # joined too: kept by the rollback
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        inside = {name: versions.current(name) for name in versions.NAMES}
    assert [c.names for c in callbacks] == [
        ["search"],
        ["graph", "search", "dashboards"],
    ]
    for name, before in inside.items():
        assert versions.current(name) > before


def test_a_bump_in_a_rolled_back_savepoint_still_moves_after_commit(
    one_transaction,
):
    with one_transaction() as callbacks:
        try:
            with transaction.atomic():
                versions.bump("search")
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        versions.bump("search")
        inside = versions.current("search")
    assert len(callbacks) == 1
    assert versions.current("search") > inside


def test_a_move_asked_in_a_block_without_savepoint_is_joined_after_it(
    one_transaction,
):
    with one_transaction() as callbacks:
        with transaction.atomic(savepoint=False):  # as the search index writes
            versions.bump("search")
        versions.bump("graph")
    assert [c.names for c in callbacks] == [["search", "graph"]]
