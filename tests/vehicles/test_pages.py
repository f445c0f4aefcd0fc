"""Vehicle pages: catalogue, module, configurator, vehicle, BOM and exports."""

from __future__ import annotations

import pytest
from django.test import Client

from fabrique.vehicles.models import Configuration, Module

pytestmark = pytest.mark.django_db

BROKEN = "Triporteur 36 V (tension trop basse)"


def test_the_catalogue_filters_by_kind_and_interface(demo_vehicles, client):
    page = client.get("/vehicules/?kind=battery").content.decode()
    assert "Batterie EnergyBus 48 V 14 Ah" in page
    assert "Moteur-roue arrière 250 W" not in page
    page = client.get("/vehicules/?interface=rack-mount").content.decode()
    assert "Top-case porte-bagages 20 kg" in page
    assert "Batterie EnergyBus 48 V 14 Ah" not in page


def test_a_module_page_lists_its_ports_and_what_fits_them(demo_vehicles, client):
    module = Module.objects.get(commons__title="Batterie EnergyBus 48 V 14 Ah")
    page = client.get(module.get_absolute_url()).content.decode()
    assert "energybus-power" in page
    assert "Moteur-roue arrière 250 W" in page  # fits its output
    assert "Kit éclairage 12 V (prise EnergyBus)" not in page.split("Bill")[0]


def test_the_configurator_explains_a_problem_then_accepts_the_fix(
    demo_vehicles, client
):
    trike = Module.objects.get(kind="platform", commons__title__contains="XD-3")
    slugs = {
        m.commons.title: m.commons.slug
        for m in Module.objects.select_related("commons")
    }
    data = {
        "platform": trike.commons.slug,
        "modules": [slugs["Batterie 36 V 10 Ah"], slugs["Moteur-roue arrière 500 W"],
                    slugs["Éclairage avant/arrière EnergyBus"],
                    slugs["Freins hydrauliques 2 pistons"]],
        "wire": "1",
    }  # fmt: skip
    page = client.post(
        "/vehicules/configurateur/", data, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-code="parameter_incompatible"' in page or "battery_voltage" in page
    assert "30–42 V" in page
    data["modules"][0] = slugs["Batterie EnergyBus 48 V 14 Ah"]
    page = client.post(
        "/vehicules/configurateur/", data, headers={"HX-Request": "true"}
    ).content.decode()
    assert "emboîte" in page, page


def test_a_member_saves_forks_and_downloads_a_vehicle(demo_vehicles):
    client = Client()
    client.force_login(demo_vehicles)
    source = Configuration.objects.get(commons__title=BROKEN)
    response = client.post(f"/vehicules/configurations/{source.slug}/fork/")
    fork = Configuration.objects.get(forked_from=source)
    assert response.url == fork.get_absolute_url()
    page = client.get(fork.get_absolute_url()).content.decode()
    assert "3 problèmes" in page
    csv = client.get(f"/vehicules/configurations/{fork.slug}/nomenclature.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().startswith("reference,name")
    okh = client.get(f"/vehicules/configurations/{fork.slug}/okh.toml")
    assert b'okhv = "OKH-LOSHv1.0"' in okh.content
    bom = client.get(f"/vehicules/configurations/{fork.slug}/nomenclature/")
    assert bom.status_code == 200


def test_pages_speak_french(demo_vehicles, client):
    client.cookies["django_language"] = "fr"
    page = client.get("/vehicules/configurateur/").content.decode()
    assert "Configurateur de véhicule" in page


def test_the_configurator_proposes_modules_and_opens_a_proposal(demo_vehicles, client):
    trike = Module.objects.get(kind="platform", commons__title__contains="XD-3")
    answer = client.post(
        "/vehicules/configurateur/",
        {"platform": trike.commons.slug, "complete": "1"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert '<ol class="proposals">' in answer
    href = answer.split('<a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page = client.get(href).content.decode()
    assert "emboîte" in page
    poor = client.post(
        "/vehicules/configurateur/",
        {"platform": trike.commons.slug, "complete": "1", "budget": "50"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "budget" in poor
