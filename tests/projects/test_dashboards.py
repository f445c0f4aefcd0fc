"""The dashboards: charts from the counters, each with its table and CSV."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from fabrique.community import services as community
from fabrique.projects import dashboards, ledger
from fabrique.projects.funding import record_funding
from fabrique.projects.health import health
from fabrique.projects.models import Contribution
from tests.catalog.factories import make_actor, make_commons, make_user
from tests.community.factories import challenge_data, make_need

pytestmark = pytest.mark.django_db


def table(chart) -> dict[str, list]:
    return {str(row[0]): row[1:] for row in chart.rows}


def test_commons_are_counted_by_kind_and_maturity():
    make_commons(kind="data", maturity="beta")
    make_commons(kind="data", maturity="production")
    make_commons(kind="software", maturity="beta")
    chart = dashboards.commons_by_kind()
    rows = table(chart)
    # columns: kind, idea, prototype, beta, production, archived, total
    assert rows["open data"] == [0, 0, 1, 1, 0, 2]
    assert rows["software"] == [0, 0, 1, 0, 0, 1]
    assert rows["hardware"][-1] == 0
    longest = max(chart.bars, key=lambda b: b.value)
    assert longest.label == "open data"
    assert sum(s.width for s in longest.segments) == pytest.approx(
        dashboards.BAR_WIDTH, abs=0.2
    )


def test_challenges_are_counted_by_state_in_lifecycle_order():
    need = make_need()
    facilitator = need.domain.members.get(role="facilitator").user
    for title in ("Premier défi", "Second défi"):
        challenge = community.create_challenge(
            need, user=facilitator, data=challenge_data(title=title)
        )
    community.transition(challenge, user=facilitator, target="open")
    chart = dashboards.challenges_by_state()
    assert [r[0] for r in chart.rows][:2] == ["proposed", "open"]
    assert table(chart)["proposed"] == [1]
    assert table(chart)["open"] == [1]


def test_contributions_per_month_cover_two_years_with_empty_months():
    holder, worker = make_user(), make_user()
    commons = make_commons(user=holder)
    entry = ledger.record(user=worker, kind="code", description="API", commons=commons)
    ledger.confirm(entry, by=holder)
    chart = dashboards.contributions_by_month()
    assert len(chart.rows) == dashboards.MONTHS
    this_month = timezone.now().strftime("%Y-%m")
    assert chart.rows[-1][0] == this_month
    # the commons' creation (automatic) and the confirmed entry
    assert chart.rows[-1][1] == 2
    assert chart.rows[0][1] == 0


def test_funding_and_health_name_the_commons_and_match_the_health_figures():
    holder = make_user()
    commons = make_commons(user=holder, title="Vélos partagés")
    funder = make_actor(user=holder, name="Fondation Vélo", type="funder")
    for kind, amount in (("grant", "1000"), ("pledge", "250.50")):
        record_funding(
            user=holder, funder=funder, commons=commons, kind=kind,
            amount=Decimal(amount), purpose="Serveurs", date=datetime.date(2026, 1, 5),
        )  # fmt: skip
    funding = dashboards.funding_by_commons()
    # still pledged, granted, spent, then both promised and paid
    assert funding.rows == [
        [
            "Vélos partagés",
            "EUR",
            Decimal("250.50"),
            Decimal("1000"),
            Decimal("0"),
            Decimal("1250.50"),
        ]
    ]
    assert funding.bars[0].url == commons.get_absolute_url()

    people = [make_user() for _ in range(3)]
    for person, count in zip(people, (5, 1, 1), strict=True):
        for n in range(count):
            entry = ledger.record(
                user=person, kind="code", description=f"Lot {n}", commons=commons
            )
            ledger.confirm(entry, by=holder)
    old = Contribution.objects.filter(contributor=people[2]).get()
    old.created = timezone.now() - datetime.timedelta(days=200)
    old.save()
    chart = dashboards.health_by_commons()
    figures = health(commons)
    title, total, active, contributors, factor = chart.rows[0]
    assert title == "Vélos partagés"
    assert (total, active, factor) == (
        figures.contributions,
        figures.active_contributors,
        figures.bus_factor,
    )
    assert contributors == 4  # three people and the holder who created it
    assert active == 3


def test_the_page_draws_each_chart_with_a_table_and_a_csv_link():
    make_commons(kind="data", maturity="beta")
    response = Client().get("/tableau-de-bord/")
    assert response.status_code == 200
    html = response.content.decode()
    for slug in dashboards.CHARTS:
        assert f'id="chart-{slug}"' in html
        assert f'href="/tableau-de-bord/{slug}.csv"' in html
    assert html.count("<svg") == len(dashboards.CHARTS)
    assert html.count("<table") == len(dashboards.CHARTS)
    assert 'role="img"' in html


def test_the_csv_opens_in_a_spreadsheet_and_unknown_charts_are_404():
    make_commons(title="Données « vélo », ouvertes", kind="data", maturity="beta")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/tableau-de-bord/commons.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "kind"
    assert ["open data", "0", "0", "1", "0", "0", "1"] in rows
    assert Client().get("/tableau-de-bord/nothing.csv").status_code == 404


def test_the_api_gives_every_chart_as_a_table():
    make_commons(kind="service", maturity="idea")
    body = Client().get("/api/1/ecosystem/dashboard/").json()
    assert [c["slug"] for c in body] == list(dashboards.CHARTS)
    commons = next(c for c in body if c["slug"] == "commons")
    assert ["service", 1, 0, 0, 0, 0, 1] in commons["rows"]


def test_a_cached_dashboard_is_never_served_after_a_counted_write(
    django_assert_max_num_queries,
):
    commons = make_commons(kind="data", maturity="beta")
    first = dashboards.charts()
    with django_assert_max_num_queries(1):  # only the counters' version
        assert [c.rows for c in dashboards.charts()] == [c.rows for c in first]
    commons.maturity = "production"
    commons.save()
    rows = table(dashboards.chart("commons"))
    assert rows["open data"] == [0, 0, 0, 1, 0, 1]


def test_the_cached_page_shows_a_new_commons_at_once():
    make_commons(kind="hardware", maturity="idea")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = client.get("/tableau-de-bord/").content.decode()
    make_commons(kind="hardware", maturity="idea", title="Remorque")
    after = client.get("/tableau-de-bord/").content.decode()
    assert "hardware · idea: 1" in before
    assert "hardware · idea: 2" in after
