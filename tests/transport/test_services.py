"""Datasets, resources and versions through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from fabrique.catalog.models import Commons
from fabrique.core.models import Activity
from fabrique.transport import services, storage
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import Dataset, Version, VersionStatus
from tests.transport.factories import make_dataset, make_resource, make_user, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dataset_is_a_data_commons_held_by_its_creator():
    user = make_user()
    dataset = make_dataset(user, coverage="Belvallon")
    commons = Commons.objects.get(pk=dataset.commons_id)
    assert commons.kind == "data"
    assert commons.title == "Réseau de bus de Belvallon"
    assert commons.revision == 1
    assert commons.memberships.filter(user=user, role="holder").exists()
    assert dataset.coverage == "Belvallon"
    assert Activity.objects.filter(object_id=commons.pk, verb="created").exists()


def test_upload_is_checked_and_stored():
    user = make_user()
    dataset = make_dataset(user)
    resource = make_resource(dataset, user)
    version = upload(resource, user, feed_zip(version=1))
    version.refresh_from_db()
    assert version.number == 1
    assert version.status == VersionStatus.READY, version.error
    assert version.progress == 100
    assert version.errors == 0
    assert version.valid_from
    assert version.valid_until
    for name in (
        storage.REPORT_JSON,
        storage.REPORT_HTML,
        storage.SUMMARY_JSON,
        storage.STOPS_GEOJSON,
        storage.LINES_GEOJSON,
        storage.CALENDAR_JSON,
    ):
        assert (version.directory / name).is_file(), name
    assert (version.directory / "store" / "manifest.json").is_file()
    assert version.original_path.is_file()
    dataset.refresh_from_db()
    assert dataset.formats == ["gtfs"]
    assert dataset.valid_until == version.valid_until
    assert dataset.has_errors is False
    assert dataset.min_lat == pytest.approx(47.299, abs=0.01)


def test_same_file_twice_makes_one_version():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    upload(resource, user, feed_zip(version=1))
    with pytest.raises(services.DuplicateVersion, match="identical to version 1"):
        upload(resource, user, feed_zip(version=1), name="renamed.zip")
    assert Version.objects.filter(resource=resource).count() == 1


def test_second_version_has_a_diff():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    upload(resource, user, feed_zip(version=1))
    second = upload(resource, user, feed_zip(version=2))
    second.refresh_from_db()
    assert second.number == 2
    assert second.status == VersionStatus.READY, second.error
    assert second.diff["trips"]["counts"]["added"] == 8
    assert second.diff["routes"]["counts"] == {"added": 0, "removed": 0, "changed": 0}
    assert second.diff["against"]["number"] == 1


def test_strangers_may_not_add_versions():
    owner, stranger = make_user(), make_user()
    resource = make_resource(make_dataset(owner), owner)
    with pytest.raises(PermissionDenied):
        upload(resource, stranger, feed_zip(version=1))
    with pytest.raises(PermissionDenied):
        make_resource(Dataset.objects.get(), stranger)
