"""A dataset page at the level of the national portals: follow and its
notifications (new version, new errors, expiry in 30 and 7 days), reuses,
discussions, a report link, update frequency, temporal coverage, downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabrique.core.models import Activity
from fabrique.notifications.models import Notification
from fabrique.transport import following
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import Dataset, Reuse, Version
from fabrique.transport.tasks import warn_expiring_datasets
from tests.transport.factories import make_dataset, make_resource, make_user, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    owner = make_user()
    dataset = make_dataset(owner)
    resource = make_resource(dataset, owner)
    first = upload(resource, owner, feed_zip(version=1))
    return owner, dataset, resource, first


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def verbs_for(user):
    return list(
        Notification.objects.filter(user=user).values_list("activity__verb", flat=True)
    )


def test_a_follower_hears_of_new_versions_and_new_errors(world):
    owner, dataset, resource, _first = world
    fan = make_user()
    page = signed_in(fan).post(reverse("transport:dataset_follow", args=[dataset.slug]))
    assert page.status_code == 302
    assert page["Location"].endswith(f"{dataset.get_absolute_url()}#follow")
    second = upload(resource, owner, feed_zip(version=2))
    assert "transport_version_published" in verbs_for(fan)
    # The second version had the same errors as the first: nothing "new".
    second.refresh_from_db()
    Version.objects.filter(pk=second.pk).update(errors=0)
    third = upload(resource, owner, feed_zip(version=2, today=dt.date(2026, 1, 1)))
    third.refresh_from_db()
    if third.errors == 0:
        Version.objects.filter(pk=third.pk).update(errors=3)
        third.refresh_from_db()
    assert following.record_new_errors(third)
    assert "transport_new_errors" in verbs_for(fan)
    # Unfollow: nothing more.
    signed_in(fan).post(
        reverse("transport:dataset_follow", args=[dataset.slug]),
        {"action": "unfollow"},
    )
    before = Notification.objects.filter(user=fan).count()
    upload(resource, owner, feed_zip(version=1, today=dt.date(2025, 6, 1)))
    assert Notification.objects.filter(user=fan).count() == before


def test_no_new_errors_when_a_version_has_fewer(world):
    owner, _dataset, resource, first = world
    first.refresh_from_db()
    second = upload(resource, owner, feed_zip(version=2))
    Version.objects.filter(pk=first.pk).update(errors=5)
    Version.objects.filter(pk=second.pk).update(errors=2)
    second.refresh_from_db()
    assert not following.record_new_errors(second)


def test_expiry_warnings_at_30_and_7_days_once_each(world):
    _owner, dataset, _resource, _first = world
    fan = make_user()
    signed_in(fan).post(reverse("transport:dataset_follow", args=[dataset.slug]))
    today = timezone.localdate()
    Dataset.objects.filter(pk=dataset.pk).update(
        valid_until=today + dt.timedelta(days=25)
    )
    assert following.warn_expiring(today) == 1
    assert following.warn_expiring(today) == 0  # once
    assert following.warn_expiring(today + dt.timedelta(days=10)) == 0  # 15 left
    assert following.warn_expiring(today + dt.timedelta(days=19)) == 1  # 6 left
    assert following.warn_expiring(today + dt.timedelta(days=20)) == 0
    warnings = Notification.objects.filter(
        user=fan, activity__verb="transport_expires_soon"
    )
    assert sorted(n.activity.data["threshold"] for n in warnings) == [7, 30]
    # A new end date starts again; data ending in 40 days is not warned yet.
    Dataset.objects.filter(pk=dataset.pk).update(
        valid_until=today + dt.timedelta(days=40)
    )
    assert following.warn_expiring(today) == 0
    assert following.warn_expiring(today + dt.timedelta(days=12)) == 1


def test_the_worker_task_warns_and_comes_back(world, settings):
    _owner, dataset, _resource, _first = world
    settings.TASKS_BACKEND = "database"
    today = timezone.localdate()
    Dataset.objects.filter(pk=dataset.pk).update(
        valid_until=today + dt.timedelta(days=3)
    )
    assert (
        "fabrique.transport.tasks.warn_expiring_datasets"
        in settings.FABRIQUE_PERIODIC_TASKS
    )
    assert warn_expiring_datasets.call() == 1
    entry = Activity.objects.get(verb="transport_expires_soon")
    assert entry.data["threshold"] == 7
    assert entry.data["days_left"] == 3


def test_declaring_a_reuse(world, client):
    _owner, dataset, _resource, _first = world
    url = reverse("transport:reuse_create", args=[dataset.slug])
    assert client.post(url, {"title": "x"}).status_code == 302  # sign in first
    user = make_user()
    me = signed_in(user)
    bad = me.post(
        url, {"title": "Ma carte", "url": "javascript:alert(1)", "kind": "map"}
    )
    assert bad.status_code == 400
    assert not Reuse.objects.exists()
    ok = me.post(
        url,
        {
            "title": "Ma carte des arrêts",
            "url": "https://exemple.org/carte",
            "kind": "map",
            "by": "Atelier Vélo",
        },
    )
    assert ok.status_code == 302
    reuse = Reuse.objects.get()
    assert (reuse.kind, reuse.by, reuse.created_by) == ("map", "Atelier Vélo", user)
    again = me.post(
        url, {"title": "Encore", "url": "https://exemple.org/carte", "kind": "map"}
    )
    assert again.status_code == 400
    html = client.get(dataset.get_absolute_url()).content.decode()
    assert "Ma carte des arrêts" in html
    assert 'href="https://exemple.org/carte"' in html
    assert reverse("core:report", args=["transport.reuse", reuse.pk]) in html
    # Hidden by moderation: gone from the page.
    Reuse.objects.update(hidden=True)
    assert (
        "Ma carte des arrêts"
        not in client.get(dataset.get_absolute_url()).content.decode()
    )


def test_the_reuse_api(world):
    from tests.api.conftest import token_for

    _owner, dataset, _resource, _first = world
    user = make_user()
    api = f"/api/1/transport/datasets/{dataset.slug}/reuses/"
    anonymous = Client().post(
        api,
        {"title": "t", "url": "https://a.example/"},
        content_type="application/json",
    )
    assert anonymous.status_code == 401
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
    bad = Client().post(
        api,
        {"title": "t", "url": "ftp://a.example/"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422
    made = Client().post(
        api,
        {"title": "Appli", "url": "https://a.example/", "kind": "application"},
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201, made.content
    listed = Client().get(api).json()
    assert [r["title"] for r in listed] == ["Appli"]


def test_page_shows_follow_discussions_report_frequency_coverage_downloads(
    world, client, english
):
    owner, dataset, resource, first = world
    second = upload(resource, owner, feed_zip(version=2))
    Version.objects.filter(pk=first.pk).update(
        created=timezone.now() - dt.timedelta(days=7)
    )
    for _ in range(3):
        got = client.get(reverse("transport:version_file", args=[second.pk]))
        b"".join(got.streaming_content)
    page = client.get(dataset.get_absolute_url())
    html = page.content.decode()
    assert page.context["frequency"].label == "about every week"
    coverage = page.context["coverage"]
    assert coverage.first_from is not None
    assert coverage.last_until is not None
    assert "Temporal coverage" in html
    assert "Downloaded 3 times from this site" in html
    assert reverse("core:report", args=["catalog.commons", dataset.commons.pk]) in html
    assert reverse("catalog:discussions", args=[dataset.slug]) in html
    assert "Follow · 0" in html
    Version.objects.filter(pk=second.pk).update(downloads=0)
    api = Client().get(f"/api/1/transport/versions/{second.pk}/").json()
    assert api["downloads"] == 0


@pytest.mark.parametrize(
    ("gaps", "label"),
    [
        ([], "no version yet"),
        ([0], "one version so far"),
        ([1, 1, 1], "about every day"),
        ([7, 6, 8], "about every week"),
        ([30, 31, 29, 400], "about every month"),
        ([90, 91], "about every quarter"),
        ([365], "about every year"),
        ([800], "less than once a year"),
    ],
)
def test_update_frequency_reads_the_median_gap(gaps, label, english):
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    dates = [start] if gaps else []
    for gap in gaps[1:] if gaps == [0] else gaps:
        dates.append(dates[-1] + dt.timedelta(days=gap))
    assert following.update_frequency(list(reversed(dates))).label == label


def test_an_expiry_warning_reads_in_the_readers_language_with_the_data_as_subject(
    world,
):
    from django.utils import translation

    _owner, dataset, _resource, _first = world
    fan = make_user()
    signed_in(fan).post(reverse("transport:dataset_follow", args=[dataset.slug]))
    today = dt.date(2026, 12, 7)
    Dataset.objects.filter(pk=dataset.pk).update(valid_until=dt.date(2026, 12, 12))
    with translation.override("fr"):  # the worker's language
        assert following.warn_expiring(today) == 1

    reader = signed_in(fan)
    reader.cookies["django_language"] = "en"
    page = reader.get(reverse("notifications:list")).content.decode()
    assert "The data ends on Dec. 12, 2026, in 5 days." in page
    assert "Les données" not in page
    assert "2026-12-12" not in page
    assert "Someone" not in page
    assert (
        f"{dataset.commons.title}</a></strong> is about to see its data expire" in page
    )

    reader.cookies["django_language"] = "fr"
    page = reader.get(reverse("notifications:list")).content.decode()
    assert "Les données s’arrêtent le 12 décembre 2026, dans 5 jours." in page
    assert "Quelqu’un" not in page
    # The dataset's own activity list says the same, in the reader's language.
    page = reader.get(dataset.commons.get_absolute_url()).content.decode()
    assert "Les données s’arrêtent le 12 décembre 2026" in page


def test_the_report_says_when_the_version_came_without_a_doubled_full_stop(world):
    _owner, _dataset, _resource, first = world
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("transport:report", args=[first.pk])).content.decode()
    line = page.split('<p class="muted">Version 1, received on ', 1)[1].split("</p>")[0]
    assert not line.endswith(".."), line
    assert line.endswith(("a.m.", "p.m.", "noon", "midnight")), line
