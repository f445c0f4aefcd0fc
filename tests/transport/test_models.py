"""Models: the version folder layout, names, rights and constraints."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from fabrique.core.permissions import can_edit
from fabrique.transport import storage
from fabrique.transport.models import ValidationJob, Version
from tests.transport.factories import make_actor, make_dataset, make_resource, make_user

pytestmark = pytest.mark.django_db


def test_version_folder_and_job_folder(settings, tmp_path):
    settings.TRANSPORT_STORE = tmp_path
    version = Version(pk=12, filename="../../réseau bus.zip")
    assert version.directory == tmp_path / "versions" / "12"
    assert version.original_path.parent == version.directory
    job = ValidationJob(id=uuid.UUID(int=5))
    assert job.directory == tmp_path / "jobs" / str(uuid.UUID(int=5))


@given(st.text(max_size=300))
def test_original_name_stays_in_its_folder(name):
    safe = storage.original_name(name)
    assert safe
    assert "/" not in safe
    assert "\\" not in safe
    assert safe not in {"", ".", ".."}
    assert safe not in {storage.REPORT_JSON, storage.STORE_DIR, storage.SUMMARY_JSON}
    assert len(safe) <= 130


def test_reserved_names_are_renamed():
    assert storage.original_name("report.json") == "original-report.json"
    assert storage.original_name("store") == "original-store"


def test_version_numbers_and_hashes_are_unique_per_resource():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    Version.objects.create(resource=resource, number=1, sha256="a" * 64, filename="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(
            resource=resource, number=1, sha256="b" * 64, filename="b"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(
            resource=resource, number=2, sha256="a" * 64, filename="c"
        )


def test_who_may_manage_a_dataset():
    holder, member, stranger = make_user(), make_user(), make_user()
    actor = make_actor(member, name="Régie de Belvallon")
    dataset = make_dataset(holder, publisher=actor)
    resource = make_resource(dataset, holder)
    assert can_edit(holder, dataset)
    assert can_edit(member, dataset)  # a member of the publisher
    assert can_edit(member, resource)
    assert not can_edit(stranger, dataset)
    assert not can_edit(stranger, resource)
    dataset.commons.hidden = True
    dataset.commons.save()
    assert not can_edit(holder, dataset)
    assert str(dataset) == "Réseau de bus de Belvallon"
    assert dataset.get_absolute_url() == "/transport/jeux/reseau-de-bus-de-belvallon/"
