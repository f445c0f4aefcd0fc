"""E-mail digests: the unread notifications of a day or a week, in one message.

``send_due`` runs every hour (a periodic task); a person on the daily digest
gets one message at most a day, on the weekly digest one a week, each with
the notifications no digest has carried yet. Nothing is sent to people on
"site only" or "none", nor to accounts without an e-mail address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from fabrique.core.activity import by_the_instance, describe, summary_of
from fabrique.notifications import periodic
from fabrique.notifications.models import Frequency, Notification, Preference
from fabrique.notifications.services import subject_of

PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
MAX_ITEMS = 50


def _items(rows: list[Notification]) -> list[dict[str, str]]:
    items = []
    for row in rows:
        title, url = subject_of(row.activity)
        actor = row.activity.actor
        # What the instance itself recorded has its object as the subject.
        by_instance = by_the_instance(row.activity) and bool(title)
        items.append(
            {
                "who": title
                if by_instance
                else (actor.public_name if actor else _("Someone")),
                "what": describe(row.activity),
                "title": "" if by_instance else title,
                "summary": summary_of(row.activity),
                "url": f"{settings.SITE_URL}{url}" if url else "",
            }
        )
    return items


def send_digest(pref: Preference, *, now: datetime) -> int:
    """Send ``pref``'s person their digest; return how many items it carried."""
    user = pref.user
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(user=user, read_at__isnull=True, emailed_at__isnull=True)
            .select_related("activity__actor", "activity__content_type")
            .order_by("-created", "-id")[:MAX_ITEMS]
        )
        pref.last_digest = now
        pref.save(update_fields=["last_digest"])
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=now)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "person": user,
                "items": _items(rows),
                "site_name": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
                "weekly": pref.frequency == Frequency.WEEKLY,
            }
            subject = _("%(site)s: %(count)d new notifications") % {
                "site": settings.SITE_NAME,
                "count": len(rows),
            }
            body = render_to_string("notifications/digest.txt", context)
        send_mail(subject, body, None, [user.email])
    return len(rows)


def due(now: datetime | None = None) -> list[Preference]:
    """The preferences whose digest is due at ``now``."""
    now = now or timezone.now()
    wanted = Q()
    for frequency, period in PERIODS.items():
        wanted |= Q(frequency=frequency) & (
            Q(last_digest__isnull=True) | Q(last_digest__lte=now - period)
        )
    return list(
        Preference.objects.filter(wanted)
        .filter(user__is_active=True, user__deleted=False)
        .exclude(user__email="")
        .select_related("user")
    )


def send_due(now: datetime | None = None) -> int:
    """Send every digest that is due; return how many messages went out."""
    now = now or timezone.now()
    sent = 0
    for pref in due(now):
        if send_digest(pref, now=now):
            sent += 1
    return sent


@task()
def send_due_digests() -> int:
    """Background task: send the digests that are due, then come back in an hour."""
    try:
        return send_due()
    finally:
        periodic.schedule_next(send_due_digests)
