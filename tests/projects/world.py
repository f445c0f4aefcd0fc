"""Projects and ledger objects for the route permission tests' world.

The sample project is carried by the sample actor (``owner`` administers
it); the sample contribution, by the moderator to the sample commons, waits
for a holder — ``owner`` holds that commons. The sample funding is a grant
of the moderator (a person funding for herself) to the sample commons, which
``owner`` acknowledged as received: ``owner`` may acknowledge it again (a
no-op) and record what was spent of it; the sample expense of that grant,
recorded by ``owner`` with a link, still waits for its receipt file.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from fabrique.catalog.models import Actor
from fabrique.projects.models import Contribution, Expense, Funding, Project


def build(*, pk: int, slug: str, owner: Any, moderator: Any, commons: Any) -> None:
    Project.objects.create(
        pk=pk, slug=slug, name="Sample project", kind="startup",
        actor_id=pk, created_by=owner,
    )  # fmt: skip
    Contribution.objects.create(
        pk=pk, contributor=moderator, kind="code", commons=commons,
        description="Sample contribution",
    )  # fmt: skip
    funder = Actor.objects.create(
        slug=f"{slug}-funder", name="Sample funder", type="funder",
        is_organisation=False, user=moderator, created_by=moderator, revision=1,
    )  # fmt: skip
    grant = Funding.objects.create(
        pk=pk, funder=funder, commons=commons, kind="grant", amount="1000.00",
        purpose="Sample grant", date=datetime.date(2025, 1, 1),
        created_by=moderator, acknowledged_by=owner,
        acknowledged_at=timezone.now(),
    )  # fmt: skip
    Expense.objects.create(
        pk=pk, grant=grant, amount="10.00", date=datetime.date(2025, 2, 1),
        purpose="Sample expense", receipt_url="https://example.org/receipt",
        created_by=owner,
    )  # fmt: skip
