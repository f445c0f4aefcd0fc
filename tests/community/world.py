"""Community objects for the route permission tests' world.

Every object belongs to ``owner`` and has the sample primary key or slug, so
each community route of the site points at something real: ``owner`` is a
facilitator of the sample domain (with the moderator, so one of them may
leave) and a field actor of the sample challenge, which is in the
"community formed" state (people may join, betas and experiments may be
posted, and a facilitator may reopen it). The projects' objects come from
``tests.projects.world``.
"""

from __future__ import annotations

import datetime
from typing import Any

from fabrique.community.models import (
    BetaVersion,
    Challenge,
    Domain,
    DomainMember,
    Experiment,
    Feedback,
    Invitation,
    Need,
    NeedCarrier,
    Participation,
    SplitRequest,
    SubDomain,
)
from tests.projects import world as projects_world


def build(*, pk: int, slug: str, owner: Any, moderator: Any, commons: Any) -> None:
    domain = Domain.objects.create(
        pk=pk, slug=slug, name="Sample domain", created_by=owner
    )
    DomainMember.objects.create(domain=domain, user=owner, role="facilitator")
    DomainMember.objects.create(domain=domain, user=moderator, role="facilitator")
    need = Need.objects.create(
        pk=pk, slug=slug, domain=domain, title="Sample need?", created_by=owner
    )
    NeedCarrier.objects.create(need=need, user=owner)
    # Open: the carrier may ask again (the same request) and a facilitator answer.
    SplitRequest.objects.create(pk=pk, need=need, requested_by=owner, message="Split")
    SubDomain.objects.create(pk=pk, need=need, title="Sample part")
    challenge = Challenge.objects.create(
        pk=pk, slug=slug, need=need, title="Sample challenge", goal="Goal",
        success_criteria="Criteria", state="formed", created_by=owner,
    )  # fmt: skip
    Participation.objects.create(
        pk=pk, challenge=challenge, user=owner, role="field_actor", status="active"
    )
    beta = BetaVersion.objects.create(
        pk=pk, challenge=challenge, title="Sample beta", commons=commons,
        created_by=owner,
    )  # fmt: skip
    experiment = Experiment.objects.create(
        pk=pk, challenge=challenge, beta=beta, title="Sample experiment",
        place_name="Lyon", lat=45.76, lon=4.83, starts=datetime.date(2026, 1, 1),
        ends=datetime.date(2026, 1, 31), protocol="Try it.", created_by=owner,
    )  # fmt: skip
    Feedback.objects.create(pk=pk, experiment=experiment, author=owner, body="Good")
    # Someone the owner, a facilitator, may invite ("sample" is the username
    # the generated bodies name), and an invitation waiting for the owner's
    # answer to another challenge of the domain.
    User = type(owner)
    User.objects.create_user(
        username=slug, password="a-long-test-password",
        charter_accepted_at=owner.charter_accepted_at,
    )  # fmt: skip
    other = Challenge.objects.create(
        slug=f"{slug}-other", need=need, title="Another challenge", goal="Goal",
        success_criteria="Criteria", state="formed", created_by=moderator,
    )  # fmt: skip
    Invitation.objects.create(
        pk=pk, challenge=other, user=owner, invited_by=moderator, role="producer"
    )
    projects_world.build(
        pk=pk, slug=slug, owner=owner, moderator=moderator, commons=commons
    )
