"""The contribution ledger as the network carries it: the confirmed entries
of a commons, each with its contributor's actor URI, so that a harvested
commons keeps who gave what at its origin."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from fabrique.projects.models import Contribution


def lines_for(commons_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Confirmed ledger lines of each commons, oldest first."""
    from fabrique.federation.changes import contributor

    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Contribution.objects.filter(
            commons_id__in=list(commons_ids), status=Contribution.Status.CONFIRMED
        )
        .select_related("contributor__person_actor")
        .order_by("created", "pk")
    )
    for row in rows:
        who = contributor(row.contributor)
        found[row.commons_id or 0].append(
            {
                "kind": row.kind,
                "description": row.description,
                "at": row.created.isoformat(),
                "contributor": who,
            }
        )
    return found
