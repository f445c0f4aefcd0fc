"""Transport objects of the route permission tests' world (pk ``SAMPLE_PK``)."""

from __future__ import annotations

from typing import Any

from fabrique.transport.models import Dataset, Resource, Version, VersionStatus


def build(*, pk: int, commons: Any) -> None:
    """A dataset on the world's commons, a resource of format *other* and a
    failed version of it (the one its holders may check again).

    *Other* so that the owner's sample upload is kept without a zip check.
    """
    dataset = Dataset.objects.create(pk=pk, commons=commons)
    resource = Resource.objects.create(
        pk=pk, dataset=dataset, title="Sample", format="other"
    )
    Version.objects.create(
        pk=pk,
        resource=resource,
        number=1,
        sha256="0" * 64,
        filename="sample.txt",
        status=VersionStatus.FAILED,
        error="Sample failure.",
    )
