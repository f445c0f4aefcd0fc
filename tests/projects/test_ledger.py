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
        ledger.decline(entry, by=holder, reason="Trop tard.")


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


def _edit(commons, user, **data):
    commons.refresh_from_db()
    return catalog.update_commons(
        commons, user=user, data=data, base_revision=commons.revision
    )


def _edits(editor, commons):
    return Contribution.objects.filter(
        contributor=editor, commons=commons, source="edited"
    )


def test_saves_that_change_no_word_record_no_contribution(holder, commons):
    editor = make_user()
    for _ in range(7):  # the same content saved again and again
        _edit(commons, editor, summary=commons.summary)
    _edit(commons, editor, description=commons.description + "\n\n")
    spaced = commons.summary.replace(" ", "  ", 1)
    _edit(commons, editor, summary=spaced)
    assert not _edits(editor, commons).exists()
    assert ledger.by_kind(commons)["documentation"] == 1  # the creation only


def test_an_edit_is_linked_to_its_revision_and_sized_in_words(holder, commons):
    editor = make_user()
    change = _edit(commons, editor, summary="Un flux GBFS complet et à jour.")
    entry = _edits(editor, commons).get()
    assert entry.revision_id == change.revision.pk
    assert (entry.words_added, entry.words_removed) == (
        change.words_added,
        change.words_removed,
    )
    assert entry.words_added >= 6


def test_edits_within_the_window_grow_one_entry_and_later_ones_start_another(
    holder, commons, settings
):
    from datetime import timedelta

    from django.utils import timezone

    settings.LEDGER_MERGE_MINUTES = 60
    editor = make_user()
    before = len(commons.summary.split())
    _edit(commons, editor, summary="Première version du résumé.")
    second = _edit(commons, editor, summary="Deuxième version du résumé.")
    entry = _edits(editor, commons).get()
    assert entry.revision_id == second.revision.pk
    # 4 words written over the old summary, then one word replaced.
    assert (entry.words_added, entry.words_removed) == (4 + 1, before + 1)
    Contribution.objects.filter(pk=entry.pk).update(
        created=timezone.now() - timedelta(minutes=61)
    )
    _edit(commons, editor, summary="Troisième version du résumé.")
    assert _edits(editor, commons).count() == 2
    # Someone else's edit is their own entry.
    other = make_user()
    _edit(commons, other, summary="Une autre plume.")
    assert _edits(other, commons).count() == 1


def test_automatic_entries_are_capped_per_person_and_day(holder, settings):
    settings.LEDGER_DAILY_AUTOMATIC = 3
    settings.LEDGER_MERGE_MINUTES = 0
    editor = make_user()
    for n in range(5):
        commons = make_commons(user=holder, title=f"Commun {n}")
        _edit(commons, editor, summary=f"Résumé numéro {n} réécrit.")
    assert Contribution.objects.filter(contributor=editor, automatic=True).count() == 3


def _pending(commons, **extra):
    return ledger.record(
        user=extra.pop("user", None) or make_user(),
        kind="code",
        commons=commons,
        description="Export NeTEx",
        **extra,
    )


def test_moderators_do_not_confirm_for_the_holders(holder, commons):
    from fabrique.accounts.models import User

    moderator = make_user("moderatrice")
    User.objects.filter(pk=moderator.pk).update(role=User.Role.MODERATOR)
    moderator.refresh_from_db()
    entry = _pending(commons)
    assert not ledger.may_confirm(moderator, entry)
    with pytest.raises(PermissionDenied):
        ledger.confirm(entry, by=moderator)


def test_only_administrators_of_a_holder_organisation_confirm_for_it(commons):
    from fabrique.catalog.models import Actor, ActorMember, CommunityMembership

    organisation = Actor.objects.create(
        slug="asso-velo", name="Asso Vélo", type="association",
        is_organisation=True, revision=1,
    )  # fmt: skip
    admin, member = make_user("admin-asso"), make_user("membre-asso")
    ActorMember.objects.create(actor=organisation, user=admin, role="admin")
    ActorMember.objects.create(actor=organisation, user=member, role="member")
    CommunityMembership.objects.create(
        commons=commons, actor=organisation, role="holder", status="active"
    )
    entry = _pending(commons)
    assert not ledger.may_confirm(member, entry)
    assert ledger.may_confirm(admin, entry)
    # Nobody confirms an entry made for their own organisation.
    for_the_organisation = _pending(commons, user=member, actor=organisation)
    assert not ledger.may_confirm(admin, for_the_organisation)


