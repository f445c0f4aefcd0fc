"""Edit rules of the community models, registered with ``core.permissions``."""

from __future__ import annotations

from typing import Any

from fabrique.core.permissions import edit_rule


def register() -> None:
    """Register who may edit domains, needs, challenges and participations."""
    from fabrique.community import services
    from fabrique.community.models import Challenge, Domain, Need, Participation

    @edit_rule(Domain)
    def _domain(user: Any, obj: Domain) -> bool:
        return services.is_facilitator(user, obj)

    @edit_rule(Need)
    def _need(user: Any, obj: Need) -> bool:
        return obj.created_by_id == user.pk or services.is_facilitator(user, obj.domain)

    @edit_rule(Challenge)
    def _challenge(user: Any, obj: Challenge) -> bool:
        return services.is_challenge_facilitator(user, obj)

    @edit_rule(Participation)
    def _participation(user: Any, obj: Participation) -> bool:
        return obj.user_id == user.pk
