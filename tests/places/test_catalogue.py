from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from fabrique.accounts.models import User
from fabrique.catalog.models import Actor, Place
from fabrique.core import moderation
from fabrique.geocoder.index import Index
from fabrique.places import catalogue, engine
from tests.catalog.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_copy(settings, places_index: Path, tmp_path: Path) -> Path:
    """A private copy of the fixture index, so rebuilds touch no other test."""
    folder = tmp_path / "index"
    shutil.copytree(places_index, folder)
    settings.GEOCODER_INDEX = folder
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    engine.reset()
    return folder


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks registered with ``transaction.on_commit`` on exit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def rebuilds(callbacks: list) -> list:
    """The place rebuilds among the callbacks run after a commit (on
    PostgreSQL, the cached pages' versions move after the commit too)."""
    return [c for c in callbacks if c.__module__ == "fabrique.places.sources"]


def make_actor(on_commit, **fields) -> Actor:
    values = {"name": "Atelier Roue Libre", "slug": "roue-libre", "type": "association"}
    with on_commit():
        return Actor.objects.create(**(values | fields))


def make_place(on_commit, actor: Actor, **fields) -> Place:
    values = {
        "name": "Garage solidaire",
        "city": "Rodez",
        "postcode": "12000",
        "lat": 44.351,
        "lon": 2.575,
    }
    with on_commit():
        return Place.objects.create(actor=actor, **(values | fields))


def search_places(client, q: str) -> list[dict]:
    response = client.get("/search/", {"q": q, "type": "place"})
    assert response.status_code == 200, response.content
    return [feature["properties"] for feature in response.json()["features"]]


def catalogue_ids(client, q: str) -> list[str]:
    return [p["id"] for p in search_places(client, q) if p["id"].startswith("actor:")]


def signature(folder: Path) -> tuple[int, int]:
    stat = (folder / "manifest.json").stat()
    return stat.st_ino, stat.st_mtime_ns


def test_a_place_created_in_the_catalogue_is_found_by_the_search(
    client, index_copy, on_commit
):
    actor = make_actor(on_commit)
    place = make_place(on_commit, actor)
    features = search_places(client, "garage solidaire rodez")
    assert features[0]["id"] == f"actor:roue-libre:{place.pk}"
    assert features[0]["type"] == "place"
    assert features[0]["name"] == "Garage solidaire — Atelier Roue Libre"
    assert features[0]["postcode"] == "12000"
    assert features[0]["city"] == "Rodez"


def test_a_place_is_found_by_its_actor_name_too(client, index_copy, on_commit):
    actor = make_actor(on_commit)
    place = make_place(on_commit, actor)
    assert catalogue_ids(client, "roue libre") == [f"actor:roue-libre:{place.pk}"]


def test_a_hidden_actors_places_disappear(client, index_copy, on_commit):
    actor = make_actor(on_commit)
    make_place(on_commit, actor)
    assert catalogue_ids(client, "garage solidaire")
    actor.hidden = True
    with on_commit():
        actor.save()
    assert catalogue_ids(client, "garage solidaire") == []


def test_moderators_hiding_and_restoring_an_actor_drops_and_brings_back_its_places(
    client, index_copy, on_commit
):
    moderator = make_user("moderator", role=User.Role.MODERATOR)
    actor = make_actor(on_commit)
    make_place(on_commit, actor)
    with on_commit():
        moderation.hide(actor, moderator=moderator, reason="Publicité.")
    assert catalogue_ids(client, "garage solidaire") == []
    with on_commit():
        moderation.restore(actor, moderator=moderator, reason="Erreur.")
    assert catalogue_ids(client, "garage solidaire")


def test_a_deleted_place_disappears(client, index_copy, on_commit):
    actor = make_actor(on_commit)
    kept = make_place(on_commit, actor, name="Local vélos", city="Millau")
    gone = make_place(on_commit, actor)
    with on_commit():
        gone.delete()
    assert catalogue_ids(client, "garage solidaire") == []
    assert catalogue_ids(client, "local velos millau") == [
        f"actor:roue-libre:{kept.pk}"
    ]


def test_renaming_an_actor_renames_its_places(client, index_copy, on_commit):
    actor = make_actor(on_commit)
    make_place(on_commit, actor)
    actor.name = "Cyclofficine"
    with on_commit():
        actor.save()
    assert search_places(client, "cyclofficine")[0]["name"] == (
        "Garage solidaire — Cyclofficine"
    )


