import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fabrique.catalog import services as catalog
from fabrique.community import experiments, services
from fabrique.projects import ledger
from fabrique.projects.models import Contribution
from tests.catalog.factories import make_commons, make_user
from tests.community.factories import facilitator_of, make_challenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    return make_user("holder")


@pytest.fixture
def commons(holder):
    return make_commons(user=holder)


def test_a_contribution_waits_for_a_holder_who_is_not_the_contributor(holder, commons):
    author = make_user()
    entry = ledger.record(
        user=author,
        kind="code",
        commons=commons,
        description="Import GBFS v3",
        evidence_url="https://example.org/pr/12",
    )
    assert entry.status == "pending"
    with pytest.raises(PermissionDenied):
        ledger.confirm(entry, by=author)
    with pytest.raises(PermissionDenied):
        ledger.confirm(entry, by=make_user())
    ledger.confirm(entry, by=holder)
    assert Contribution.objects.get(pk=entry.pk).status == "confirmed"
    with pytest.raises(ledger.LedgerError, match="already"):
        ledger.decline(entry, by=holder)


def test_a_holder_may_not_confirm_their_own_contribution(holder, commons):
    entry = ledger.record(
        user=holder, kind="data", commons=commons, description="Stations"
    )
    with pytest.raises(PermissionDenied):
        ledger.confirm(entry, by=holder)


def test_a_contribution_goes_to_exactly_one_commons_or_challenge(commons):
    with pytest.raises(ValidationError):
        ledger.record(user=make_user(), kind="code", description="x")
    with pytest.raises(ValidationError):
        ledger.record(
            user=make_user(),
            kind="code",
            description="x",
            commons=commons,
            challenge=make_challenge(),
        )


def test_unknown_kinds_and_bad_evidence_links_are_refused(commons):
    with pytest.raises(ValidationError):
        ledger.record(user=make_user(), kind="magic", commons=commons, description="x")
    with pytest.raises(ValidationError):
        ledger.record(
            user=make_user(),
            kind="code",
            commons=commons,
            description="x",
            evidence_url="javascript:alert(1)",
        )


def test_a_challenge_facilitator_confirms_contributions_to_the_challenge():
    challenge = make_challenge()
    entry = ledger.record(
        user=make_user(),
        kind="facilitation",
        challenge=challenge,
        description="Atelier du 12 mars",
    )
    ledger.confirm(entry, by=facilitator_of(challenge))
    assert entry.status == "confirmed"


def test_commons_edits_are_recorded_automatically_as_documentation(holder, commons):
    editor = make_user()
    catalog.update_commons(
        commons,
        user=editor,
        data={"summary": "Un flux GBFS complet."},
        base_revision=commons.revision,
    )
    entry = Contribution.objects.filter(contributor=editor, commons=commons).get()
    assert (entry.kind, entry.status, entry.automatic) == (
        "documentation",
        "confirmed",
        True,
    )
    assert ledger.by_kind(commons)["documentation"] == 2  # creation and edit


def test_experiment_feedback_is_recorded_automatically_as_testing():
    import datetime

    challenge = make_challenge(state="formed")
    producer, field_actor = make_user(), make_user()
    services.join_challenge(challenge, user=producer, role="producer")
    services.join_challenge(challenge, user=field_actor)
    experiment = experiments.create_experiment(
        challenge,
        user=producer,
        data={
            "title": "Essai",
            "place_name": "Lyon",
            "lat": 45.7,
            "lon": 4.8,
            "starts": datetime.date(2026, 3, 1),
            "ends": datetime.date(2026, 3, 2),
            "protocol": "Rouler.",
        },
    )
    experiments.add_feedback(experiment, user=field_actor, body="Bien.")
    entry = Contribution.objects.get(contributor=field_actor)
    assert (entry.kind, entry.challenge, entry.automatic) == (
        "testing",
        challenge,
        True,
    )
