"""Small factories for transport tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from fabrique.transport import services
from fabrique.transport.models import Dataset, Resource, Version
from tests.catalog.factories import make_actor, make_user

__all__ = ["make_actor", "make_dataset", "make_resource", "make_user", "upload"]


def make_dataset(user=None, **overrides) -> Dataset:
    user = user or make_user()
    data = {
        "title": overrides.pop("title", "Réseau de bus de Belvallon"),
        "summary": overrides.pop("summary", "Les horaires théoriques du réseau."),
        "licence": overrides.pop("licence", "ODbL-1.0"),
    }
    return services.create_dataset(user=user, data=data, **overrides)


def make_resource(dataset: Dataset, user, **overrides) -> Resource:
    fields = {"title": "Horaires GTFS", "format": "gtfs"}
    fields.update(overrides)
    return services.add_resource(dataset, user=user, **fields)


def upload(resource: Resource, user, content: bytes, name: str = "feed.zip") -> Version:
    return services.add_version_from_upload(
        resource, SimpleUploadedFile(name, content, "application/zip"), user
    )
