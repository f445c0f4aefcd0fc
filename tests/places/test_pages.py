from __future__ import annotations

from fabrique.places.maps import locator_map


def test_search_page_has_a_labelled_search_box(client):
    response = client.get("/geocodeur/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="geocoder-q">' in html
    assert 'id="geocoder-q"' in html


def test_search_page_lists_results_with_a_locator_map(client):
    html = client.get("/geocodeur/", {"q": "rue de rivoli"}).content.decode()
    assert "Rue de Rivoli 75001 Paris" in html
    assert "<circle" in html
    assert "openstreetmap.org/?mlat=" in html


def test_typing_returns_only_the_results_fragment(client):
    response = client.get(
        "/geocodeur/", {"q": "12 rue de riv"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "12 Rue de Rivoli 75004 Paris" in html
    assert "<html" not in html


def test_type_filter_applies(client):
    html = client.get("/geocodeur/", {"q": "gare", "type": "stop"}).content.decode()
    assert "Gare de Lyon" in html
    assert "Rue" not in html.split('id="geocoder-results"')[1].split("</div>")[0]


def test_bad_queries_show_a_message_not_an_error_page(client):
    response = client.get("/geocodeur/", {"q": "a" * 300})
    assert response.status_code == 200
    assert "characters long" in response.content.decode()
    html = client.get("/geocodeur/", {"q": "xyzzy plugh"}).content.decode()
    assert 'class="geocoder-empty"' in html


def test_locator_map_keeps_points_inside_the_box():
    from fabrique.geocoder.documents import Result

    results = [
        Result(
            id=str(i),
            type="street",
            label=str(i),
            name=str(i),
            lat=lat,
            lon=lon,
            score=1,
            importance=0,
        )
        for i, (lat, lon) in enumerate([(48.85, 2.35), (48.86, 2.36), (48.84, 2.30)])
    ]
    drawn = locator_map(results)
    assert drawn is not None
    for marker in drawn.markers:
        assert 0 <= marker.x <= drawn.width
        assert 0 <= marker.y <= drawn.height
    assert drawn.markers[1].y < drawn.markers[0].y  # north is up
    assert drawn.scale_label.endswith("km")
    assert locator_map([]) is None


def test_map_coordinates_are_not_localised(client, settings):
    settings.LANGUAGE_CODE = "fr"
    html = client.get("/geocodeur/", {"q": "rue de rivoli"}).content.decode()
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert 'cx="' in svg
    assert "," not in svg.split('cx="')[1].split('"')[0]
