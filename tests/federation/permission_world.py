"""Network objects for the route permission tests' world: the sample harvest
source (pk ``pk``) and one report of it, so that every source route points
at something real."""

from __future__ import annotations

from fabrique.federation.models import HarvestRun, HarvestSource


def build(*, pk: int) -> None:
    source = HarvestSource.objects.create(
        pk=pk, name="Sample source", url="https://quebec.example", kind="fabrique"
    )
    HarvestRun.objects.create(pk=pk, source=source, created=1)
