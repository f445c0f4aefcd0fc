"""Moderation: anyone signed in reports; moderators hide, restore or dismiss.

Every moderator action is written to the audit log with its moderator and
reason; nothing is deleted — hidden content is kept, out of public pages, API
and search (they all filter on ``hidden``), and can be restored.

Which models can be reported is a registry: ``register(Model, …)`` says how
to name an object, quote it and link to it in the queue. Commons, actors,
discussions and messages are registered here; other apps register their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from fabrique.core.models import AuditLog, Discussion, Message, Report
from fabrique.core.permissions import can_moderate, is_active_user

MAX_REASON_CHARS = 2000
MIN_REASON_CHARS = 5


class ModerationError(Exception):
    """A moderation request was refused; the message says why (translated)."""


@dataclass(frozen=True)
class Reportable:
    """How the moderation queue shows one reportable model."""

    model: type[models.Model]
    title: Callable[[Any], str] = str
    excerpt: Callable[[Any], str] = lambda obj: ""
    url: Callable[[Any], str | None] = lambda obj: _absolute_url(obj)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_REGISTRY: dict[str, Reportable] = {}
_defaults_registered = False


def _absolute_url(obj: Any) -> str | None:
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if getter else None


def register(model: type[models.Model], **options: Any) -> Reportable:
    """Make ``model`` reportable (it needs a boolean ``hidden`` field)."""
    names = {f.name for f in model._meta.get_fields()}
    if "hidden" not in names:
        raise TypeError(f"{model._meta.label} has no `hidden` field to moderate")
    entry = Reportable(model, **options)
    _REGISTRY[entry.label] = entry
    return entry


def _discussion_url(discussion: Discussion) -> str | None:
    target = discussion.target
    if target is not None and target._meta.label_lower == "catalog.commons":
        try:
            return reverse("catalog:discussion", args=[target.slug, discussion.pk])
        except NoReverseMatch:
            pass
    return _absolute_url(target) if target is not None else None


def _register_defaults() -> None:
    from fabrique.catalog.models import Actor, Commons

    register(Commons, excerpt=lambda c: c.summary)
    register(Actor, excerpt=lambda a: a.summary)
    register(
        Discussion,
        excerpt=lambda d: str(d.target or ""),
        url=_discussion_url,
    )
    register(
        Message,
        title=lambda m: _("Message in “%(title)s”") % {"title": m.discussion.title},
        excerpt=lambda m: Truncator(m.body).chars(300),
        url=lambda m: _discussion_url(m.discussion),
    )


def registry() -> dict[str, Reportable]:
    global _defaults_registered
    if not _defaults_registered:
        _defaults_registered = True
        _register_defaults()
    return _REGISTRY


def reportable(label: str) -> Reportable:
    """The registry entry for ``"app_label.model"``; ModerationError if none."""
    entry = registry().get(label.lower())
    if entry is None:
        raise ModerationError(
            _("“%(label)s” is not something that can be reported.") % {"label": label}
        )
    return entry


def label_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def _content_type(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj)


def _clean_reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and len(reason) < MIN_REASON_CHARS:
        raise ModerationError(
            _("Please give a reason (at least %(min)d characters).")
            % {"min": MIN_REASON_CHARS}
        )
    if len(reason) > MAX_REASON_CHARS:
        raise ModerationError(
            _("The reason is %(length)d characters long; the limit is %(max)d.")
            % {"length": len(reason), "max": MAX_REASON_CHARS}
        )
    return reason


def reports_on(obj: models.Model) -> models.QuerySet[Report]:
    return Report.objects.filter(content_type=_content_type(obj), object_id=obj.pk)


@transaction.atomic
def report(target: models.Model, *, reporter: Any, reason: str) -> Report:
    """File a report on ``target``; one open report per person and object."""
    reportable(label_of(target))
    if not is_active_user(reporter):
        raise ModerationError(_("You need to be signed in to report content."))
    reason = _clean_reason(reason)
    if getattr(target, "hidden", False):
        raise ModerationError(_("This content is already hidden by moderation."))
    if reports_on(target).filter(reporter=reporter, status=Report.Status.OPEN).exists():
        raise ModerationError(
            _("You already reported this; moderators will look at it.")
        )
    return Report.objects.create(
        content_type=_content_type(target),
        object_id=target.pk,
        reporter=reporter,
        reason=reason,
    )


def _audit(target: models.Model, moderator: Any, action: str, reason: str) -> AuditLog:
    return AuditLog.objects.create(
        content_type=_content_type(target),
        object_id=target.pk,
        moderator=moderator,
        action=action,
        reason=reason,
    )


def _require_moderator(user: Any) -> None:
    if not can_moderate(user):
        raise ModerationError(_("Only moderators can do this."))


def _resolve_open(target: models.Model, status: str) -> int:
    return (
        reports_on(target)
        .filter(status=Report.Status.OPEN)
        .update(status=status, resolved=timezone.now())
    )


def _set_hidden(target: models.Model, hidden: bool) -> None:
    target.hidden = hidden  # type: ignore[attr-defined]
    # Saving (not a queryset update) lets the search index drop or restore it;
    # ``updated`` is left alone since only ``hidden`` is written.
    target.save(update_fields=["hidden"])


@transaction.atomic
def hide(target: models.Model, *, moderator: Any, reason: str) -> AuditLog:
    """Hide ``target`` from the public and close its open reports."""
    _require_moderator(moderator)
    reportable(label_of(target))
    reason = _clean_reason(reason)
    if getattr(target, "hidden", False):
        raise ModerationError(_("This content is already hidden."))
    _set_hidden(target, True)
    _resolve_open(target, Report.Status.HIDDEN)
    return _audit(target, moderator, "hide", reason)


@transaction.atomic
def restore(target: models.Model, *, moderator: Any, reason: str) -> AuditLog:
    """Show hidden ``target`` again."""
    _require_moderator(moderator)
    reportable(label_of(target))
    reason = _clean_reason(reason)
    if not getattr(target, "hidden", False):
        raise ModerationError(_("This content is not hidden."))
    _set_hidden(target, False)
    reports_on(target).filter(status=Report.Status.HIDDEN).update(
        status=Report.Status.RESTORED, resolved=timezone.now()
    )
    return _audit(target, moderator, "restore", reason)


@transaction.atomic
def dismiss(target: models.Model, *, moderator: Any, reason: str) -> AuditLog:
    """Close the open reports on ``target`` without hiding it."""
    _require_moderator(moderator)
    reportable(label_of(target))
    reason = _clean_reason(reason)
    if not _resolve_open(target, Report.Status.DISMISSED):
        raise ModerationError(_("There is no open report on this content."))
    return _audit(target, moderator, "dismiss", reason)


ACTIONS: dict[str, Callable[..., AuditLog]] = {
    "hide": hide,
    "restore": restore,
    "dismiss": dismiss,
}


@dataclass
class QueueItem:
    """One reported or hidden object, with what the queue shows of it."""

    label: str
    target: Any
    entry: Reportable
    reports: list[Report] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.entry.title(self.target))

    @property
    def excerpt(self) -> str:
        return str(self.entry.excerpt(self.target))

    @property
    def url(self) -> str | None:
        return self.entry.url(self.target)

    @property
    def hidden(self) -> bool:
        return bool(getattr(self.target, "hidden", False))

    @property
    def kind(self) -> str:
        return str(self.entry.model._meta.verbose_name)


def _targets(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """Load the objects of (content type id, object id) pairs, per model."""
    by_type: dict[int, set[int]] = {}
    for type_id, object_id in pairs:
        by_type.setdefault(type_id, set()).add(object_id)
    found: dict[tuple[int, int], Any] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            found[(type_id, obj.pk)] = obj
    return found


def open_queue(limit: int = 200) -> list[QueueItem]:
    """Objects with open reports, most reported first, then oldest report."""
    reports = list(
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("reporter", "content_type")
        .order_by("created")[: limit * 10]
    )
    targets = _targets([(r.content_type_id, r.object_id) for r in reports])
    items: dict[tuple[int, int], QueueItem] = {}
    for item_report in reports:
        key = (item_report.content_type_id, item_report.object_id)
        target = targets.get(key)
        label = (
            item_report.content_type.app_label + "." + item_report.content_type.model
        )
        if target is None or label not in registry():
            continue
        if key not in items:
            items[key] = QueueItem(label, target, registry()[label])
        items[key].reports.append(item_report)
    ordered = sorted(items.values(), key=lambda i: -len(i.reports))
    return ordered[:limit]


def hidden_items(limit: int = 200) -> list[QueueItem]:
    """Everything currently hidden, newest first per model."""
    items: list[QueueItem] = []
    for label, entry in registry().items():
        manager = entry.model._default_manager
        for obj in manager.filter(hidden=True).order_by("-pk")[:limit]:
            items.append(QueueItem(label, obj, entry))
    return items[:limit]


def _person(user_id: str) -> str:
    from fabrique.accounts.models import User

    user = User.objects.filter(pk=user_id).first() if user_id.isdigit() else None
    return user.public_name if user else _("deleted user")


def _role_name(role: str) -> str:
    from fabrique.accounts.models import User
    from fabrique.catalog.models import ActorMember

    labels = {**dict(ActorMember.Role.choices), **dict(User.Role.choices)}
    return str(labels.get(role, role))


def describe_action(code: str) -> str:
    """An audit log action code (``hide``, ``role:member->moderator``…) in words."""
    simple = {
        "hide": _("hidden"),
        "restore": _("restored"),
        "dismiss": _("reports dismissed"),
    }
    if code in simple:
        return str(simple[code])
    kind, _sep, rest = code.partition(":")
    parts = rest.split(":")
    if kind == "role" and "->" in rest:
        old, new = rest.split("->", 1)
        return _("role changed from %(old)s to %(new)s") % {
            "old": _role_name(old),
            "new": _role_name(new),
        }
    if kind == "member-added" and len(parts) == 2:
        return _("%(person)s added as %(role)s") % {
            "person": _person(parts[0]),
            "role": _role_name(parts[1]),
        }
    if kind == "member-role" and len(parts) == 2:
        return _("%(person)s is now %(role)s") % {
            "person": _person(parts[0]),
            "role": _role_name(parts[1]),
        }
    if kind == "member-removed" and len(parts) == 1:
        return _("%(person)s removed") % {"person": _person(parts[0])}
    return code


def describe(entry: AuditLog) -> str:
    """A short name of an audit log entry's target."""
    label = f"{entry.content_type.app_label}.{entry.content_type.model}"
    target = entry.target
    if target is None:
        return f"{label} #{entry.object_id}"
    reg = registry().get(label)
    return str(reg.title(target)) if reg else str(target)
