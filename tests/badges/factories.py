"""Small builders of badge objects for the tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from fabrique.badges import issuing
from fabrique.badges.models import BadgeClass


def member(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="pw", **extra
    )


def badge(slug: str = "premiere-contribution", **fields: Any) -> BadgeClass:
    values: dict[str, Any] = {
        "name": "Première contribution",
        "description": "A first contribution to a commons.",
        "criteria": "One confirmed entry on the contribution ledger.",
        "kind": "participation",
        "rule": BadgeClass.Rule.FIRST_CONTRIBUTION,
        "skills": ["information.open_data"],
    }
    values.update(fields)
    return BadgeClass.objects.create(
        slug=slug, issuer=issuing.instance_issuer(), **values
    )
