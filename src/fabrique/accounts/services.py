"""Account services shared by pages and API: export, deletion, roles, organisations.

- ``export_user_data(user)``: everything the platform holds about one person,
  as JSON-ready data (never a password hash, never another person's private
  field).
- ``delete_account(user)``: anonymise the account; contributions stay and are
  shown as made by "deleted user".
- ``set_role(user, role, by=…)``: member / moderator / administrator, set by an
  administrator, written to the audit log.
- organisation members (``catalog.ActorMember``): added, re-roled and removed
  by the organisation's administrators; an organisation never loses its last
  administrator.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fabrique.accounts.models import User
from fabrique.catalog.models import Actor, ActorMember
from fabrique.core.models import AuditLog
from fabrique.core.permissions import is_active_user, is_admin, is_org_admin

EXPORT_FORMAT_VERSION = 1

# Fields of the account exported to its owner (the password hash never is).
PROFILE_FIELDS = (
    "username", "email", "first_name", "last_name", "phone", "display_name",
    "bio", "city", "show_city", "website", "skills", "role", "date_joined",
    "last_login", "charter_accepted_at",
)  # fmt: skip
PUBLIC_FIELDS = ("display_name", "bio", "city", "website", "skills")
PERSONAL_FIELDS = (
    "email", "first_name", "last_name", "phone", "display_name", "bio", "city",
    "website",
)  # fmt: skip


class AccountError(Exception):
    """An account operation was refused; the message says why (translated)."""


def _target(content_type_id: int, object_id: int) -> dict[str, Any]:
    model = ContentType.objects.get_for_id(content_type_id)
    return {"type": f"{model.app_label}.{model.model}", "id": object_id}


def export_user_data(user: User) -> dict[str, Any]:
    """All data about ``user``, for ``user`` (a JSON-serialisable dict)."""
    profile = {name: getattr(user, name) for name in PROFILE_FIELDS}
    return {
        "format": "fabrique-account-export",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now(),
        "profile": profile,
        "revisions": [
            {
                "target": _target(r.content_type_id, r.object_id),
                "number": r.number,
                "created": r.created,
                "comment": r.comment,
                "content": r.content,
            }
            for r in user.revisions.order_by("created", "id")
        ],
        "activities": [
            {
                "target": _target(a.content_type_id, a.object_id),
                "verb": a.verb,
                "summary": a.summary,
                "public": a.public,
                "created": a.created,
            }
            for a in user.activities.order_by("created", "id")
        ],
        "community_memberships": [
            {
                "commons": m.commons.slug,
                "role": m.role,
                "status": m.status,
                "message": m.message,
                "created": m.created,
            }
            for m in user.memberships.select_related("commons").order_by("created")
        ],
        "organisations": [
            {"actor": m.actor.slug, "name": m.actor.name, "role": m.role}
            for m in user.organisations.select_related("actor").order_by("created")
        ],
        "discussions": [
            {
                "target": _target(d.content_type_id, d.object_id),
                "title": d.title,
                "created": d.created,
            }
            for d in user.discussions.order_by("created")
        ],
        "messages": [
            {
                "discussion": m.discussion_id,
                "discussion_title": m.discussion.title,
                "body": m.body,
                "created": m.created,
                "hidden": m.hidden,
            }
            for m in user.messages.select_related("discussion").order_by("created")
        ],
        "follows": [
            {"target": _target(f.content_type_id, f.object_id), "created": f.created}
            for f in user.follows.order_by("created")
        ],
        "reports": [
            {
                "target": _target(r.content_type_id, r.object_id),
                "reason": r.reason,
                "status": r.status,
                "created": r.created,
            }
            for r in user.reports.order_by("created")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created": t.created,
                "last_used": t.last_used,
            }
            for t in user.api_tokens.order_by("created")
        ],
        **_badges(user),
    }


def _badges(user: User) -> dict[str, Any]:
    """The person's badges: awards received, nominations, endorsements made."""
    from fabrique.badges.models import Award, Endorsement, Nomination

    awards = Award.objects.filter(recipient=user).select_related("badge__issuer")
    nominations = Nomination.objects.filter(
        Q(nominee=user) | Q(nominated_by=user) | Q(seconds__by=user)
    ).select_related("badge", "nominee", "nominated_by")
    return {
        "badge_awards": [
            {
                "badge": a.badge.slug,
                "name": a.badge.name,
                "issuer": a.badge.issuer.name,
                "via": a.via,
                "issued": a.issued,
                "evidence": a.evidence,
                "evidence_urls": [u for u in [a.evidence_url] if u]
                + list(a.more_evidence_urls),
                "accepted": a.accepted,
                "public": a.public,
                "revoked": a.revoked,
                "revocation_reason": a.revocation_reason,
            }
            for a in awards.order_by("issued", "id")
        ],
        "badge_nominations": [
            {
                "badge": n.badge.slug,
                "nominee": n.nominee.username,
                "nominated_by": n.nominated_by.username,
                "reason": n.reason
                if user.pk in (n.nominee_id, n.nominated_by_id)
                else "",
                "seconded_by_me": n.seconds.filter(by=user).exists(),
                "created": n.created,
                "granted": n.award_id is not None,
            }
            for n in nominations.distinct().order_by("created", "id")
        ],
        "badge_endorsements": [
            {
                "actor": e.actor.slug,
                "badge": e.badge.slug if e.badge else None,
                "award": e.award.key if e.award else None,
                "comment": e.comment,
                "created": e.created,
            }
            for e in Endorsement.objects.filter(by=user)
            .select_related("actor", "badge", "award")
            .order_by("created", "id")
        ],
    }


