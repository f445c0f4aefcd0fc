"""Transport objects of the route permission tests' world (pk ``SAMPLE_PK``)."""

from __future__ import annotations

from typing import Any

from fabrique.transport.models import Dataset, Resource


def build(*, pk: int, commons: Any) -> None:
    """A dataset on the world's commons and a resource of format *other*.

    *Other* so that the owner's sample upload is kept without a zip check.
    """
    dataset = Dataset.objects.create(pk=pk, commons=commons)
    Resource.objects.create(pk=pk, dataset=dataset, title="Sample", format="other")
