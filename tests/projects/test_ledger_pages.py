"""The contribution ledger in the site: record, the holders' queue, decline
with a reason, dispute, confirm, revoke — every step named and kept."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fabrique.projects.models import Contribution
from tests.catalog.factories import make_commons, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_contribution_goes_from_the_form_through_the_queue_to_the_page():
    holder, contributor = make_user("holder"), make_user("contributor")
    commons = make_commons(user=holder, title="Vélo cargo ouvert")
    page = reverse("projects:commons_contributions", args=[commons.slug])
    them, me = signed_in(holder), signed_in(contributor)

    recorded = me.post(
        page,
        {
            "kind": "code",
            "description": "Export des plans au format STEP",
            "evidence_url": "https://example.org/mr/7",
        },
    )
    assert recorded.status_code == 302
    entry = Contribution.objects.get(description="Export des plans au format STEP")
    assert entry.status == "pending"
    assert "Export des plans" in me.get(page).content.decode()  # "yours"

    queue = them.get(reverse("projects:contribution_queue")).content.decode()
    assert "Export des plans au format STEP" in queue
    step = lambda action: reverse("projects:contribution_step", args=[entry.pk, action])  # noqa: E731

    # Declining needs a reason; the contributor reads it and disputes.
    them.post(step("declined"), {"reason": ""})
    assert Contribution.objects.get(pk=entry.pk).status == "pending"
    them.post(step("declined"), {"reason": "Je ne trouve pas la demande de fusion."})
    mine = me.get(page).content.decode()
    assert "Je ne trouve pas la demande de fusion." in mine
    assert "Dispute this decision" in mine
    me.post(step("disputed"), {"reason": "Elle est sur la branche plans-step."})
    assert Contribution.objects.get(pk=entry.pk).status == "pending"
    queue = them.get(reverse("projects:contribution_queue")).content.decode()
    assert "Export des plans" in queue

    them.post(step("confirmed"))
    entry.refresh_from_db()
    assert (entry.status, entry.confirmed_by) == ("confirmed", holder)
    shown = Client().get(page).content.decode()
    assert "Export des plans au format STEP" in shown
    assert "Confirmed by" in shown
    assert "holder" in shown
    assert "contributor" in shown  # in the contributors table
    # Every step is kept, with its reason.
    assert [e.action for e in entry.events.all()] == [
        "recorded", "declined", "disputed", "confirmed",
    ]  # fmt: skip
    assert "Elle est sur la branche plans-step." in shown
    assert "Withdraw the confirmation" not in shown  # visitors
    assert "Withdraw the confirmation" in them.get(page).content.decode()

    # A holder withdraws the confirmation, saying why.
    them.post(step("revoked"), {"reason": "Les plans ont été retirés du dépôt."})
    entry.refresh_from_db()
    assert entry.status == "revoked"
    listed = Client().get(page).content.decode().split("Confirmed contributions")[1]
    assert "Export des plans au format STEP" not in listed.split("</table>")[0]
    assert entry.events.last().reason == "Les plans ont été retirés du dépôt."


def test_only_holders_act_on_an_entry_and_nobody_on_their_own():
    holder, contributor, stranger = make_user("h"), make_user("c"), make_user("s")
    commons = make_commons(user=holder)
    signed_in(contributor).post(
        reverse("projects:commons_contributions", args=[commons.slug]),
        {"kind": "data", "description": "Relevé des arceaux"},
    )
    entry = Contribution.objects.get(description="Relevé des arceaux")
    confirm = reverse("projects:contribution_step", args=[entry.pk, "confirmed"])
    assert signed_in(stranger).post(confirm).status_code == 403
    assert signed_in(contributor).post(confirm).status_code == 403
    assert Contribution.objects.get(pk=entry.pk).status == "pending"
    assert (
        "Relevé des arceaux"
        not in signed_in(stranger)
        .get(reverse("projects:contribution_queue"))
        .content.decode()
    )


def test_visitors_see_the_ledger_but_record_nothing():
    commons = make_commons(user=make_user())
    page = reverse("projects:commons_contributions", args=[commons.slug])
    visitor = Client()
    assert "Sign in to record" in visitor.get(page).content.decode()
    response = visitor.post(page, {"kind": "code", "description": "x"})
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert not Contribution.objects.filter(description="x").exists()


def test_the_commons_and_challenge_pages_link_to_their_ledger():
    from tests.community.factories import make_challenge

    commons = make_commons(user=make_user())
    body = Client().get(commons.get_absolute_url()).content.decode()
    assert reverse("projects:commons_contributions", args=[commons.slug]) in body
    challenge = make_challenge()
    body = Client().get(challenge.get_absolute_url()).content.decode()
    assert reverse("projects:challenge_contributions", args=[challenge.slug]) in body


def test_an_organisations_page_lists_what_it_gave_once_confirmed():
    from fabrique.catalog.models import ActorMember
    from fabrique.projects import ledger
    from tests.catalog.factories import make_actor

    holder, member = make_user("porteuse"), make_user("membre")
    organisation = make_actor(user=member, name="Atelier Roue Libre")
    ActorMember.objects.get_or_create(
        actor=organisation, user=member, defaults={"role": "member"}
    )
    commons = make_commons(user=holder, title="Remorque ouverte")
    entry = ledger.record(
        user=member, kind="design", commons=commons,
        description="Plans de l'attelage", actor=organisation,
    )  # fmt: skip
    page = organisation.get_absolute_url()
    assert "Plans de l'attelage" not in Client().get(page).content.decode()
    ledger.confirm(entry, by=holder)
    body = Client().get(page).content.decode()
    assert "Plans de l&#x27;attelage" in body or "Plans de l'attelage" in body
    assert "Remorque ouverte" in body


def test_the_ledger_page_shows_funding_received_and_the_projects_around_it():
    import datetime

    from fabrique.catalog.models import ActorMember
    from fabrique.projects import funding
    from fabrique.projects.models import Project
    from tests.catalog.factories import make_actor

    commons = make_commons(user=make_user(), title="Vélo cargo ouvert")
    banker = make_user("banquier")
    funder = make_actor(user=banker, name="Fondation Roue", type="funder")
    ActorMember.objects.get_or_create(
        actor=funder, user=banker, defaults={"role": "admin"}
    )
    funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant",
        amount="2500", purpose="Traduction", date=datetime.date(2026, 2, 1),
    )  # fmt: skip
    user = Project.objects.create(
        slug="livraisons", name="Livraisons du centre", kind="startup",
        actor=funder, created_by=banker,
    )  # fmt: skip
    user.uses.add(commons)
    hidden = Project.objects.create(
        slug="cache", name="Projet masqué", kind="startup", actor=funder,
        created_by=banker, hidden=True,
    )  # fmt: skip
    hidden.uses.add(commons)
    page = reverse("projects:commons_contributions", args=[commons.slug])
    body = Client().get(page).content.decode()
    assert "2500.00 EUR" in body
    assert "Fondation Roue" in body
    assert "Traduction" in body
    assert "Livraisons du centre" in body
    assert "Projet masqué" not in body


def test_contributors_and_months_are_counted_on_the_sites_calendar(settings):
    import datetime

    from fabrique.projects.ledger_views import _contributors, _months

    settings.TIME_ZONE = "Europe/Paris"
    person = make_user("tardive")
    # 23:30 UTC on 31 May is 01:30 on 1 June in Paris.
    late = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=datetime.UTC)
    entry = Contribution(contributor=person, kind="code", description="x")
    entry.created = late
    rows = _contributors([entry])
    assert (rows[0].first, rows[0].last) == (datetime.date(2026, 6, 1),) * 2
    months = _months([entry], datetime.date(2026, 6, 15))
    assert [m["count"] for m in months if m["month"] == datetime.date(2026, 6, 1)] == [
        1
    ]
