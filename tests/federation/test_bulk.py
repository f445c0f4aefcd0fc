"""A harvest writes its new commons by batches: each is what any new commons
is (first revision, "created" activity, search document, change feed entry,
counters), with a slug of its own."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.utils.text import slugify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.catalog.models import Commons
from fabrique.catalog.services import RESERVED_SLUGS
from fabrique.core.models import Activity, Revision
from fabrique.core.revisions import save_revision, snapshot
from fabrique.core.search.models import SearchDocument, SearchFacet
from fabrique.federation import bulk, harvest
from fabrique.federation.models import ChangeEntry, HarvestSource, RemoteCommons
from fabrique.projects.models import EcosystemCount
from tests.catalog.factories import make_commons, make_theme
from tests.federation.feeds import REMOTE, description, feed_url, item, page


def _harvest(recorded, items):
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page(items))
    last = max(i["seq"] for i in items)
    recorded.add(feed_url(last), page([]) | {"cursor": last})
    source = HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")
    return harvest.run_source(source)


@pytest.mark.django_db(transaction=True)
def test_new_commons_are_written_as_any_new_commons(recorded):
    theme = make_theme("Vélo", slug="velo")
    make_commons(title="Vélos")  # a local commons has the slug "velos"
    counters = EcosystemCount.objects.filter(metric="commons", key="data|beta")
    before = sum(c.value for c in counters)
    run = _harvest(
        recorded,
        [
            item(1, "velos", themes=["Vélo"]),
            item(2, "velos-bis", title="Velos"),
            item(3, "parkings"),
        ],
    )
    assert (run.created, run.failed, run.stopped) == (3, [], "")
    harvested = Commons.objects.filter(remote__isnull=False).order_by("pk")
    assert [c.slug for c in harvested] == ["velos-2", "velos-3", "parkings"]
    first = harvested[0]
    assert list(first.themes.all()) == [theme]
    for commons in harvested:
        assert commons.revision == 1
        (revision,) = Revision.objects.filter(object_id=commons.pk, number=1)
        # The stored content is the commons as read back from the database.
        assert revision.content == snapshot(Commons.objects.get(pk=commons.pk))
        assert revision.comment.startswith(("Harvested from", "Moissonné"))
        (activity,) = Activity.objects.filter(object_id=commons.pk, verb="created")
        assert activity.data["revision_id"] == revision.pk
        assert activity.actor is None
        document = SearchDocument.objects.get(type="commons", object_id=commons.pk)
        assert document.title == commons.title
        assert SearchFacet.objects.filter(
            document=document, name="origin", value=REMOTE
        ).exists()
        # This instance's own feed relays it with its origin.
        entry = ChangeEntry.objects.get(commons_id=commons.pk)
        assert (entry.action, entry.origin_instance) == ("create", REMOTE)
        assert entry.uri == commons.remote.origin_uri
    # The counters moved as three single saves would move them.
    assert sum(c.value for c in counters.all()) == before + 3


@pytest.mark.django_db(transaction=True)
def test_the_activity_entry_is_the_one_a_single_save_writes(recorded):
    _harvest(recorded, [item(1, "velos")])
    harvested = Commons.objects.get()
    by_bulk = Activity.objects.get(object_id=harvested.pk)
    alone = Commons(**{f: getattr(harvested, f) for f in Commons.REVISION_FIELDS})
    alone.slug = "seul"
    change = save_revision(alone, user=None, base_revision=None, comment="x")
    by_one = Activity.objects.get(object_id=alone.pk)
    assert by_bulk.data["changed"] == change.changed == by_one.data["changed"]
    assert by_bulk.data["words"] == by_one.data["words"]


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_cannot_be_written_together_is_written_one_by_one(
    recorded, monkeypatch
):
    def taken(*args, **kwargs):
        raise IntegrityError("a slug was taken meanwhile")

    monkeypatch.setattr(bulk, "create_harvested", taken)
    run = _harvest(recorded, [item(1, "velos"), item(2, "parkings")])
    assert (run.created, run.failed) == (2, [])
    assert RemoteCommons.objects.count() == 2
    assert Revision.objects.filter(number=1).count() == 2
    assert ChangeEntry.objects.filter(action="create").count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_item_twice_in_a_batch_is_created_once_then_updated(recorded):
    run = _harvest(
        recorded, [item(1, "velos"), item(2, "velos", title="Vélos", action="update")]
    )
    assert (run.created, run.updated) == (1, 1)
    assert list(Commons.objects.values_list("title", flat=True)) == ["Vélos"]


TITLES = st.lists(
    st.sampled_from(["Vélos", "velos", "Vélos 2", "nouveau", "", "Parkings", "!!"]),
    max_size=8,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=TITLES)
def test_slugs_are_distinct_free_and_made_from_their_title(titles):
    for slug in ("velos", "velos-2", "velos-4"):
        Commons.objects.get_or_create(
            slug=slug, defaults={"title": slug, "summary": "s", "kind": "data"}
        )
    slugs = bulk.unique_slugs(titles)
    assert len(set(slugs)) == len(slugs) == len(titles)
    assert not set(slugs) & {"velos", "velos-2", "velos-4", *RESERVED_SLUGS}
    for title, slug in zip(titles, slugs, strict=True):
        base = slugify(title)[:200] or "commons"
        assert slug == base or slug.startswith(base + "-")
