"""Vehicle objects of the route permission tests' world (pk ``SAMPLE_PK``)."""

from __future__ import annotations

from typing import Any

from fabrique.vehicles.models import Configuration, Module


def build(*, pk: int, owner: Any, commons: Any) -> None:
    """The sample commons is also a platform module and a vehicle on it,
    held by the owner (who holds the commons)."""
    Module.objects.create(
        pk=pk, commons=commons, kind="platform", mass=30, load_rating=100
    )
    Configuration.objects.create(
        pk=pk,
        commons=commons,
        items={"platform": commons.slug},
        links=[],
        created_by=owner,
    )
