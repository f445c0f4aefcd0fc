"""Vehicle objects of the route permission tests' world (pk ``SAMPLE_PK``)."""

from __future__ import annotations

from typing import Any

from fabrique.catalog.models import Commons
from fabrique.vehicles.models import Configuration, InterfaceType, Module, Part, Port


def build(*, pk: int, owner: Any, commons: Any) -> None:
    """The sample commons is also a platform module (with a port of interface
    type ``sample`` and a part) and a vehicle on it, held by the owner (who
    holds the commons)."""
    module = Module.objects.create(
        pk=pk, commons=commons, kind="platform", mass=30, load_rating=100
    )
    interface = InterfaceType.objects.create(
        pk=pk,
        key="sample",
        category="mechanical",
        title="Sample mount",
        parameters=[{"name": "diameter", "unit": "mm", "rule": "equal"}],
        # Its own knowledge commons: interface documentation is protected
        # from deletion, and the sample commons must stay deletable.
        commons=Commons.objects.create(
            title="Sample mount 1.0",
            slug="sample-mount",
            summary="An interface type.",
            kind="knowledge",
            created_by=owner,
        ),
    )
    Port.objects.create(
        pk=pk,
        module=module,
        name="mount",
        interface=interface,
        role="host",
        params={"diameter": {"value": 25.4, "unit": "mm"}},
    )
    Part.objects.create(
        pk=pk, module=module, reference="P1", name="Tube", quantity=1, unit="m"
    )
    Configuration.objects.create(
        pk=pk,
        commons=commons,
        items={"platform": commons.slug},
        links=[],
        created_by=owner,
    )