def test_an_edited_place_moves_in_the_index(client, index_copy, on_commit):
    actor = make_actor(on_commit)
    place = make_place(on_commit, actor)
    place.city, place.postcode, place.lat, place.lon = "Albi", "81000", 43.93, 2.15
    with on_commit():
        place.save()
    assert search_places(client, "garage solidaire")[0]["city"] == "Albi"


def test_the_rebuild_leaves_the_other_sources_untouched(client, index_copy, on_commit):
    before = {
        name: signature(index_copy / name)
        for name in ("ban", "bano", "places", "stops")
    }
    actor = make_actor(on_commit)
    make_place(on_commit, actor)
    after = {name: signature(index_copy / name) for name in before}
    assert after == before
    assert (index_copy / catalogue.SOURCE / "manifest.json").is_file()
    body = client.get("/search/", {"q": "12 r de rivoli paris"}).json()
    assert body["features"][0]["properties"]["id"] == "75104_8158_00012"
    assert catalogue_ids(client, "garage solidaire")


def test_no_temporary_folder_is_left_after_a_rebuild(index_copy, on_commit):
    make_place(on_commit, make_actor(on_commit))
    visible = sorted(p.name for p in index_copy.iterdir() if p.is_dir())
    assert visible == ["ban", "bano", "catalogue", "places", "stops"]


def test_the_source_is_removed_when_no_place_is_public(client, index_copy, on_commit):
    actor = make_actor(on_commit)
    make_place(on_commit, actor)
    assert (index_copy / catalogue.SOURCE).is_dir()
    with on_commit():
        actor.delete()
    assert not (index_copy / catalogue.SOURCE).exists()
    assert catalogue_ids(client, "garage solidaire") == []
    assert client.get("/search/", {"q": "rivoli"}).status_code == 200


def test_several_changes_in_one_transaction_rebuild_once(
    index_copy, on_commit, monkeypatch
):
    calls = []
    monkeypatch.setattr(catalogue, "rebuild", lambda: calls.append(1) or 0)
    actor = make_actor(on_commit)
    with on_commit() as callbacks:
        for number in range(3):
            Place.objects.create(actor=actor, name=f"Box {number}", lat=44, lon=2)
    assert len(rebuilds(callbacks)) == 1
    assert calls == [1]


def test_a_rolled_back_change_rebuilds_nothing(index_copy, on_commit):
    actor = make_actor(on_commit)

    def abandoned_change() -> None:
        with transaction.atomic():
            Place.objects.create(actor=actor, name="Jamais", lat=44, lon=2)
            raise RuntimeError("abandon")

    with on_commit() as callbacks, pytest.raises(RuntimeError):
        abandoned_change()
    assert callbacks == []
    assert not (index_copy / catalogue.SOURCE).exists()


def test_saving_an_actor_without_places_rebuilds_nothing(index_copy, on_commit):
    actor = make_actor(on_commit)
    actor.summary = "Réparation"
    with on_commit() as callbacks:
        actor.save()
    assert rebuilds(callbacks) == []


@pytest.mark.django_db(transaction=True)
def test_a_task_queue_that_is_down_does_not_fail_the_save(
    index_copy, monkeypatch, caplog
):
    def down() -> None:
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(catalogue, "_enqueue", down)
    actor = Actor.objects.create(name="Atelier", slug="atelier", type="association")
    place = Place.objects.create(actor=actor, name="Box", lat=44, lon=2)
    assert Place.objects.filter(pk=place.pk).exists()
    assert "queue unreachable" in caplog.text


def test_the_command_rebuilds_the_catalogue_source(client, index_copy, capsys):
    actor = Actor.objects.create(name="Labo", slug="labo", type="lab")
    place = Place.objects.create(
        actor=actor, name="Halle", city="Rodez", lat=44.35, lon=2.57
    )
    shutil.rmtree(index_copy / catalogue.SOURCE, ignore_errors=True)
    call_command("index_catalogue_places")
    assert "1 catalogue places indexed" in capsys.readouterr().out
    with Index.open(index_copy) as index:
        results = index.search("halle labo", type="place")
    assert results[0].id == f"actor:labo:{place.pk}"


def test_the_command_names_an_index_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match="could not rebuild"):
        call_command("index_catalogue_places", index=blocker)


@pytest.mark.parametrize(
    ("place", "actor", "label"),
    [
        ("Garage", "Roue Libre", "Garage — Roue Libre"),
        ("Roue libre", "Roue Libre", "Roue Libre"),
        ("  ", "Roue Libre", "Roue Libre"),
    ],
)
def test_a_place_is_named_after_itself_and_its_actor(place, actor, label):
    assert catalogue.place_label(place, actor) == label
