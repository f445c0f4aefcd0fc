"""The dashboards' counters follow every write and match a recount from scratch."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from fabrique.catalog.models import Commons
from fabrique.community import services as community
from fabrique.community.models import Challenge
from fabrique.core import moderation
from fabrique.projects import aggregates, ledger
from fabrique.projects.funding import record_funding
from fabrique.projects.models import Contribution, EcosystemCount, Expense, Funding
from tests.catalog.factories import make_actor, make_commons, make_user
from tests.community.factories import challenge_data, make_need

pytestmark = pytest.mark.django_db


def from_scratch() -> dict[tuple[str, int, str], Decimal]:
    """Every counter, recounted with plain aggregate queries (not signatures)."""
    found: dict[tuple[str, int, str], Decimal] = {}
    visible = Commons.objects.filter(hidden=False)
    for row in visible.values("kind", "maturity").annotate(n=Count("id")):
        found[("commons", 0, f"{row['kind']}|{row['maturity']}")] = Decimal(row["n"])
    challenges = Challenge.objects.filter(hidden=False)
    for row in challenges.values("state").annotate(n=Count("id")):
        found[("challenges", 0, row["state"])] = Decimal(row["n"])
    confirmed = Contribution.objects.filter(status="confirmed")
    months = confirmed.annotate(m=TruncMonth("created", tzinfo=datetime.UTC))
    for row in months.values("m").annotate(n=Count("id")):
        found[("contrib_month", 0, row["m"].strftime("%Y-%m"))] = Decimal(row["n"])
    people = confirmed.exclude(contributor=None).exclude(commons=None)
    for row in people.values("commons").annotate(n=Count("id")):
        found[("commons_contribs", row["commons"], "")] = Decimal(row["n"])
    for row in people.values("commons", "contributor").annotate(n=Count("id")):
        key = ("contributor", row["commons"], str(row["contributor"]))
        found[key] = Decimal(row["n"])
    # Funding: visible rows of visible funders; a pledge counts for what its
    # grants have not paid yet.
    shown = Funding.objects.filter(hidden=False, funder__hidden=False)
    sums: dict[tuple[str, int, str], Decimal] = {}
    for row in shown.values("commons", "kind", "currency").annotate(s=Sum("amount")):
        sums[("funding", row["commons"], f"{row['kind']}|{row['currency']}")] = row["s"]
    paid = shown.filter(kind="grant", pledge__isnull=False, pledge__hidden=False)
    for row in paid.values("commons", "currency").annotate(s=Sum("amount")):
        key = ("funding", row["commons"], f"pledge|{row['currency']}")
        sums[key] = sums.get(key, Decimal(0)) - row["s"]
    received = shown.filter(kind="grant", acknowledged_at__isnull=False)
    for row in received.values("commons", "currency").annotate(s=Sum("amount")):
        sums[("funding", row["commons"], f"received|{row['currency']}")] = row["s"]
    spent = Expense.objects.filter(
        hidden=False, grant__hidden=False, grant__funder__hidden=False
    )
    for row in spent.values("grant__commons", "grant__currency").annotate(
        s=Sum("amount")
    ):
        key = ("funding", row["grant__commons"], f"spent|{row['grant__currency']}")
        sums[key] = row["s"]
    for (metric, ref, key), value in sums.items():
        if not value:
            continue
        found[(metric, ref, key)] = value
        figure, _sep, currency = key.partition("|")
        if figure in {"pledge", "grant"}:
            total = ("funding_total", ref, currency)
            found[total] = found.get(total, Decimal(0)) + value
    return found


def assert_current() -> None:
    values, last = aggregates.stored()
    assert values == from_scratch()
    # Each contributor's newest date is the newest of their confirmed entries.
    people = Contribution.objects.filter(status="confirmed").exclude(contributor=None)
    for row in (
        people.exclude(commons=None)
        .values("commons", "contributor")
        .annotate(newest=Max("created"))
    ):
        assert (
            last[("contributor", row["commons"], str(row["contributor"]))]
            == (row["newest"])
        )
    assert aggregates.recount() == (values, last)


def test_counters_follow_creates_updates_and_deletes_of_every_counted_object():
    holder = make_user()
    bike = make_commons(user=holder, title="Vélos partagés", kind="data")
    cargo = make_commons(user=holder, title="Vélo cargo", kind="hardware")
    assert_current()

    # Maturity and kind move the commons between counters; hiding removes it.
    cargo.maturity = "production"
    cargo.save()
    assert_current()
    moderator = make_user(role="moderator")
    moderation.hide(bike, moderator=moderator, reason="Doublon")
    assert_current()
    moderation.restore(bike, moderator=moderator, reason="Pas un doublon")
    assert_current()

    # Challenges move through their states.
    need = make_need()
    facilitator = need.domain.members.get(role="facilitator").user
    challenge = community.create_challenge(
        need, user=facilitator, data=challenge_data()
    )
    community.transition(challenge, user=facilitator, target="open")
    assert_current()
    assert EcosystemCount.objects.get(metric="challenges", key="open").value == 1
    assert not EcosystemCount.objects.filter(metric="challenges", key="proposed")

    # Ledger entries count once confirmed; declining or deleting takes them back.
    worker, other = make_user(), make_user()
    entry = ledger.record(
        user=worker, kind="code", description="Import GBFS", commons=bike
    )
    assert_current()
    ledger.confirm(entry, by=holder)
    second = ledger.record(
        user=other, kind="data", description="Stations", commons=bike
    )
    ledger.confirm(second, by=holder)
    assert_current()
    Contribution.objects.get(pk=second.pk).delete()
    assert_current()
    # An entry dated a year back moves between months.
    entry.created = timezone.now() - datetime.timedelta(days=365)
    entry.save()
    assert_current()

    # Funding adds its amount; editing and deleting it move the sums.
    funder = make_actor(user=holder, name="Fondation Vélo", type="funder")
    grant = record_funding(
        user=holder, funder=funder, commons=bike, kind="grant",
        amount=Decimal("12000.50"), purpose="Serveurs", date=datetime.date(2026, 3, 1),
    )  # fmt: skip
    record_funding(
        user=holder, funder=funder, commons=bike, kind="pledge",
        amount=Decimal("5000"), purpose="Animation", date=datetime.date(2026, 4, 1),
    )  # fmt: skip
    assert_current()
    grant.amount = Decimal("9000")
    grant.save()
    assert_current()
    total = EcosystemCount.objects.get(metric="funding_total", ref=bike.pk, key="EUR")
    assert total.value == Decimal("14000")

    # Deleting a commons takes its contributions and funding with it.
    bike.delete()
    assert_current()
    assert not EcosystemCount.objects.filter(ref=bike.pk)


def test_a_counter_row_disappears_when_it_falls_to_zero():
    commons = make_commons(kind="software", maturity="idea")
    assert EcosystemCount.objects.filter(metric="commons", key="software|idea").exists()
    commons.delete()
    assert not EcosystemCount.objects.filter(metric="commons").exists()


def test_rebuild_repairs_counters_after_writes_that_bypass_signals():
    make_commons(kind="data", maturity="beta")
    Commons.objects.update(maturity="production")  # no signal: counters drift
    with pytest.raises(AssertionError):
        assert_current()
    assert aggregates.rebuild() > 0
    assert_current()
