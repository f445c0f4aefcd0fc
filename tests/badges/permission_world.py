"""Badge objects for the route permission tests' world.

The sample organisation (administered by ``owner``) issues the sample badge
class, awarded by ``owner`` to the moderator (who accepted and shows it); the
organisation endorses both, so every badge route points at something real.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from fabrique.badges.models import Award, BadgeClass, Endorsement, Issuer


def build(*, pk: int, slug: str, owner: Any, moderator: Any, actor: Any) -> None:
    issuer = Issuer.objects.create(pk=pk, slug=slug, actor=actor, name=actor.name)
    badge = BadgeClass.objects.create(
        pk=pk,
        slug=slug,
        issuer=issuer,
        name="Sample badge",
        description="A sample badge.",
        criteria="Be the sample.",
        kind="behaviour",
    )
    award = Award.objects.create(
        pk=pk,
        key=slug,
        badge=badge,
        recipient=moderator,
        via=Award.Via.HAND,
        awarded_by=owner,
        issued=timezone.now().replace(microsecond=0),
        status_index=7,
        accepted=True,
        public=True,
    )
    Endorsement.objects.create(
        pk=pk, actor=actor, badge=badge, comment="We vouch for it.", by=owner
    )
    Endorsement.objects.create(actor=actor, award=award, comment="Well done.", by=owner)