@transaction.atomic
def delete_account(user: User) -> None:
    """Anonymise ``user``: contributions stay, attributed to "deleted user".

    The username becomes ``deleted-<id>``, personal fields are cleared, the
    password made unusable (which also ends every session), tokens, follows and
    organisation memberships removed, a person actor page unlinked.
    """
    for name in PERSONAL_FIELDS:
        setattr(user, name, "")
    user.username = f"deleted-{user.pk}"
    user.skills = []
    user.show_city = False
    user.role = User.Role.MEMBER
    user.is_staff = False
    user.is_superuser = False
    user.is_active = False
    user.deleted = True
    user.set_unusable_password()
    user.save()
    user.api_tokens.all().delete()
    user.follows.all().delete()
    user.organisations.all().delete()
    Actor.objects.filter(user=user).update(user=None)


def _audit(target: models.Model, by: User, action: str, reason: str = "") -> None:
    AuditLog.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        moderator=by,
        action=action,
        reason=reason,
    )


@transaction.atomic
def set_role(user: User, role: str, *, by: User, reason: str = "") -> None:
    """Give ``user`` the site role ``role``; only an administrator may."""
    if not is_admin(by):
        raise AccountError(_("Only an administrator can change roles."))
    if role not in User.Role.values:
        raise AccountError(
            _("Unknown role %(role)r: expected one of %(roles)s.")
            % {"role": role, "roles": ", ".join(User.Role.values)}
        )
    if user.deleted:
        raise AccountError(_("This account was deleted."))
    if user.pk == by.pk and role != User.Role.ADMIN and not user.is_superuser:
        raise AccountError(_("You cannot remove your own administrator role."))
    if user.role == role:
        return
    previous = user.role
    user.role = role
    user.save(update_fields=["role"])
    _audit(user, by, f"role:{previous}->{role}", reason)


def _check_organisation(actor: Actor) -> None:
    if not actor.is_organisation:
        raise AccountError(
            _("%(name)s is a person, not an organisation: it has no members.")
            % {"name": actor.name}
        )


def can_manage_members(user: Any, actor: Actor) -> bool:
    """Organisation administrators (and moderators) manage members; the creator
    of an organisation that has none yet may add the first ones."""
    if not is_active_user(user) or not actor.is_organisation:
        return False
    if is_org_admin(user, actor):
        return True
    return actor.created_by_id == user.pk and not actor.members.exists()


@transaction.atomic
def add_organisation_member(
    actor: Actor, user: User, role: str = ActorMember.Role.MEMBER, *, by: User
) -> ActorMember:
    """Add ``user`` to the organisation ``actor`` with ``role``."""
    _check_organisation(actor)
    if not can_manage_members(by, actor):
        raise AccountError(
            _("Only an administrator of %(name)s can add members.")
            % {"name": actor.name}
        )
    if role not in ActorMember.Role.values:
        raise AccountError(_("Unknown organisation role %(role)r.") % {"role": role})
    if not is_active_user(user):
        raise AccountError(_("This account is closed and cannot join."))
    if actor.members.filter(user=user).exists():
        raise AccountError(
            _("%(user)s is already a member of %(name)s.")
            % {"user": user.public_name, "name": actor.name}
        )
    if not actor.members.exists():
        role = ActorMember.Role.ADMIN  # the first member administers
    member = ActorMember.objects.create(actor=actor, user=user, role=role)
    _audit(actor, by, f"member-added:{user.pk}:{role}")
    return member


def _would_orphan(member: ActorMember) -> bool:
    return (
        member.role == ActorMember.Role.ADMIN
        and not member.actor.members.filter(role=ActorMember.Role.ADMIN)
        .exclude(pk=member.pk)
        .exists()
    )


@transaction.atomic
def change_organisation_member_role(
    member: ActorMember, role: str, *, by: User
) -> ActorMember:
    """Make ``member`` an administrator or a plain member of their organisation."""
    if not is_org_admin(by, member.actor):
        raise AccountError(
            _("Only an administrator of %(name)s can change roles.")
            % {"name": member.actor.name}
        )
    if role not in ActorMember.Role.values:
        raise AccountError(_("Unknown organisation role %(role)r.") % {"role": role})
    if role != ActorMember.Role.ADMIN and _would_orphan(member):
        raise AccountError(_("An organisation keeps at least one administrator."))
    member.role = role
    member.save(update_fields=["role"])
    _audit(member.actor, by, f"member-role:{member.user_id}:{role}")
    return member


@transaction.atomic
def remove_organisation_member(member: ActorMember, *, by: User) -> None:
    """Remove ``member``: by an organisation administrator, or themselves."""
    if member.user_id != by.pk and not is_org_admin(by, member.actor):
        raise AccountError(
            _("Only an administrator of %(name)s can remove members.")
            % {"name": member.actor.name}
        )
    if _would_orphan(member):
        raise AccountError(_("An organisation keeps at least one administrator."))
    _audit(member.actor, by, f"member-removed:{member.user_id}")
    member.delete()


def address_in_use(email: str, *, exclude: User | None = None) -> list[User]:
    """The active accounts (other than ``exclude``) that use ``email``."""
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.exclude(email=""))


def warn_address_owners(owners: list[User], *, username: str) -> None:
    """Tell the holders of an address that another account now gives it.

    Pages answer the same whether an address is in use or not (nobody learns
    who has an account from the sign-up or profile form); the people who
    hold the address hear of it by e-mail instead.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(site)s: your e-mail address was given for another account") % {
            "site": settings.SITE_NAME
        }
        for owner in owners:
            body = render_to_string(
                "accounts/address_in_use.txt",
                {
                    "person": owner,
                    "username": username,
                    "site_name": settings.SITE_NAME,
                    "site_url": settings.SITE_URL,
                },
            )
            send_mail(subject, body, None, [owner.email], fail_silently=True)
