"""Acting on a suggestion: invitations to a challenge, and opting out.

A facilitator of a challenge invites a person the matching suggests, in the
role the challenge needs (field actor or producer). Only that person hears of
it: the invitation is a private activity entry that asks them, so it reaches
their notifications and no public stream. They accept — and join the
challenge, or its waiting list when it is full — or decline. A person who
does not want to be suggested opts out; matching then leaves them out and
nobody may invite them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.catalog.services import normalise_text
from fabrique.community import lifecycle
from fabrique.community.models import Challenge, Invitation, Participation
from fabrique.community.models import SuggestionOptOut as OptOut
from fabrique.community.services import (
    LIVE,
    CommunityError,
    is_challenge_facilitator,
    join_challenge,
    require_signed_in,
)
from fabrique.core import activity
from fabrique.core.permissions import is_active_user

INVITABLE_ROLES = (Participation.Role.FIELD_ACTOR, Participation.Role.PRODUCER)
MAX_MESSAGE = 2000


def opted_out(user: Any) -> bool:
    return bool(user.pk) and OptOut.objects.filter(user_id=user.pk).exists()


def set_opt_out(user: Any, *, out: bool) -> None:
    """``user`` stops (``out``) or starts again being suggested to others."""
    require_signed_in(user)
    if out:
        OptOut.objects.get_or_create(user=user)
    else:
        OptOut.objects.filter(user=user).delete()


def invite(
    challenge: Challenge, *, by: Any, user: Any, role: str, message: str = ""
) -> Invitation:
    """``by``, a facilitator of ``challenge``, invites ``user`` in ``role``.

    Inviting again while an invitation waits returns that invitation.
    """
    require_signed_in(by)
    if not is_challenge_facilitator(by, challenge):
        raise PermissionDenied(
            _("Only the facilitators of this challenge may invite people.")
        )
    if role not in INVITABLE_ROLES:
        raise CommunityError(
            _("Invite as %(roles)s.")
            % {
                "roles": ", ".join(
                    str(Participation.Role(r).label) for r in INVITABLE_ROLES
                )
            }
        )
    if challenge.hidden or challenge.state not in lifecycle.JOINABLE:
        raise CommunityError(
            _("This challenge is %(state)s: nobody may join it now.")
            % {"state": lifecycle.label(challenge.state)}
        )
    if not is_active_user(user) or user.pk == by.pk:
        raise CommunityError(_("This person cannot be invited."))
    if opted_out(user):
        raise CommunityError(_("This person asked not to be suggested or invited."))
    if challenge.participations.filter(user=user, status__in=LIVE).exists():
        raise CommunityError(_("This person already takes part in the challenge."))
    message = normalise_text(message or "")
    if len(message) > MAX_MESSAGE:
        raise CommunityError(
            _("The message is too long (at most %(max)d characters).")
            % {"max": MAX_MESSAGE}
        )
    waiting = pending(challenge, user)
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                challenge=challenge,
                user=user,
                invited_by=by,
                role=role,
                message=message,
            )
            activity.record(
                challenge,
                user=by,
                verb="challenge_invited",
                summary=challenge.title,
                data={"invitation": invitation.pk, "role": role, "asked": [user.pk]},
                public=False,
            )
    except IntegrityError:  # invited at the same moment by another facilitator
        found = pending(challenge, user)
        assert found is not None
        return found
    return invitation


def pending(challenge: Challenge, user: Any) -> Invitation | None:
    return Invitation.objects.filter(
        challenge=challenge, user=user, status=Invitation.Status.PENDING
    ).first()


def answer(invitation: Invitation, *, user: Any, accept: bool) -> Participation | None:
    """The invited person accepts (joining in the invitation's role) or declines."""
    require_signed_in(user)
    if invitation.user_id != user.pk:
        raise PermissionDenied(_("Only the invited person may answer."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != Invitation.Status.PENDING:
            raise CommunityError(
                _("This invitation is already answered (%(status)s).")
                % {"status": locked.get_status_display()}
            )
        participation = None
        if accept:
            participation = join_challenge(
                locked.challenge, user=user, role=locked.role
            )
        locked.status = (
            Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
        )
        locked.answered = timezone.now()
        locked.save(update_fields=["status", "answered"])
    invitation.status, invitation.answered = locked.status, locked.answered
    return participation


def for_user(user: Any) -> QuerySet[Invitation]:
    """The invitations ``user`` received, waiting ones first."""
    return (
        Invitation.objects.filter(user=user, challenge__hidden=False)
        .select_related("challenge", "invited_by")
        .order_by("-status", "-created", "-id")  # "pending" sorts last by name
    )


def pending_ids(challenge: Challenge) -> set[int]:
    """The people with an invitation waiting for an answer to ``challenge``."""
    return set(
        challenge.invitations.filter(status=Invitation.Status.PENDING).values_list(
            "user_id", flat=True
        )
    )
