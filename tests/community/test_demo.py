"""The demo tells the story of challenges in every state of their lifecycle."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from fabrique.catalog.demo import load_demo
from fabrique.community.lifecycle import State
from fabrique.community.models import Challenge, Experiment, Feedback, Need
from fabrique.community.questions import normalise_question
from fabrique.projects import aggregates, graph, graph_edges
from fabrique.projects.models import (
    Contribution,
    Expense,
    Funding,
    GraphEdge,
    Project,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for this module, and roll it back afterwards."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        assert load_demo() is True
        yield
        transaction.set_rollback(True)


def test_the_demo_starts_from_sharing_more_bikes_and_covers_every_state(demo):
    need = Need.objects.get(
        title=normalise_question("Comment partager plus de vélos ?")
    )
    assert need.challenges.count() >= 5
    states = set(Challenge.objects.values_list("state", flat=True))
    assert states == set(State.values)
    closed = Challenge.objects.get(state="closed")
    assert closed.closed_reason
    for delivered in Challenge.objects.filter(state="delivered"):
        assert delivered.commons is not None
    # One community is full: past the cap, people wait for a seat.
    full = Challenge.objects.annotate(
        waiting=Count("participations", filter=Q(participations__status="waiting"))
    ).filter(waiting__gt=0)
    assert full.exists()


def test_the_demo_has_experiments_feedback_projects_ledger_and_funding(demo):
    assert Experiment.objects.exclude(results="").exists()
    assert Feedback.objects.filter(rating__isnull=False).count() >= 5
    assert set(Project.objects.values_list("kind", flat=True)) == {
        "startup", "transition",
    }  # fmt: skip
    assert Project.objects.filter(uses__isnull=False, contributes_to=None).exists()
    statuses = set(Contribution.objects.values_list("status", flat=True))
    assert statuses == {"pending", "confirmed", "declined"}
    months = {c.created.strftime("%Y-%m") for c in Contribution.objects.all()}
    assert len(months) >= 6  # spread over the year, not all today
    assert set(Funding.objects.values_list("kind", flat=True)) == {"pledge", "grant"}


def test_the_demo_funding_goes_through_every_state_from_pledge_to_use(demo):
    from fabrique.projects import funding

    pledges = Funding.objects.filter(kind="pledge")
    left = {p.pk: funding.remaining(p) for p in pledges}
    assert any(left[p.pk] == p.amount for p in pledges), "a pledge still open"
    assert any(0 < left[p.pk] < p.amount for p in pledges), "a pledge partly paid"
    grants = Funding.objects.filter(kind="grant")
    assert grants.filter(acknowledged_at__isnull=True).exists(), "a grant waiting"
    spent = grants.filter(acknowledged_at__isnull=False, expenses__isnull=False)
    assert spent.exists(), "a received grant with expenses"
    receipts = Expense.objects.exclude(receipt="")
    assert receipts.exists()
    assert Expense.objects.exclude(receipt_url="").exists()
    assert receipts.first().receipt.name.endswith(".png")
    # Nobody acknowledged a grant on the funder's side.
    for grant in grants.filter(acknowledged_at__isnull=False):
        assert grant.acknowledged_by_id != grant.created_by_id


def test_the_demo_shows_a_split_asked_for_and_feedback_on_a_beta(demo):
    from fabrique.community.models import SplitRequest

    asked = SplitRequest.objects.get(status="open")
    assert not asked.need.challenges.exists()
    assert asked.requested_by == asked.need.created_by
    assert Feedback.objects.filter(beta__isnull=False, rating__isnull=False).exists()


def test_the_demo_graph_and_counters_are_current(demo):
    values, last = aggregates.stored()
    assert (values, last) == aggregates.recount()
    before = set(
        GraphEdge.objects.values_list(
            "src_type", "src_id", "dst_type", "dst_id", "relation", "weight"
        )
    )
    graph_edges.rebuild()
    after = set(
        GraphEdge.objects.values_list(
            "src_type", "src_id", "dst_type", "dst_id", "relation", "weight"
        )
    )
    assert before == after
    need = Need.objects.get(
        title=normalise_question("Comment partager plus de vélos ?")
    )
    found = graph.neighbourhood(domain=need.domain)
    assert {n.type for n in found.nodes} == {"actor", "commons", "project", "challenge"}
