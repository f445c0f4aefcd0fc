"""Funding from pledge to use: a pledge paid by grants, acknowledged by the
commons' holders, spent with receipts; balances and totals that count each
amount once and leave hidden funders and rows out; the site's forms and the
API."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fabrique.projects import dashboards, funding
from fabrique.projects.models import Expense, Funding
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def people():
    holder, banker = make_user("tenante"), make_user("banquiere")
    commons = make_commons(user=holder, title="Vélos partagés")
    funder = make_actor(user=banker, name="Fondation Vélo", type="funder")
    return holder, banker, commons, funder


def pledge_of(banker, funder, commons, amount="10000", **kw):
    return funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="pledge",
        amount=amount, purpose="Maintenance 2026", date=kw.pop("date", DAY), **kw,
    )  # fmt: skip


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# Pledge → grants --------------------------------------------------------------


def test_a_pledge_paid_by_grants_counts_once_and_never_beyond_it(people):
    _holder, banker, commons, funder = people
    pledge = pledge_of(banker, funder, commons)
    first = funding.convert(pledge, user=banker, amount="4000", date=DAY)
    assert first.pledge == pledge
    assert first.kind == "grant"
    assert funding.remaining(pledge) == Decimal("6000")
    figures = funding.totals(commons)
    # A paid part is granted, no longer pledged: 10,000 in all, not 14,000.
    assert figures[("pledge", "EUR")] == Decimal("6000")
    assert figures[("grant", "EUR")] == Decimal("4000")
    assert funding.money(commons=commons)["EUR"].committed == Decimal("10000")
    with pytest.raises(ValidationError) as caught:
        funding.convert(pledge, user=banker, amount="6000.01", date=DAY)
    assert "6000.00 EUR remain" in str(caught.value)
    funding.convert(pledge, user=banker, amount="6000", purpose="Solde", date=DAY)
    assert funding.remaining(pledge) == 0
    assert ("pledge", "EUR") not in funding.totals(commons)
    assert funding.totals(commons)[("grant", "EUR")] == Decimal("10000")


def test_a_grant_pays_only_its_own_funders_pledge_in_its_currency(people):
    holder, banker, commons, funder = people
    pledge = pledge_of(banker, funder, commons)
    other = make_commons(user=holder, title="Covoiturage")
    with pytest.raises(ValidationError, match="own commons"):
        funding.record_funding(
            user=banker, funder=funder, commons=other, kind="grant", amount=10,
            purpose="x", date=DAY, pledge=pledge,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="same"):
        funding.record_funding(
            user=banker, funder=funder, commons=commons, kind="grant", amount=10,
            currency="CHF", purpose="x", date=DAY, pledge=pledge,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        funding.convert(pledge, user=holder, amount=10, date=DAY)
    assert not pledge.grants.exists()


# Acknowledgement and expenses ---------------------------------------------------


def test_a_grant_is_received_once_a_holder_acknowledges_it(people):
    holder, banker, commons, funder = people
    grant = funding.convert(pledge_of(banker, funder, commons), user=banker,
                            amount=1000, date=DAY)  # fmt: skip
    assert ("received", "EUR") not in funding.totals(commons)
    # Neither the funder's side nor a stranger says it arrived.
    for who in (banker, make_user()):
        with pytest.raises(PermissionDenied):
            funding.acknowledge(grant, by=who)
    funding.acknowledge(grant, by=holder)
    grant.refresh_from_db()
    assert grant.acknowledged_by == holder
    assert grant.acknowledged_at
    assert funding.totals(commons)[("received", "EUR")] == Decimal("1000")
    when = grant.acknowledged_at
    funding.acknowledge(grant, by=holder)  # again: nothing changes
    grant.refresh_from_db()
    assert grant.acknowledged_at == when


def test_expenses_need_a_received_grant_a_holder_a_receipt_and_what_is_left(people):
    holder, banker, commons, funder = people
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="500",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    spend = {"amount": "120", "purpose": "Hébergement", "date": DAY,
                 "receipt_url": "https://factures.example/1"}  # fmt: skip
    with pytest.raises(funding.FundingError):
        funding.record_expense(grant, user=holder, **spend)
    funding.acknowledge(grant, by=holder)
    with pytest.raises(PermissionDenied):
        funding.record_expense(grant, user=banker, **spend)
    with pytest.raises(ValidationError, match="receipt"):
        funding.record_expense(grant, user=holder, **{**spend, "receipt_url": ""})
    with pytest.raises(ValidationError, match=r"https://"):
        funding.record_expense(
            grant, user=holder, **{**spend, "receipt_url": "javascript:alert(1)"}
        )
    funding.record_expense(grant, user=holder, **spend)
    with pytest.raises(ValidationError, match=r"380\.00 EUR"):
        funding.record_expense(grant, user=holder, **{**spend, "amount": "380.01"})
    figures = funding.totals(commons)
    assert figures[("spent", "EUR")] == Decimal("120")
    assert figures[("balance", "EUR")] == Decimal("380")
    assert funding.by_funder(funder)[("balance", "EUR")] == Decimal("380")


def test_receipts_are_checked_by_content_and_images_re_encoded(people, settings):
    holder, banker, commons, funder = people
    settings.FABRIQUE_RECEIPT_MAX_BYTES = 50_000
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="900",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    funding.acknowledge(grant, by=holder)

    def spend(content, name):
        return funding.record_expense(
            grant, user=holder, amount=10, purpose="Achat", date=DAY,
            receipt=SimpleUploadedFile(name, content),
        )  # fmt: skip

    # An image with bytes after it: only the pixels are kept.
    stored = spend(png_bytes() + b"<script>alert(1)</script>", "facture.png")
    with stored.receipt.open("rb") as kept:
        data = kept.read()
    assert data.startswith(b"\x89PNG")
    assert b"<script>" not in data
    assert spend(PDF, "facture.pdf").receipt.name.endswith(".pdf")
    refused = {
        "not a receipt": (b"<html>facture</html>", "facture.pdf"),
        "GIF": (b"GIF89a" + b"\0" * 20, "facture.gif"),
        "truncated PDF": (b"%PDF-1.4\n1 0 obj", "facture.pdf"),
        "too large": (b"%PDF-" + b"0" * 60_000 + b"%%EOF", "big.pdf"),
        "broken PNG": (png_bytes()[:30], "facture.png"),
        "empty": (b"", "vide.pdf"),
    }
    for what, (content, name) in refused.items():
        with pytest.raises(ValidationError) as caught:
            spend(content, name)
        assert "receipt" in caught.value.message_dict, what
    assert Expense.objects.count() == 2


# Totals and the dashboard ---------------------------------------------------------


def test_hidden_funders_and_hidden_rows_are_left_out_of_totals_and_the_dashboard(
    people,
):
    _holder, banker, commons, funder = people
    funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="700",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    assert funding.totals(commons)[("grant", "EUR")] == Decimal("700")
    funder.hidden = True
    funder.save()
    assert funding.totals(commons) == {}
    assert dashboards.funding_by_commons().rows == []
    funder.hidden = False
    funder.save()
    row = Funding.objects.get()
    row.hidden = True
    row.save()
    assert funding.totals(commons) == {}
    assert dashboards.funding_by_commons().rows == []


def test_the_dashboard_shows_pledged_granted_and_spent_with_a_paid_pledge_once(
    people,
):
    holder, banker, commons, funder = people
    pledge = pledge_of(banker, funder, commons, amount="1000")
    grant = funding.convert(pledge, user=banker, amount="1000", date=DAY)
    funding.acknowledge(grant, by=holder)
    funding.record_expense(
        grant, user=holder, amount="250", purpose="Atelier", date=DAY,
        receipt_url="https://factures.example/2",
    )  # fmt: skip
    chart = dashboards.funding_by_commons()
    assert chart.rows == [
        ["Vélos partagés", "EUR", Decimal("0"), Decimal("1000"), Decimal("250"),
         Decimal("1000")]
    ]  # fmt: skip


# The site -------------------------------------------------------------------------


def page(client, commons):
    return client.get(reverse("projects:commons_contributions", args=[commons.slug]))


def test_funding_forms_are_shown_to_those_who_may_use_them(client, people):
    _holder, banker, commons, _funder = people
    client.force_login(make_user("passante"))
    assert b"Record a pledge or a grant" not in page(client, commons).content
    client.force_login(banker)
    assert b"Record a pledge or a grant" in page(client, commons).content


def test_the_whole_way_from_pledge_to_expense_through_the_site(client, people):
    holder, banker, commons, funder = people
    client.force_login(banker)
    url = reverse("projects:funding_record", args=[commons.slug])
    form = {
        "funding-funder": funder.pk, "funding-kind": "pledge",
        "funding-amount": "2000", "funding-currency": "EUR",
        "funding-purpose": "Ateliers", "funding-date": DAY.isoformat(),
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    # Bad input is named and nothing is stored.
    for field, value, said in (
        ("amount", "999999999999", "The amount is above"),
        ("date", "2999-12-31", "The date is in the future"),
        ("currency", "ZZZ", "Select a valid choice"),
        ("amount", "1e3x", "Enter a number"),
    ):
        bad = client.post(url, {**form, f"funding-{field}": value})
        assert bad.status_code == 400
        assert said in bad.content.decode(), field
    assert Funding.objects.count() == 1
    pledge = Funding.objects.get()
    convert = reverse("projects:funding_convert", args=[pledge.pk])
    too_much = client.post(convert, {f"convert-{pledge.pk}-amount": "2500"})
    assert too_much.status_code == 400
    assert b"2000.00 EUR remain" in too_much.content
    client.post(convert, {f"convert-{pledge.pk}-amount": "1500",
                          f"convert-{pledge.pk}-date": DAY.isoformat()})  # fmt: skip
    grant = pledge.grants.get()
    # The funder cannot acknowledge its own grant; the holder can.
    assert client.post(reverse("projects:funding_acknowledge", args=[grant.pk])
                       ).status_code == 403  # fmt: skip
    client.force_login(holder)
    client.post(reverse("projects:funding_acknowledge", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.acknowledged_by == holder
    spend = reverse("projects:funding_expense", args=[grant.pk])
    p = f"expense-{grant.pk}"
    response = client.post(spend, {
        f"{p}-amount": "300", f"{p}-date": DAY.isoformat(), f"{p}-purpose": "Salle",
        f"{p}-receipt": SimpleUploadedFile("f.pdf", b"MZ not a pdf"),
    })  # fmt: skip
    assert response.status_code == 400
    assert b"PDF, PNG or JPEG" in response.content
    client.post(spend, {
        f"{p}-amount": "300", f"{p}-date": DAY.isoformat(), f"{p}-purpose": "Salle",
        f"{p}-receipt": SimpleUploadedFile("f.png", png_bytes()),
    })  # fmt: skip
    assert grant.expenses.get().receipt
    html = page(client, commons).content.decode()
    for shown in ("500.00", "1500.00", "300.00", "1200.00", "tenante", "banquiere",
                  "received, acknowledged by"):  # fmt: skip
        assert shown in html, shown


def test_strangers_change_nothing_through_the_funding_pages(client, people):
    _holder, banker, commons, funder = people
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="500",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    client.force_login(make_user("passante"))
    assert client.post(reverse("projects:funding_acknowledge", args=[grant.pk])
                       ).status_code == 403  # fmt: skip
    assert client.post(reverse("projects:funding_expense", args=[grant.pk]),
                       {}).status_code == 403  # fmt: skip
    assert client.post(reverse("projects:funding_record", args=[commons.slug]),
                       {"funding-funder": funder.pk}).status_code == 403  # fmt: skip
    grant.refresh_from_db()
    assert grant.acknowledged_at is None
    assert Funding.objects.count() == 1


# The API ----------------------------------------------------------------------------


def test_the_api_converts_acknowledges_spends_and_gives_balances(people):
    holder, banker, commons, funder = people
    as_banker, as_holder = ApiClient(token_for(banker)), ApiClient(token_for(holder))
    pledge = as_banker.post("/api/1/funding/", {
        "funder": funder.slug, "commons": commons.slug, "kind": "pledge",
        "amount": "800", "purpose": "Ateliers", "date": DAY.isoformat(),
    })  # fmt: skip
    assert pledge.status_code == 201, pledge.content
    body = {"funder": funder.slug, "commons": commons.slug, "kind": "grant",
            "amount": "900", "purpose": "Ateliers", "date": DAY.isoformat(),
            "pledge": pledge.json()["id"]}  # fmt: skip
    too_much = as_banker.post("/api/1/funding/", body)
    assert too_much.status_code == 422
    assert "800.00 EUR remain" in too_much.content.decode()
    grant = as_banker.post("/api/1/funding/", {**body, "amount": "800"})
    assert grant.status_code == 201
    assert grant.json()["pledge"] == pledge.json()["id"]
    grant_id = grant.json()["id"]
    assert as_banker.post(f"/api/1/funding/{grant_id}/acknowledge/").status_code == 403
    spend = {"amount": "100", "purpose": "Salle",
             "receipt_url": "https://factures.example/3"}  # fmt: skip
    early = as_holder.post(f"/api/1/funding/{grant_id}/expenses/", spend)
    assert early.status_code == 409
    done = as_holder.post(f"/api/1/funding/{grant_id}/acknowledge/")
    assert done.status_code == 200
    assert done.json()["acknowledged_by"]["username"] == "tenante"
    spent = as_holder.post(f"/api/1/funding/{grant_id}/expenses/", spend)
    assert spent.status_code == 201, spent.content
    assert spent.json()["recorded_by"]["username"] == "tenante"
    bad = as_holder.post(f"/api/1/funding/{grant_id}/expenses/",
                         {**spend, "receipt_url": "ftp://x"})  # fmt: skip
    assert bad.status_code == 422
    listed = ApiClient().get("/api/1/funding/expenses/", commons=commons.slug).json()
    assert [e["amount"] for e in listed["data"]] == ["100.00"]
    balance = ApiClient().get("/api/1/funding/balance/", commons=commons.slug).json()
    assert balance == [{"currency": "EUR", "pledged": "0.00", "granted": "800.00",
                        "received": "800.00", "spent": "100.00",
                        "balance": "700.00"}]  # fmt: skip
    by_funder = ApiClient().get("/api/1/funding/balance/", funder=funder.slug).json()
    assert by_funder[0]["balance"] == "700.00"


def test_a_funders_page_shows_its_balance_per_currency(client, people):
    holder, banker, commons, funder = people
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="640",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    funding.acknowledge(grant, by=holder)
    funding.record_expense(
        grant, user=holder, amount="40", purpose="Nom de domaine", date=DAY,
        receipt_url="https://factures.example/4",
    )  # fmt: skip
    html = client.get(funder.get_absolute_url()).content.decode()
    assert "Funding given" in html
    for shown in ("640.00", "40.00", "600.00", "received, acknowledged by"):
        assert shown in html, shown


def test_moderators_hide_a_reported_grant_and_its_expenses_leave_the_totals(people):
    from fabrique.core import moderation

    holder, banker, commons, funder = people
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="300",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    funding.acknowledge(grant, by=holder)
    funding.record_expense(
        grant, user=holder, amount="100", purpose="Disque", date=DAY,
        receipt_url="https://factures.example/5",
    )  # fmt: skip
    moderation.report(grant, reporter=make_user(), reason="Montant inventé")
    moderator = make_user("moderatrice", role="moderator")
    moderation.hide(grant, moderator=moderator, reason="Aucune trace du versement")
    assert funding.totals(commons) == {}
    assert dashboards.funding_by_commons().rows == []
    assert funding.visible_expenses().count() == 0


def test_the_dashboard_lists_every_currency_apart(people):
    holder, banker, commons, funder = people
    other = make_commons(user=holder, title="Covoiturage")
    for target, amount, currency in (
        (commons, "700", "EUR"), (other, "50", "EUR"), (commons, "90", "CHF"),
    ):  # fmt: skip
        funding.record_funding(
            user=banker, funder=funder, commons=target, kind="grant",
            amount=amount, currency=currency, purpose="Serveurs", date=DAY,
        )  # fmt: skip
    chart = dashboards.funding_by_commons()
    assert [(row[0], row[1], row[3]) for row in chart.rows] == [
        ("Vélos partagés", "EUR", Decimal("700")),
        ("Covoiturage", "EUR", Decimal("50")),
        ("Vélos partagés", "CHF", Decimal("90")),
    ]
    # The bars are of one currency: never euros and francs on one scale.
    assert [bar.label for bar in chart.bars] == ["Vélos partagés", "Covoiturage"]


def test_a_hidden_grant_no_longer_links_its_funder_to_the_commons(people):
    from fabrique.projects.models import GraphEdge

    _holder, banker, commons, funder = people
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="300",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    funds = GraphEdge.objects.filter(relation="funds", dst_id=commons.pk)
    assert funds.exists()
    grant.hidden = True
    grant.save()
    assert not funds.exists()


def test_the_api_takes_a_receipt_file_checked_by_content(people):
    holder, banker, commons, funder = people
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="300",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    funding.acknowledge(grant, by=holder)
    expense = funding.record_expense(
        grant, user=holder, amount="100", purpose="Disque", date=DAY,
        receipt_url="https://factures.example/6",
    )  # fmt: skip
    url = f"/api/1/funding/expenses/{expense.pk}/receipt/"

    def upload(who, content, name="facture.pdf"):
        client = ApiClient(token_for(who))
        return client.client.post(
            url, {"receipt": SimpleUploadedFile(name, content)},
            headers=client._headers(),
        )  # fmt: skip

    assert upload(banker, PDF).status_code == 403
    refused = upload(holder, b"<svg onload=alert(1)>", "facture.svg")
    assert refused.status_code == 422
    assert "PDF, PNG or JPEG" in refused.content.decode()
    done = upload(holder, PDF)
    assert done.status_code == 200, done.content
    assert done.json()["receipt"].endswith(".pdf")
    assert upload(holder, PDF).status_code == 409  # one receipt an expense


def test_an_expense_before_the_grant_is_acknowledged_is_refused_on_the_page(
    client, people
):
    holder, banker, commons, funder = people
    grant = funding.record_funding(
        user=banker, funder=funder, commons=commons, kind="grant", amount="300",
        purpose="Serveurs", date=DAY,
    )  # fmt: skip
    client.force_login(holder)
    p = f"expense-{grant.pk}"
    response = client.post(
        reverse("projects:funding_expense", args=[grant.pk]),
        {f"{p}-amount": "10", f"{p}-date": DAY.isoformat(), f"{p}-purpose": "Salle",
         f"{p}-receipt_url": "https://factures.example/7"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "not acknowledged as received yet" in response.content.decode()
    assert not Expense.objects.exists()
