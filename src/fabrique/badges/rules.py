"""Rules on the contribution ledger: who has earned a rule badge.

Each rule is a function of a badge class that returns the users who meet
it; :func:`evaluate` gives the badge to those who do not have it yet. Only
confirmed ledger entries count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from fabrique.projects.models import Contribution, ContributionKind

from . import issuing
from .models import Award, BadgeClass

RuleFunction = Callable[[BadgeClass], QuerySet[Any]]


def _confirmed(kind: str | None = None) -> Q:
    q = Q(contributions__status=Contribution.Status.CONFIRMED)
    if kind:
        q &= Q(contributions__kind=kind)
    return q


def _with_contributions(badge: BadgeClass, kind: str | None = None) -> QuerySet[Any]:
    users = get_user_model().objects.annotate(
        n=Count("contributions", filter=_confirmed(kind), distinct=True)
    )
    needed = 1 if badge.rule.startswith("first_") else max(badge.rule_count, 1)
    return users.filter(n__gte=needed)


def _experiments_with_feedback(badge: BadgeClass) -> QuerySet[Any]:
    from fabrique.community.models import Experiment

    counts: dict[int, int] = {}
    for experiment in Experiment.objects.filter(feedback__isnull=False).distinct():
        for user_id in experiment.participants.values_list("pk", flat=True):
            counts[user_id] = counts.get(user_id, 0) + 1
    ids = [u for u, n in counts.items() if n >= max(badge.rule_count, 1)]
    return get_user_model().objects.filter(pk__in=ids)


RULES: dict[str, RuleFunction] = {
    BadgeClass.Rule.FIRST_CONTRIBUTION: lambda b: _with_contributions(b),
    BadgeClass.Rule.FIRST_DOCUMENTATION: lambda b: _with_contributions(
        b, ContributionKind.DOCUMENTATION
    ),
    BadgeClass.Rule.CONTRIBUTIONS: lambda b: _with_contributions(b),
    BadgeClass.Rule.EXPERIMENTS_WITH_FEEDBACK: _experiments_with_feedback,
}


def evaluate(user_ids: list[int] | None = None) -> list[Award]:
    """Give every rule badge to the members who meet its rule; return new awards.

    ``user_ids`` limits the look to those members (the one whose entry was
    just confirmed); ``None`` looks at everyone (the periodic run)."""
    made: list[Award] = []
    for badge in BadgeClass.objects.exclude(rule=""):
        rule = RULES.get(badge.rule)
        if rule is None:
            continue
        already = Award.objects.filter(badge=badge).values_list("recipient", flat=True)
        candidates = rule(badge).exclude(pk__in=already).filter(is_active=True)
        if user_ids is not None:
            candidates = candidates.filter(pk__in=user_ids)
        for user in candidates:
            latest = (
                Contribution.objects.filter(
                    contributor=user, status=Contribution.Status.CONFIRMED
                )
                .order_by("-created")
                .first()
            )
            new = issuing.award(
                badge,
                user,
                via=Award.Via.RULE,
                evidence=latest.description if latest else "",
                commons=latest.commons if latest else None,
                challenge=latest.challenge if latest else None,
            )
            if new is not None:
                made.append(new)
    return made


def skills_shown_by_badges() -> dict[int, list[str]]:
    """Taxonomy skills of the public, unrevoked skill badges, by recipient."""
    found: dict[int, list[str]] = {}
    awards = Award.objects.filter(
        accepted=True, public=True, revoked__isnull=True, badge__kind="skill"
    ).values_list("recipient_id", "badge__skills")
    for user_id, codes in awards:
        mine = found.setdefault(user_id, [])
        mine.extend(c for c in codes or [] if c not in mine)
    return found
