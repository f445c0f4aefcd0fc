"""Transport pages: list and filters, dataset page, versions, forms, rights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fabrique.transport.demo import feed_zip
from fabrique.transport.models import Dataset, Resource, Version, VersionStatus
from tests.transport.factories import (
    make_actor,
    make_dataset,
    make_resource,
    make_user,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _dated(title: str, *, until_days: int | None, errors: bool = False) -> Dataset:
    dataset = make_dataset(title=title)
    today = timezone.localdate()
    if until_days is not None:
        Dataset.objects.filter(pk=dataset.pk).update(
            valid_from=today - timedelta(days=100),
            valid_until=today + timedelta(days=until_days),
            has_errors=errors,
        )
    return dataset


def _titles(response) -> list[str]:
    return [item["dataset"].commons.title for item in response.context["items"]]


def test_list_filters_by_validity_and_errors(client):
    _dated("Valide", until_days=200)
    _dated("Bientôt", until_days=10, errors=True)
    _dated("Périmé", until_days=-3)
    _dated("Sans version", until_days=None)
    url = reverse("transport:dataset_list")
    assert sorted(_titles(client.get(url))) == [
        "Bientôt",
        "Périmé",
        "Sans version",
        "Valide",
    ]
    assert sorted(_titles(client.get(url, {"validity": "valid"}))) == [
        "Bientôt",
        "Valide",
    ]
    assert _titles(client.get(url, {"validity": "expiring"})) == ["Bientôt"]
    assert _titles(client.get(url, {"validity": "expired"})) == ["Périmé"]
    assert _titles(client.get(url, {"errors": "yes"})) == ["Bientôt"]
    assert sorted(_titles(client.get(url, {"errors": "no"}))) == ["Périmé", "Valide"]
    # Unknown values are ignored, not an error page.
    response = client.get(url, {"validity": "<script>", "page": "x"})
    assert response.status_code == 200
    assert len(_titles(response)) == 4


def test_list_filters_by_format_and_publisher(client):
    owner = make_user()
    actor = make_actor(owner, name="Régie des Transports de Belvallon")
    with_gbfs = make_dataset(owner, title="Vélos", publisher=actor)
    make_resource(with_gbfs, owner, title="Stations", format="gbfs")
    make_dataset(owner, title="Bus")
    url = reverse("transport:dataset_list")
    assert _titles(client.get(url, {"format": "gbfs"})) == ["Vélos"]
    assert _titles(client.get(url, {"publisher": actor.slug})) == ["Vélos"]
    page = client.get(url).content.decode()
    assert "Régie des Transports de Belvallon" in page


def test_list_is_paginated(client, settings):
    settings.FABRIQUE_PAGE_SIZE = 2
    for n in range(5):
        make_dataset(title=f"Réseau {n}")
    url = reverse("transport:dataset_list")
    first = client.get(url)
    assert len(first.context["items"]) == 2
    assert first.context["next_url"]
    last = client.get(url, {"page": 3})
    assert len(last.context["items"]) == 1
    assert client.get(url, {"page": 99}).status_code == 200


def test_dataset_page_shows_versions_report_and_changes(client):
    user = make_user()
    dataset = make_dataset(user)
    resource = make_resource(dataset, user)
    upload(resource, user, feed_zip(version=1))
    second = upload(resource, user, feed_zip(version=2))
    page = client.get(dataset.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/transport/versions/{second.pk}/rapport/" in html
    assert reverse("transport:version", args=[second.pk]) in html
    assert page.context["version"] == second
    assert page.context["summary"]["counts"]["routes"] == 3
    # Strangers see no upload form.
    assert reverse("transport:version_upload", args=[resource.pk]) not in html
    detail = client.get(reverse("transport:version", args=[second.pk]))
    assert detail.status_code == 200
    trips = next(s for s in detail.context["sections"] if s["key"] == "trips")
    assert trips["counts"]["added"] == 8
    assert "L2-WE-A-01" in detail.content.decode()
    file = client.get(reverse("transport:version_file", args=[second.pk]))
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == feed_zip(version=2)


def test_holder_creates_dataset_resource_and_uploads(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("transport:dataset_create"),
        {
            "title": "Car interurbain",
            "summary": "Les horaires des cars.",
            "licence": "etalab-2.0",
            "coverage": "Val de Loire",
        },
    )
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert dataset.commons.kind == "data"
    assert dataset.coverage == "Val de Loire"
    response = client.post(
        reverse("transport:resource_create", args=[dataset.commons.slug]),
        {
            "title": "GTFS",
            "format": "gtfs",
            "file": SimpleUploadedFile("car.zip", feed_zip(version=1)),
        },
    )
    assert response.status_code == 302, response.content
    resource = Resource.objects.get()
    version = Version.objects.get()
    assert version.status == VersionStatus.READY
    again = client.post(
        reverse("transport:version_upload", args=[resource.pk]),
        {f"r{resource.pk}-file": SimpleUploadedFile("car.zip", feed_zip(version=1))},
        follow=True,
    )
    assert "identical to version 1" in again.content.decode()
    assert Version.objects.count() == 1
    new = client.post(
        reverse("transport:version_upload", args=[resource.pk]),
        {f"r{resource.pk}-file": SimpleUploadedFile("car.zip", feed_zip(version=2))},
        follow=True,
    )
    assert "Version 2 received" in new.content.decode()
    assert Version.objects.count() == 2


def test_strangers_and_visitors_cannot_write(client):
    owner = make_user()
    dataset = make_dataset(owner)
    resource = make_resource(dataset, owner, url="https://example.org/gtfs.zip")
    slug = dataset.commons.slug
    routes = [
        reverse("transport:resource_create", args=[slug]),
        reverse("transport:version_upload", args=[resource.pk]),
        reverse("transport:resource_fetch", args=[resource.pk]),
        reverse("transport:dataset_edit", args=[slug]),
    ]
    for url in routes:
        response = client.post(url, {"title": "x"})
        assert response.status_code == 302
        assert "/login" in response["Location"] or "connexion" in response["Location"]
    client.force_login(make_user())
    for url in routes:
        assert client.post(url, {"title": "x"}).status_code == 403
    assert Resource.objects.count() == 1
    assert client.get(reverse("transport:dataset_create")).status_code == 200


def test_progress_fragment_polls_until_done(client):
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    version = upload(resource, user, feed_zip(version=1))
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.VALIDATING,
        progress=40,
        progress_message="reading stops.txt",
    )
    url = reverse("transport:version_progress", args=[version.pk])
    polling = client.get(url, HTTP_HX_REQUEST="true")
    html = polling.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'value="40"' in html
    assert "stops.txt" in html
    assert "HX-Refresh" not in polling
    Version.objects.filter(pk=version.pk).update(status=VersionStatus.READY)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.content.decode()
    assert done["HX-Refresh"] == "true"


def test_hidden_dataset_is_not_shown(client):
    dataset = make_dataset()
    dataset.commons.hidden = True
    dataset.commons.save()
    assert client.get(dataset.get_absolute_url()).status_code == 404
    assert client.get(reverse("transport:dataset_list")).context["total"] == 0


def test_holder_edits_the_dataset_through_the_catalogue(client):
    user = make_user()
    dataset = make_dataset(user, coverage="Belvallon")
    client.force_login(user)
    url = reverse("transport:dataset_edit", args=[dataset.commons.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Bus de Belvallon et environs",
            "summary": dataset.commons.summary,
            "licence": "ODbL-1.0",
            "coverage": "Belvallon et sa vallée",
        },
    )
    assert response.status_code == 302
    dataset.refresh_from_db()
    dataset.commons.refresh_from_db()
    assert dataset.coverage == "Belvallon et sa vallée"
    assert dataset.commons.title == "Bus de Belvallon et environs"
    assert dataset.commons.revision == 2
    assert client.get(dataset.get_absolute_url()).status_code == 200


def test_the_commons_page_of_a_dataset_links_to_its_transport_page(client):
    dataset = make_dataset()
    page = client.get(reverse("catalog:commons", args=[dataset.commons.slug]))
    assert page.status_code == 200
    assert reverse("transport:dataset", args=[dataset.commons.slug]) in page.text


def test_the_edit_page_of_a_dataset_with_a_publisher_opens_and_saves(client):
    user = make_user()
    publisher = make_actor(user, name="Régie de Belvallon")
    dataset = make_dataset(user, publisher=publisher)
    client.force_login(user)
    url = reverse("transport:dataset_edit", args=[dataset.commons.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Régie de Belvallon" in page.content.decode()
    response = client.post(
        url,
        {
            "title": dataset.commons.title,
            "summary": dataset.commons.summary,
            "licence": "ODbL-1.0",
            "publisher": publisher.pk,
            "coverage": "Belvallon",
        },
    )
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.publisher_id == publisher.pk
    assert dataset.coverage == "Belvallon"


def test_departures_on_the_page_show_platforms_a_time_choice_and_pages(client, english):
    user = make_user()
    dataset = make_dataset(user)
    resource = make_resource(dataset, user)
    version = upload(resource, user, feed_zip(version=1))
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    day = version.valid_from
    while day.weekday() >= 5:
        day += timedelta(days=1)
    url = dataset.get_absolute_url()
    page = client.get(url, {"stop": "GARE", "date": day.isoformat()})
    html = page.content.decode()
    rows = page.context["departures"]["rows"]
    assert len(rows) == 30
    assert {row["platform"] for row in rows} <= {"quai A", "quai B"}
    assert "<code>GARE_" not in html
    assert 'name="after"' in html
    following = page.context["departures"]["next_url"]
    assert following
    assert page.context["departures"]["previous_url"] == ""
    later = client.get(url + following.split("#")[0])
    more = later.context["departures"]["rows"]
    assert more
    assert more[0]["departure_time"] >= rows[-1]["departure_time"]
    assert later.context["departures"]["previous_url"]
    back = client.get(url + later.context["departures"]["previous_url"].split("#")[0])
    assert [r["trip_id"] for r in back.context["departures"]["rows"]] == [
        r["trip_id"] for r in rows
    ]
    at_noon = client.get(
        url, {"stop": "GARE", "date": day.isoformat(), "after": "12:00"}
    )
    assert at_noon.context["departures"]["rows"][0]["departure_time"] >= "12:00:00"
    bad = client.get(url, {"stop": "GARE", "after": "26:00"})
    assert "is not a time of the day" in bad.content.decode()
    api = page.context["departures"]["api_url"]
    assert client.get(api).status_code == 200
