"""Catalogue services shared by the pages and the JSON API.

Every write goes through here: it checks the permission, saves, and records
the activity. Errors are raised, never swallowed:

- :class:`django.core.exceptions.PermissionDenied` when the user may not do it;
- :class:`fabrique.core.revisions.EditConflict` when an edit is based on a
  stale revision (nothing is written; show both versions and let the user
  merge, then save again with ``base_revision=conflict.current``);
- :class:`CatalogError` (and subclasses) for a request that makes no sense
  in the current state, with a message for the user.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabrique.catalog.models import (
    Actor,
    ActorMember,
    Commons,
    CommonsImage,
    CommunityMembership,
    Need,
    Place,
    Theme,
)
from fabrique.core import activity, discussions, follows, permissions
from fabrique.core.markdown import validate_markdown
from fabrique.core.models import Discussion, Message, Revision
from fabrique.core.revisions import Change, revisions_of, save_revision
from fabrique.core.uploads import reencode_image

Membership = CommunityMembership
RESERVED_SLUGS = {"nouveau", "new", "preview", "apercu", "importer", "valider"}
COMMONS_EDITABLE = tuple(f for f in Commons.REVISION_FIELDS if f != "slug")
ACTOR_EDITABLE = tuple(f for f in Actor.REVISION_FIELDS if f != "slug")


class CatalogError(Exception):
    """A catalogue request that cannot be done; the message says why."""


class MembershipError(CatalogError):
    """A membership request or decision that does not fit its current state."""


# Permissions ---------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(
        user, "deleted", False
    )


def _is_moderator(user: Any) -> bool:
    return permissions.can_moderate(user)


def require_signed_in(user: Any) -> None:
    """Refuse anonymous (and deleted) users."""
    if not _signed_in(user):
        raise PermissionDenied(_("You need to be signed in to do this."))


def can_edit(user: Any, obj: Commons | Actor) -> bool:
    """May ``user`` complete ``obj``? The rule of :mod:`fabrique.core.permissions`:
    anyone signed in for a visible commons or actor, moderators for any."""
    return permissions.can_edit(user, obj)


def _require_edit(user: Any, obj: Commons | Actor) -> None:
    require_signed_in(user)
    if not permissions.can_edit(user, obj):
        if obj.hidden:
            raise PermissionDenied(_("This page is hidden by moderation."))
        raise PermissionDenied(_("You may not change this page."))


def is_holder(user: Any, commons: Commons) -> bool:
    """True when ``user`` is an active holder of ``commons`` (or a moderator)."""
    if not _signed_in(user):
        return False
    if _is_moderator(user):
        return True
    return commons.memberships.filter(
        models.Q(user=user) | models.Q(actor__members__user=user),
        role=Membership.Role.HOLDER,
        status=Membership.Status.ACTIVE,
    ).exists()


def can_manage_actor(user: Any, actor: Actor) -> bool:
    """True for the actor's own account, its administrators and moderators."""
    if not _signed_in(user):
        return False
    if _is_moderator(user) or actor.user_id == user.pk:
        return True
    return actor.members.filter(user=user, role=ActorMember.Role.ADMIN).exists()


# Slugs ---------------------------------------------------------------------


