"""Projects and ledger objects for the route permission tests' world.

The sample project is carried by the sample actor (``owner`` administers
it); the sample contribution, by the moderator to the sample commons, waits
for a holder — ``owner`` holds that commons.
"""

from __future__ import annotations

from typing import Any

from fabrique.projects.models import Contribution, Project


def build(*, pk: int, slug: str, owner: Any, moderator: Any, commons: Any) -> None:
    Project.objects.create(
        pk=pk, slug=slug, name="Sample project", kind="startup",
        actor_id=pk, created_by=owner,
    )  # fmt: skip
    Contribution.objects.create(
        pk=pk, contributor=moderator, kind="code", commons=commons,
        description="Sample contribution",
    )  # fmt: skip
