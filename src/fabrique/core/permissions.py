"""Who may do what: one place for the rights every page and API route checks.

- ``can_moderate(user)``: moderators and administrators.
- ``can_edit(user, obj)``: the rule registered for the object's model (see
  ``edit_rule``), after the common checks (signed in, active, not deleted;
  moderators may edit everything). Models without a rule are editable by the
  user who created or authored them.
- ``can_view(user, obj)``: content hidden by moderation is seen by moderators
  only; ``visible(queryset, user)`` filters a queryset the same way.
- ``require_moderator`` / ``require_admin``: view decorators; anonymous
  visitors are sent to the login page, others get 403.

Other apps add rules for their models with ``@edit_rule(Model)`` instead of
growing an ``if`` chain here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse

EditRule = Callable[[Any, Any], bool]
M = TypeVar("M", bound=models.Model)
# model -> (rule, whether moderators may edit regardless of the rule)
_EDIT_RULES: dict[type[models.Model], tuple[EditRule, bool]] = {}
_defaults_registered = False
# Checks ``lock(obj) -> bool`` that make an object read-only for everyone
# (a commons harvested from another instance is changed at its origin).
_LOCKS: list[Callable[[Any], bool]] = []

# Fields that name the account an object belongs to, in order of preference.
OWNER_FIELDS = ("author", "created_by", "user", "reporter")


def is_active_user(user: Any) -> bool:
    """Signed in, active and not deleted."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and not getattr(user, "deleted", False)
    )


def is_admin(user: Any) -> bool:
    return is_active_user(user) and (
        user.is_superuser or getattr(user, "role", "") == "admin"
    )


def can_moderate(user: Any) -> bool:
    """Moderators and administrators may hide, restore and read the audit log."""
    return is_active_user(user) and bool(getattr(user, "is_moderator", False))


def owner_of(obj: Any) -> Any | None:
    """The account an object belongs to, through its first owner field set."""
    for name in OWNER_FIELDS:
        owner_id = getattr(obj, f"{name}_id", None)
        if owner_id is not None:
            return owner_id
    return None


def is_owner(user: Any, obj: Any) -> bool:
    owner_id = owner_of(obj)
    return owner_id is not None and owner_id == user.pk


def edit_rule(
    model: type[models.Model], *, moderators: bool = True
) -> Callable[[EditRule], EditRule]:
    """Register ``rule(user, obj) -> bool`` as the edit rule of ``model``.

    With ``moderators=False`` moderators get no blanket right on the model
    (accounts and tokens are their owners' business).
    """

    def register(rule: EditRule) -> EditRule:
        _EDIT_RULES[model] = (rule, moderators)
        return rule

    return register


def edit_lock(lock: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """Register ``lock(obj) -> bool``: objects it holds may be changed by nobody."""
    if lock not in _LOCKS:
        _LOCKS.append(lock)
    return lock


def is_locked(obj: Any) -> bool:
    return any(lock(obj) for lock in _LOCKS)


def _rule_for(obj: Any) -> tuple[EditRule, bool] | None:
    global _defaults_registered
    if not _defaults_registered:
        _defaults_registered = True
        _register_default_rules()
    for klass in type(obj).__mro__:
        if klass in _EDIT_RULES:
            return _EDIT_RULES[klass]
    return None


def can_edit(user: Any, obj: Any) -> bool:
    """May ``user`` change (or delete) ``obj``?"""
    if not is_active_user(user):
        return False
    if is_locked(obj):
        return False
    found = _rule_for(obj)
    rule, moderators = found if found else (is_owner, True)
    if moderators and can_moderate(user):
        return True
    if getattr(obj, "hidden", False):
        return False
    return rule(user, obj)


def can_create(user: Any) -> bool:
    """Anyone signed in (and not deleted) may create and complete content."""
    return is_active_user(user)


def can_view(user: Any, obj: Any) -> bool:
    """Hidden content is shown to moderators only."""
    return not getattr(obj, "hidden", False) or can_moderate(user)


def visible(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """``queryset`` without hidden rows, unless ``user`` moderates."""
    if can_moderate(user):
        return queryset
    return queryset.filter(hidden=False)


def require_edit(user: Any, obj: Any) -> None:
    """Raise PermissionDenied unless ``user`` may edit ``obj``."""
    if not can_edit(user, obj):
        raise PermissionDenied


ViewFunc = Callable[..., HttpResponse]


def _require(check: Callable[[Any], bool]) -> Callable[[ViewFunc], ViewFunc]:
    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


require_moderator = _require(can_moderate)
require_admin = _require(is_admin)
require_member = _require(is_active_user)


# Rules of the models every instance has; apps added later register their own.
# Registered on first use, so importing this module never loads other apps.
def _register_default_rules() -> None:
    from fabrique.accounts.models import ApiToken, User
    from fabrique.catalog.models import (
        Actor,
        ActorMember,
        Commons,
        CommunityMembership,
        Need,
    )
    from fabrique.core.models import Discussion, Message

    @edit_rule(User, moderators=False)
    def _user(user: Any, obj: Any) -> bool:
        return bool(obj.pk == user.pk) or is_admin(user)

    @edit_rule(ApiToken, moderators=False)
    def _token(user: Any, obj: Any) -> bool:
        return bool(obj.user_id == user.pk)

    @edit_rule(Commons)
    def _commons(user: Any, obj: Any) -> bool:
        # SPEC §1: anyone signed in can complete a commons; every edit is a revision.
        return True

    @edit_rule(Need)
    def _need(user: Any, obj: Any) -> bool:
        return can_edit(user, obj.commons)

    @edit_rule(Actor)
    def _actor(user: Any, obj: Any) -> bool:
        # Actors are completed like commons (catalog.services.can_edit agrees).
        return True

    @edit_rule(ActorMember)
    def _actor_member(user: Any, obj: Any) -> bool:
        return is_org_admin(user, obj.actor)

    @edit_rule(CommunityMembership)
    def _membership(user: Any, obj: Any) -> bool:
        if obj.user_id == user.pk:
            return True
        return is_commons_holder(user, obj.commons)

    @edit_rule(Discussion)
    def _discussion(user: Any, obj: Any) -> bool:
        return is_owner(user, obj)

    @edit_rule(Message)
    def _message(user: Any, obj: Any) -> bool:
        return is_owner(user, obj)


def is_org_admin(user: Any, actor: Any) -> bool:
    """Administrators of an organisation actor manage its members."""
    if not is_active_user(user):
        return False
    if can_moderate(user):
        return True
    return bool(actor.members.filter(user=user, role="admin").exists())


def is_commons_holder(user: Any, commons: Any) -> bool:
    """An active holder (*porteur*) of the commons, in person."""
    if not is_active_user(user):
        return False
    return bool(
        commons.memberships.filter(user=user, role="holder", status="active").exists()
    )