def unique_slug(
    model: type[models.Model], text: str, *, exclude: int | None = None
) -> str:
    """A slug from ``text`` not used by another ``model`` row nor reserved."""
    base = slugify(text)[:200] or model.__name__.lower()
    slug, n = base, 1
    rows = model.objects.exclude(pk=exclude) if exclude else model.objects.all()
    while slug in RESERVED_SLUGS or rows.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(obj: models.Model, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise CatalogError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in data.items():
        setattr(obj, name, normalise_text(value))


def normalise_text(value: Any) -> Any:
    """Text as forms give it back: ``\n`` line endings (browsers post
    ``\r\n``) and no surrounding whitespace, so a form saved untouched
    changes nothing."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


MARKDOWN_FIELDS = (
    "description", "pillar_resource", "pillar_community", "pillar_governance",
)  # fmt: skip
MAX_LIST_ITEMS = 30


def _check_texts(obj: Commons | Actor) -> None:
    """Refuse Markdown sources over the limit, naming the field."""
    errors = {}
    for name in MARKDOWN_FIELDS:
        if hasattr(obj, name):
            try:
                validate_markdown(getattr(obj, name))
            except ValidationError as error:
                errors[name] = error.error_list
    for name in ("tags", "skills"):
        if len(getattr(obj, name, []) or []) > MAX_LIST_ITEMS:
            errors[name] = [
                ValidationError(
                    _("At most %(limit)s items."),
                    code="too_many",
                    params={"limit": MAX_LIST_ITEMS},
                )
            ]
    if errors:
        raise ValidationError(errors)


def _clean_list(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for value in values or []:
        text = str(value).strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


# Commons -------------------------------------------------------------------


def create_commons(
    *,
    user: Any,
    data: dict[str, Any],
    themes: list[Theme] | None = None,
    comment: str = "",
) -> Commons:
    """Create a commons from ``data`` (its revisioned fields except the slug).

    The creator becomes its first, active holder. Records revision 1 and the
    ``created`` activity.
    """
    require_signed_in(user)
    commons = Commons()
    _apply(commons, data, COMMONS_EDITABLE)
    commons.tags = _clean_list(commons.tags)
    commons.slug = unique_slug(Commons, commons.title)
    commons.created_by = user
    commons.full_clean(exclude=["slug"])
    _check_texts(commons)
    with transaction.atomic():
        save_revision(
            commons,
            user=user,
            base_revision=None,
            comment=comment or _("Created"),
            m2m={"themes": list(themes or [])},
        )
        Membership.objects.create(
            commons=commons,
            user=user,
            role=Membership.Role.HOLDER,
            status=Membership.Status.ACTIVE,
        )
    return commons


def update_commons(
    commons: Commons,
    *,
    user: Any,
    data: dict[str, Any],
    base_revision: int,
    themes: list[Theme] | None = None,
    comment: str = "",
) -> Change:
    """Save an edit of ``commons`` made from revision ``base_revision``.

    ``themes=None`` leaves the themes as they are. Raises ``EditConflict``
    (nothing written) when the commons was saved since ``base_revision``.
    """
    _require_edit(user, commons)
    _apply(commons, data, COMMONS_EDITABLE)
    commons.tags = _clean_list(commons.tags)
    # The creator is not edited: checking that their account exists would
    # only cost a query.
    commons.full_clean(exclude=["slug", "created_by"])
    _check_texts(commons)
    m2m = None if themes is None else {"themes": list(themes)}
    return save_revision(
        commons, user=user, base_revision=base_revision, comment=comment, m2m=m2m
    )


def create_actor(*, user: Any, data: dict[str, Any], comment: str = "") -> Actor:
    """Create an actor (organisation or person) from its revisioned fields."""
    require_signed_in(user)
    actor = Actor()
    _apply(actor, data, ACTOR_EDITABLE)
    actor.skills = _clean_list(actor.skills)
    actor.slug = unique_slug(Actor, actor.name)
    actor.created_by = user
    actor.full_clean(exclude=["slug"])
    _check_texts(actor)
    with transaction.atomic():
        save_revision(
            actor, user=user, base_revision=None, comment=comment or _("Created")
        )
        if actor.is_organisation:
            ActorMember.objects.create(
                actor=actor, user=user, role=ActorMember.Role.ADMIN
            )
    return actor


def update_actor(
    actor: Actor,
    *,
    user: Any,
    data: dict[str, Any],
    base_revision: int,
    comment: str = "",
) -> Change:
    """Save an edit of ``actor`` made from revision ``base_revision``."""
    _require_edit(user, actor)
    _apply(actor, data, ACTOR_EDITABLE)
    actor.skills = _clean_list(actor.skills)
    actor.full_clean(exclude=["slug", "user"])
    _check_texts(actor)
    return save_revision(actor, user=user, base_revision=base_revision, comment=comment)


def add_place(
    actor: Actor,
    *,
    user: Any,
    name: str,
    lat: float,
    lon: float,
    city: str = "",
    postcode: str = "",
) -> Place:
    """Add a place (with coordinates) to ``actor``."""
    _require_edit(user, actor)
    place = Place(
        actor=actor, name=name, lat=lat, lon=lon, city=city, postcode=postcode
    )
    place.full_clean()
    place.save()
    activity.record(
        actor, user=user, verb="place_added", summary=name, data={"place": place.pk}
    )
    return place


def remove_place(place: Place, *, user: Any) -> None:
    """Remove a place; the actor's managers (or moderators) may do so."""
    if not can_manage_actor(user, place.actor):
        raise PermissionDenied(_("Only the people managing this actor can do this."))
    activity.record(place.actor, user=user, verb="place_removed", summary=place.name)
    place.delete()


def revision_content(obj: Commons | Actor, number: int) -> Revision:
    """The stored revision ``number`` of ``obj``; ``CatalogError`` if none."""
    revision = revisions_of(obj).filter(number=number).first()
    if revision is None:
        raise CatalogError(
            _("%(object)s has no revision %(number)s.")
            % {"object": obj, "number": number}
        )
    return revision


def revert(
    obj: Commons | Actor,
    *,
    user: Any,
    number: int,
    base_revision: int | None = None,
    comment: str = "",
) -> Change:
    """Restore the content of revision ``number`` as a new revision.

    The slug (and so the address) is kept. ``base_revision`` defaults to the
    current revision; pass the one the user saw to detect a conflict.
    """
    _require_edit(user, obj)
    content = dict(revision_content(obj, number).content)
    content.pop("slug", None)
    m2m = None
    if isinstance(obj, Commons):
        slugs = content.pop("themes", [])
        m2m = {"themes": list(Theme.objects.filter(slug__in=slugs))}
    fields = [f for f in type(obj).REVISION_FIELDS if f != "slug"]
    for name in fields:
        if name in content:
            setattr(obj, name, content[name])
    return save_revision(
        obj,
        user=user,
        base_revision=obj.revision if base_revision is None else base_revision,
        comment=comment or _("Reverted to revision %(n)s") % {"n": number},
        m2m=m2m,
        verb="reverted",
        reverted_from=number,
    )


def add_image(
    commons: Commons, *, user: Any, file: UploadedFile, alt: str
) -> CommonsImage:
    """Check (type by content, size, dimensions), re-encode and attach an image.

    Raises ``fabrique.core.uploads.ImageRejected`` with the reason.
    """
    _require_edit(user, commons)
    alt = (alt or "").strip()
    if not alt:
        raise CatalogError(_("Describe the image in a text alternative."))
    # What is stored is decoded from the pixels: never the bytes as sent.
    content, checked = reencode_image(file)
    image = CommonsImage(
        commons=commons,
        image=ContentFile(content, name=f"{commons.slug}.{checked.extension}"),
        alt=alt[:200],
        width=checked.width,
        height=checked.height,
        uploaded_by=user,
    )
    image.save()
    activity.record(
        commons, user=user, verb="image_added", summary=alt, data={"image": image.pk}
    )
    return image


def remove_image(image: CommonsImage, *, user: Any) -> None:
    """Remove an image; its uploader and the holders may do so."""
    require_signed_in(user)
    if image.uploaded_by_id != user.pk and not is_holder(user, image.commons):
        raise PermissionDenied(
            _("Only the holders or the person who added this image can remove it.")
        )
    activity.record(image.commons, user=user, verb="image_removed", summary=image.alt)
    image.image.delete(save=False)
    image.delete()


# Community -----------------------------------------------------------------


def request_membership(
    commons: Commons,
    *,
    user: Any,
    role: str,
    message: str = "",
    actor: Actor | None = None,
) -> CommunityMembership:
    """Ask to join ``commons`` in ``role`` (optionally for an ``actor``).

    The request waits for a holder's approval.
    """
    require_signed_in(user)
    if commons.hidden:
        raise PermissionDenied(_("This page is hidden by moderation."))
    if role not in Membership.Role.values:
        raise MembershipError(_("Unknown role: %(role)s.") % {"role": role})
    if (
        actor is not None
        and not can_manage_actor(user, actor)
        and not actor.members.filter(user=user).exists()
    ):
        raise PermissionDenied(
            _("You are not a member of %(actor)s.") % {"actor": actor}
        )
    who = {"actor": actor} if actor else {"user": user, "actor": None}
    pending = commons.memberships.filter(
        role=role,
        status__in=[Membership.Status.REQUESTED, Membership.Status.ACTIVE],
        **who,
    ).first()
    if pending:
        raise MembershipError(
            _("Already %(status)s as %(role)s.")
            % {
                "status": pending.get_status_display(),
                "role": pending.get_role_display(),
            }
        )
    membership = Membership.objects.create(
        commons=commons,
        user=user,
        actor=actor,
        role=role,
        message=(message or "").strip()[:5000],
    )
    activity.record(
        commons,
        user=user,
        verb="membership_requested",
        summary=membership.member_name,
        data={"membership": membership.pk, "role": role},
    )
    return membership


def _decide(
    membership: CommunityMembership, *, by: Any, status: str, verb: str
) -> CommunityMembership:
    if not is_holder(by, membership.commons):
        raise PermissionDenied(_("Only the holders of this commons can decide."))
    if membership.status != Membership.Status.REQUESTED:
        raise MembershipError(
            _("This request is already %(status)s.")
            % {"status": membership.get_status_display()}
        )
    membership.status = status
    membership.approved_by = by
    membership.save(update_fields=["status", "approved_by", "updated"])
    activity.record(
        membership.commons,
        user=by,
        verb=verb,
        summary=membership.member_name,
        data={"membership": membership.pk, "role": membership.role},
    )
    return membership


def approve_membership(
    membership: CommunityMembership, *, by: Any
) -> CommunityMembership:
    """A holder accepts a request: requested → active."""
    return _decide(
        membership, by=by, status=Membership.Status.ACTIVE, verb="membership_approved"
    )


def decline_membership(
    membership: CommunityMembership, *, by: Any
) -> CommunityMembership:
    """A holder declines a request: requested → declined."""
    return _decide(
        membership, by=by, status=Membership.Status.DECLINED, verb="membership_declined"
    )


def _is_own(user: Any, membership: CommunityMembership) -> bool:
    if membership.actor_id:
        return can_manage_actor(user, membership.actor) or (
            membership.user_id == user.pk
        )
    return membership.user_id == user.pk


def leave_membership(
    membership: CommunityMembership, *, user: Any
) -> CommunityMembership:
    """Leave (or withdraw a request): requested/active → left.

    The last active holder cannot leave: someone must be able to approve.
    """
    require_signed_in(user)
    if not _is_own(user, membership):
        raise PermissionDenied(_("This membership is not yours."))
    if membership.status not in (Membership.Status.REQUESTED, Membership.Status.ACTIVE):
        raise MembershipError(
            _("This membership is already %(status)s.")
            % {"status": membership.get_status_display()}
        )
    if (
        membership.role == Membership.Role.HOLDER
        and membership.status == Membership.Status.ACTIVE
        and not membership.commons.memberships.filter(
            role=Membership.Role.HOLDER, status=Membership.Status.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise MembershipError(
            _("You are the last holder: approve another holder before leaving.")
        )
    membership.status = Membership.Status.LEFT
    membership.save(update_fields=["status", "updated"])
    activity.record(
        membership.commons,
        user=user,
        verb="membership_left",
        summary=membership.member_name,
        data={"membership": membership.pk, "role": membership.role},
    )
    return membership


def community_by_role(commons: Commons) -> dict[str, list[CommunityMembership]]:
    """Active members of ``commons`` grouped by role, in role order.

    Each membership has its member's name at hand (``member_name``, the
    actor's page) without another query: its actor or account carries the
    columns a list of members shows, not the whole row. One written
    statement (``_MEMBERS_SQL``): building it with the ORM cost more CPU
    than running it, on every first visit of a commons page.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    groups: dict[str, list[CommunityMembership]] = {
        r: [] for r in Membership.Role.values
    }
    sql = _MEMBERS_SQL.get(connection.vendor)
    if sql is None:
        sql = _MEMBERS_SQL[connection.vendor] = _members_sql()
    user_model = get_user_model()
    db = connection.alias
    for membership in CommunityMembership.objects.raw(
        sql, [commons.pk, Membership.Status.ACTIVE, False]
    ):
        extra = membership.__dict__
        user = actor = None
        if membership.user_id is not None:
            user = user_model.from_db(
                db,
                ["id", "username", "display_name", "deleted"],
                [
                    membership.user_id,
                    extra.pop("_m_username"),
                    extra.pop("_m_display_name"),
                    bool(extra.pop("_m_deleted")),
                ],
            )
        if membership.actor_id is not None:
            actor = Actor.from_db(
                db,
                ["id", "name", "slug"],
                [
                    membership.actor_id,
                    extra.pop("_m_actor_name"),
                    extra.pop("_m_actor_slug"),
                ],
            )
        membership._state.fields_cache["user"] = user
        membership._state.fields_cache["actor"] = actor
        groups[membership.role].append(membership)
    return groups


_MEMBERS_SQL: dict[str, str] = {}


def _members_sql() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection

    q = connection.ops.quote_name
    user_model = get_user_model()
    m, u, a = CommunityMembership._meta, user_model._meta, Actor._meta

    def col(meta: Any, name: str) -> str:
        return q(meta.get_field(name).column)

    columns = ", ".join(f"m.{q(f.column)}" for f in m.concrete_fields)
    return (
        f"SELECT {columns}, u.{col(u, 'username')} AS _m_username, "  # noqa: S608 - quoted model names only
        f"u.{col(u, 'display_name')} AS _m_display_name, "
        f"u.{col(u, 'deleted')} AS _m_deleted, "
        f"a.{col(a, 'name')} AS _m_actor_name, a.{col(a, 'slug')} AS _m_actor_slug "
        f"FROM {q(m.db_table)} m "
        f"LEFT JOIN {q(u.db_table)} u ON u.{q(u.pk.column)} = m.{col(m, 'user')} "
        f"LEFT JOIN {q(a.db_table)} a ON a.{q(a.pk.column)} = m.{col(m, 'actor')} "
        f"WHERE m.{col(m, 'commons')} = %s AND m.{col(m, 'status')} = %s "
        f"AND (a.{q(a.pk.column)} IS NULL OR a.{col(a, 'hidden')} = %s) "
        f"ORDER BY m.{col(m, 'role')}, m.{col(m, 'created')}"
    )


# Needs ---------------------------------------------------------------------


def add_need(
    commons: Commons,
    *,
    user: Any,
    title: str,
    help_kind: str,
    description: str = "",
) -> Need:
    """Add an open need (what help the commons seeks) to ``commons``."""
    _require_edit(user, commons)
    need = Need(
        commons=commons,
        title=(title or "").strip(),
        help_kind=help_kind,
        description=(description or "").strip(),
        created_by=user,
    )
    need.full_clean()
    need.save()
    activity.record(
        commons,
        user=user,
        verb="need_added",
        summary=need.title,
        data={"need": need.pk},
    )
    return need


def set_need_status(need: Need, *, user: Any, status: str) -> Need:
    """Change a need's status; its author and the holders may do so."""
    require_signed_in(user)
    if need.created_by_id != user.pk and not is_holder(user, need.commons):
        raise PermissionDenied(
            _("Only the holders or the author of this need can change it.")
        )
    if status not in Need.Status.values:
        raise CatalogError(_("Unknown status: %(status)s.") % {"status": status})
    need.status = status
    need.save(update_fields=["status", "updated"])
    activity.record(
        need.commons,
        user=user,
        verb="need_status",
        summary=need.title,
        data={"need": need.pk, "status": status},
    )
    return need


def close_need(need: Need, *, user: Any) -> Need:
    """Close a need (no longer sought)."""
    return set_need_status(need, user=user, status=Need.Status.CLOSED)


# Discussions and follows ---------------------------------------------------


def start_discussion(
    target: Commons | Actor, *, user: Any, title: str, body: str
) -> Discussion:
    """Open a discussion on a commons or actor with its first message.

    Raises ``fabrique.core.discussions.DiscussionError`` on empty/long text.
    """
    require_signed_in(user)
    if target.hidden:
        raise PermissionDenied(_("This page is hidden by moderation."))
    discussion = discussions.start_discussion(target, user=user, title=title, body=body)
    activity.record(
        target,
        user=user,
        verb="discussion_started",
        summary=discussion.title,
        data={"discussion": discussion.pk},
    )
    return discussion


def post_message(discussion: Discussion, *, user: Any, body: str) -> Message:
    """Reply in a discussion."""
    require_signed_in(user)
    message = discussions.post_message(discussion, user=user, body=body)
    if discussion.target is not None:
        activity.record(
            discussion.target,
            user=user,
            verb="message_posted",
            summary=discussion.title,
            data={"discussion": discussion.pk, "message": message.pk},
        )
    return message


def follow(target: models.Model, *, user: Any) -> bool:
    """Follow ``target``; False when already following."""
    require_signed_in(user)
    created = follows.follow(user, target)
    if created:
        activity.record(target, user=user, verb="followed", public=False)
    return created


def unfollow(target: models.Model, *, user: Any) -> bool:
    """Stop following ``target``; False when not following."""
    require_signed_in(user)
    return follows.unfollow(user, target)
