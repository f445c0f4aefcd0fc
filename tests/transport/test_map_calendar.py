"""The map and service-calendar partials, and the optional tile layer."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from fabrique.settings import extend_img_src, map_regions
from fabrique.transport.models import Version, VersionStatus
from fabrique.transport.service_calendar import LEVELS, level, service_months
from tests.transport.factories import make_dataset, make_resource, make_user


def render(text: str, **context) -> str:
    request = RequestFactory().get("/")
    return Template("{% load transport_partials %}" + text).render(
        Context({"request": request, **context})
    )


@pytest.fixture
def version(db):
    owner = make_user()
    resource = make_resource(make_dataset(owner), owner)
    return Version.objects.create(
        resource=resource,
        number=2,
        sha256="1" * 64,
        filename="feed.zip",
        status=VersionStatus.READY,
        summary={"counts": {"stops": 40, "locations": 45}},
        valid_from=date(2026, 3, 1),
        valid_until=date(2026, 4, 30),
    )


# Map -------------------------------------------------------------------------


def test_the_version_map_points_at_the_geojson_of_the_api(version):
    html = render("{% version_map version %}", version=version)
    assert "data-map" in html
    assert f"/api/1/transport/versions/{version.pk}/stops.geojson" in html
    assert f"/api/1/transport/versions/{version.pk}/lines.geojson" in html
    layers = json.loads(
        html.split('data-layers="')[1].split('"')[0].replace("&quot;", '"')
    )
    assert [layer["kind"] for layer in layers] == ["lines", "points"]


def test_the_map_has_a_text_alternative_and_a_way_past_it(version):
    version.directory.mkdir(parents=True)
    (version.directory / "lines.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [{}, {}, {}]})
    )
    html = render("{% version_map version %}", version=version)
    assert "45" in html  # stops, stations and entrances
    assert "3 lines drawn" in html or "3 lignes" in html
    assert f'href="#version-map-{version.pk}-after"' in html
    assert f'id="version-map-{version.pk}-after"' in html
    assert "GeoJSON" in html


def test_no_tile_layer_by_default(version, settings):
    settings.MAP_TILES = ""
    html = render("{% version_map version %}", version=version)
    assert "data-tiles" not in html


def test_a_configured_tile_layer_is_passed_to_the_map(version, settings):
    settings.MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "© Example <contributors>"
    html = render("{% version_map version %}", version=version)
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "&lt;contributors&gt;" in html


def test_map_assets_come_from_the_site_not_a_cdn():
    html = render("{% map_assets %}")
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/leaflet/leaflet.css" in html
    assert "/static/transport/map.js" in html
    assert "http" not in html


def test_the_leaflet_files_are_served(client):
    from django.contrib.staticfiles import finders

    assert finders.find("leaflet/leaflet.js")
    assert finders.find("leaflet/leaflet.css")
    assert finders.find("transport/map.js")


def test_layer_attributes_are_escaped_json():
    html = render(
        '{% leaflet_map "m" layers "Stations" %}',
        layers=[{"url": "/x.geojson", "kind": "points", "label": '"><script>'}],
    )
    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html


def test_extending_the_csp_allows_only_the_tile_host():
    policy = "default-src 'self'; img-src 'self' data:; script-src 'self'"
    extended = extend_img_src(policy, "https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.example.org" in extended
    assert "script-src 'self'" in extended
    assert "img-src 'self' data: https://a" in extend_img_src(
        "default-src 'self'", "https://a.example/{z}/{x}/{y}.png"
    )


@pytest.mark.parametrize(
    "template",
    ["javascript:alert(1)", "tiles/{z}/{x}/{y}.png", "https://{z}.x/{x}/{y}.png", ""],
)
def test_a_tile_template_that_is_not_http_is_refused(template):
    with pytest.raises(ImproperlyConfigured, match="FABRIQUE_MAP_TILES"):
        extend_img_src("img-src 'self'", template)


def test_the_countries_whose_regions_are_drawn_are_iso_codes():
    assert map_regions(" FRA, can ,") == ["fra", "can"]
    assert map_regions("") == []
    for wrong in ("France", "FR", "F1A", "../x"):
        with pytest.raises(ImproperlyConfigured, match="FABRIQUE_MAP_REGIONS"):
            map_regions(wrong)


# Calendar ---------------------------------------------------------------------


def test_the_calendar_lays_out_each_month_monday_first():
    calendar = service_months(
        {"2026-03-02": 100, "2026-03-03": 50, "2026-04-01": 10},
        valid_from=date(2026, 3, 1),
        valid_until=date(2026, 4, 30),
    )
    assert [m.first for m in calendar.months] == [date(2026, 3, 1), date(2026, 4, 1)]
    march = calendar.months[0]
    # 1 March 2026 is a Sunday: the first week has six empty cells.
    assert march.weeks[0][:6] == [None] * 6
    assert march.weeks[0][6].day == date(2026, 3, 1)
    assert calendar.service_days == 3
    assert calendar.busiest == 100
    assert calendar.days_without_service == 61 - 3


def test_days_without_service_inside_the_validity_are_kept():
    calendar = service_months(
        {"2026-03-02": 5}, valid_from=date(2026, 3, 1), valid_until=date(2026, 3, 3)
    )
    days = [d for week in calendar.months[0].weeks for d in week if d]
    first, second, third = days[:3]
    assert (first.trips, first.in_validity, first.level) == (0, True, 0)
    assert second.level == LEVELS
    assert third.in_validity
    assert not days[5].in_validity


def test_an_empty_or_broken_calendar_gives_no_month():
    assert service_months({}).empty
    assert service_months({"not a date": 3, "2026-13-40": 1}).empty


def test_very_long_periods_are_cut_and_say_so():
    calendar = service_months(
        {}, valid_from=date(2020, 1, 1), valid_until=date(2029, 12, 31)
    )
    assert len(calendar.months) == 24
    assert calendar.truncated_months == 120 - 24


@given(st.integers(min_value=-5, max_value=10_000), st.integers(0, 10_000))
def test_levels_stay_in_range_and_only_empty_days_are_zero(trips, busiest):
    value = level(trips, max(busiest, trips))
    assert 0 <= value <= LEVELS
    assert (value == 0) == (trips <= 0 or max(busiest, trips) <= 0)


def test_the_calendar_partial_is_an_accessible_table(version):
    version.directory.mkdir(parents=True)
    (version.directory / "calendar.json").write_text(
        json.dumps({"2026-03-02": 120, "2026-03-03": 30})
    )
    html = render("{% version_calendar version %}", version=version)
    assert html.count('<table class="calendar-month">') == 2
    assert "<caption>" in html
    assert html.count('scope="col"') == 14
    assert 'data-date="2026-03-02" data-trips="120"' in html
    assert "lvl-4" in html
    assert "no-service" in html  # 1 March and the rest of the period
    assert "2026-03-02" in html


def test_a_missing_or_corrupt_calendar_file_shows_a_message(version):
    html = render("{% version_calendar version %}", version=version)
    assert "calendar-month" in html  # validity period alone still gives months
    Version.objects.filter(pk=version.pk).update(valid_from=None, valid_until=None)
    version.refresh_from_db()
    version.directory.mkdir(parents=True, exist_ok=True)
    (version.directory / "calendar.json").write_text("[1, 2")
    html = render("{% version_calendar version %}", version=version)
    assert "calendar-month" not in html


@given(
    st.dictionaries(
        st.one_of(
            st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)).map(
                date.isoformat
            ),
            st.text(max_size=12),
        ),
        st.integers(min_value=-10, max_value=100_000),
        max_size=60,
    ),
    st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2040, 12, 31))),
    st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2040, 12, 31))),
)
def test_any_calendar_file_gives_a_consistent_grid(days, start, end):
    calendar = service_months(days, valid_from=start, valid_until=end, max_months=6)
    assert len(calendar.months) <= 6
    for month in calendar.months:
        cells = [d for week in month.weeks for d in week if d]
        assert all(len(week) == 7 for week in month.weeks)
        assert [d.day.day for d in cells] == list(range(1, len(cells) + 1))
        assert all(0 <= d.level <= LEVELS for d in cells)
        assert month.service_days == sum(1 for d in cells if d.trips > 0)