def test_a_decline_says_why_and_who_decided_is_public(holder, commons):
    from tests.api.conftest import ApiClient, token_for

    entry = _pending(commons)
    with pytest.raises(ValidationError):
        ledger.decline(entry, by=holder, reason="   ")
    assert Contribution.objects.get(pk=entry.pk).status == "pending"
    api = ApiClient(token_for(holder))
    url = f"/api/1/contributions/{entry.pk}/decline/"
    assert api.post(url, {}).status_code == 422
    declined = api.post(url, {"reason": "Aucune trace dans le dépôt."})
    assert declined.status_code == 200, declined.content
    shown = ApiClient().get("/api/1/contributions/", commons=commons.slug).json()
    row = next(r for r in shown["data"] if r["id"] == entry.pk)
    assert row["status"] == "declined"
    assert row["reason"] == "Aucune trace dans le dépôt."
    assert row["confirmed_by"]["username"] == holder.username
    assert row["confirmed_at"]


def test_a_closed_challenge_takes_no_more_contributions():
    from tests.api.conftest import ApiClient, token_for

    challenge = make_challenge(state="closed")
    person = make_user()
    with pytest.raises(ledger.LedgerError, match="closed"):
        ledger.record(
            user=person, kind="code", challenge=challenge, description="Trop tard"
        )
    response = ApiClient(token_for(person)).post(
        f"/api/1/community/challenges/{challenge.slug}/contributions/",
        {"kind": "code", "description": "Trop tard"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ledger_state"
    assert not Contribution.objects.filter(challenge=challenge).exists()


def test_dispute_and_revoke_through_the_api_keep_every_step(holder, commons):
    from tests.api.conftest import ApiClient, token_for

    entry = _pending(commons)
    contributor = entry.contributor
    as_holder = ApiClient(token_for(holder))
    as_contributor = ApiClient(token_for(contributor))
    stranger = ApiClient(token_for(make_user("passant")))
    base = f"/api/1/contributions/{entry.pk}"
    as_holder.post(f"{base}/decline/", {"reason": "Pas de trace."})
    # Only the contributor disputes, and says why.
    assert stranger.post(f"{base}/dispute/", {"reason": "Si"}).status_code == 403
    assert as_contributor.post(f"{base}/dispute/", {}).status_code == 422
    disputed = as_contributor.post(f"{base}/dispute/", {"reason": "Voir la PR 12."})
    assert disputed.status_code == 200, disputed.content
    assert disputed.json()["status"] == "pending"
    assert (
        as_contributor.post(f"{base}/dispute/", {"reason": "Encore"}).status_code == 409
    )
    as_holder.post(f"{base}/confirm/")
    # Only a holder revokes, and says why.
    assert as_contributor.post(f"{base}/revoke/", {"reason": "x"}).status_code == 403
    revoked = as_holder.post(f"{base}/revoke/", {"reason": "La PR a été annulée."})
    assert revoked.status_code == 200, revoked.content
    body = revoked.json()
    assert body["status"] == "revoked"
    steps = [(s["action"], s["by"]["username"], s["reason"]) for s in body["history"]]
    assert steps[1:] == [
        ("declined", holder.username, "Pas de trace."),
        ("disputed", contributor.username, "Voir la PR 12."),
        ("confirmed", holder.username, ""),
        ("revoked", holder.username, "La PR a été annulée."),
    ]
    assert steps[0][0] == "recorded"
    shown = ApiClient().get("/api/1/contributions/", commons=commons.slug).json()
    row = next(r for r in shown["data"] if r["id"] == entry.pk)
    assert [s["action"] for s in row["history"]] == [s[0] for s in steps]
