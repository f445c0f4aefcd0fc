"""Rule badges from the ledger (worker task) and behaviour badges by nomination."""

from __future__ import annotations

import pytest

from fabrique.badges import nominations, rules
from fabrique.badges.models import Award
from fabrique.badges.tasks import evaluate_badge_rules
from fabrique.catalog.models import Commons
from fabrique.projects.models import Contribution

from .factories import badge, member

pytestmark = pytest.mark.django_db


def _entry(user, commons, status="confirmed", kind="documentation"):
    return Contribution.objects.create(
        contributor=user,
        commons=commons,
        kind=kind,
        description="Wrote the setup guide",
        status=status,
    )


def test_first_confirmed_contribution_earns_the_rule_badge_once(settings):
    first = badge()
    ana, bob = member("ana"), member("bob")
    commons = Commons.objects.create(slug="velo", title="Vélo")
    _entry(bob, commons, status="pending")
    _entry(ana, commons)
    evaluate_badge_rules.call()
    assert list(Award.objects.values_list("recipient__username", "via")) == [
        ("ana", "rule")
    ]
    assert rules.evaluate() == []
    assert first.awards.get().evidence == "Wrote the setup guide"
    assert first.awards.get().commons == commons


def test_confirming_an_entry_queues_the_rules(
    django_capture_on_commit_callbacks, monkeypatch
):
    from fabrique.core import queue

    queued = []
    monkeypatch.setattr(queue, "enqueue", lambda task, *a: queued.append(task))
    commons = Commons.objects.create(slug="velo", title="Vélo")
    with django_capture_on_commit_callbacks(execute=True):
        _entry(member("ana"), commons, status="pending")
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        _entry(member("bob"), commons)
    assert queued == [evaluate_badge_rules]


def test_n_contributions_rule_waits_for_n(settings):
    badge("five", name="Five", rule="contributions", rule_count=2)
    ana = member("ana")
    commons = Commons.objects.create(slug="velo", title="Vélo")
    _entry(ana, commons)
    rules.evaluate()
    assert not Award.objects.exists()
    _entry(ana, commons, kind="code")
    rules.evaluate()
    assert Award.objects.count() == 1


def test_behaviour_badge_is_awarded_when_enough_members_second(settings):
    settings.BADGES_NOMINATION_SECONDS = 2
    listening = badge(
        "ecoute", name="Écoute", kind="behaviour", rule="", nominations_open=True
    )
    ana, bob, carla, dan = (member(n) for n in ("ana", "bob", "carla", "dan"))
    nomination = nominations.nominate(listening, ana, bob, "Listens to newcomers")
    with pytest.raises(nominations.NominationRefused):
        nominations.second(nomination, ana)
    with pytest.raises(nominations.NominationRefused):
        nominations.nominate(listening, bob, bob, "me")
    assert nominations.second(nomination, carla) is None
    award = nominations.second(nomination, dan)
    assert award is not None
    assert award.via == "nomination"
    assert award.recipient == ana


def test_a_public_skill_badge_weighs_in_suggestions():
    from fabrique.community import matching
    from tests.community.factories import make_challenge

    challenge = make_challenge(
        title="Ouvrir les données des vélos cargo",
        goal="Publier des données ouvertes sur les vélos cargo.",
    )
    wanted = matching.challenge_skills(challenge)
    assert "information.open_data" in wanted
    zoe = member("zoe")
    names = {s.obj.username for s in matching.for_challenge(challenge)["people"]}
    assert "zoe" not in names
    award = Award.objects.create(
        badge=badge("donnees", name="Données", kind="skill", rule=""),
        recipient=zoe,
        via="hand",
        issued=challenge.created,
        status_index=1,
        accepted=True,
        public=True,
    )
    found = {s.obj.username: s for s in matching.for_challenge(challenge)["people"]}
    assert "Open data" in " ".join(found["zoe"].reasons)
    award.public = False
    award.save()
    names = {s.obj.username for s in matching.for_challenge(challenge)["people"]}
    assert "zoe" not in names


def test_the_ecosystem_dashboard_counts_badges_per_month_by_kind():
    from fabrique.badges import issuing
    from fabrique.projects import dashboards

    ana, bob = member("ana"), member("bob")
    issuing.award(badge(), ana, via="hand")
    issuing.award(badge("ecoute", name="Écoute", kind="behaviour"), ana, via="hand")
    revoked = issuing.award(badge("b3", name="B3", kind="behaviour"), bob, via="hand")
    issuing.revoke(revoked, None, "mistake")
    assert "badges" in dashboards.CHARTS
    chart = dashboards.CHARTS["badges"]()
    last = chart.rows[-1]
    # month, skill, behaviour, participation, total
    assert last[1:] == [0, 1, 1, 2]
