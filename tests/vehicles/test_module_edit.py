"""Members turn a hardware commons they hold into a module and edit its ports
and parts from the pages; interface types get new versions; the configurator
takes a module more than once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from fabrique.accounts.models import User
from fabrique.catalog import services as catalog
from fabrique.core.revisions import revisions_of
from fabrique.vehicles import compat, services
from fabrique.vehicles.models import InterfaceType, Module, Port

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(member):
    services.seed_interface_types()
    return member


@pytest.fixture
def frame(holder):
    return catalog.create_commons(
        user=holder,
        data={
            "title": "Cadre cargo ouvert",
            "summary": "Un cadre de vélo cargo.",
            "kind": "hardware",
            "licence": "CERN-OHL-S-2.0",
        },
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stranger() -> User:
    return User.objects.create_user(
        username="sam", password="a-long-test-password",
        charter_accepted_at=timezone.now(),
    )  # fmt: skip


def test_a_holder_makes_a_module_with_a_port_and_a_part(holder, frame):
    client = signed_in(holder)
    edit = reverse("vehicles:module_edit", args=[frame.slug])
    assert client.get(edit).status_code == 200
    before = revisions_of(frame).count()
    response = client.post(
        edit, {"kind": "platform", "mass": "18500", "mass_unit": "g", "cost": "420"}
    )
    assert response.status_code == 302
    module = Module.objects.get(commons=frame)
    assert (module.kind, module.mass, module.mass_unit) == ("platform", 18500, "g")
    clamp = InterfaceType.objects.get(key="tube-clamp")
    response = client.post(
        reverse("vehicles:port_add", args=[frame.slug]),
        {
            "name": "Guidon",
            "interface": clamp.pk,
            "role": "host",
            "links": "1",
            "param-diameter": "1 in",
            "param-width": "40..60 mm",
            "param-load": "15000 g",
        },
    )
    assert response.status_code == 302
    port = Port.objects.get(module=module)
    assert port.name == "guidon"
    assert compat.quantity(port.params["diameter"], "mm") == pytest.approx(25.4)
    assert port.params["width"] == {"min": 40.0, "max": 60.0, "unit": "mm"}
    response = client.post(
        reverse("vehicles:part_add", args=[frame.slug]),
        {"name": "Tube acier 25 mm", "quantity": "2.5", "unit": "m",
         "unit_cost": "8.40", "source": "Quincaillerie locale"},
    )  # fmt: skip
    assert response.status_code == 302
    part = module.parts.get()
    assert (str(part.quantity), part.unit, part.source) == (
        "2.500",
        "m",
        "Quincaillerie locale",
    )
    # Each change is a revision of the commons, with its comment, and activity.
    comments = list(
        revisions_of(frame).order_by("number").values_list("comment", flat=True)
    )
    assert revisions_of(frame).count() == before + 3
    assert "Port" in comments[-2] or "port" in comments[-2].lower()
    page = client.get(reverse("vehicles:module", args=[frame.slug]))
    assert "Tube acier 25 mm" in page.content.decode()
    assert "25.4 mm" in page.content.decode() or "1 in" in page.content.decode()


def test_a_wrong_unit_is_refused_naming_the_parameter_and_the_unit(holder, frame):
    services.make_module(frame, user=holder, kind="drive", mass=4)
    clamp = InterfaceType.objects.get(key="tube-clamp")
    client = signed_in(holder)
    url = reverse("vehicles:port_add", args=[frame.slug])
    base = {"name": "mount", "interface": clamp.pk, "role": "guest"}
    response = client.post(url, {**base, "param-diameter": "25 V"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "diameter" in text
    assert "V" in text
    assert "mm" in text
    response = client.post(url, {**base, "param-diameter": "25 parsecs-ish"})
    assert response.status_code == 422
    assert "diameter" in response.content.decode()
    response = client.post(url, {**base, "param-diameter": "large"})
    assert response.status_code == 422
    assert not Port.objects.exists()
    # The form keeps what was typed.
    assert 'value="large"' in response.content.decode()


def test_service_errors_name_the_unit_problem(holder, frame):
    module = services.make_module(frame, user=holder, kind="battery", mass=3)
    power = InterfaceType.objects.get(key="energybus-power")
    with (
        translation.override("en"),
        pytest.raises(services.VehicleError, match=r"voltage.*kg.*V"),
    ):
        services.add_port(module, user=holder, name="out", interface=power,
                          role="host", params={"voltage": "3 kg"}, links=1)  # fmt: skip
    with (
        translation.override("en"),
        pytest.raises(services.VehicleError, match="not a unit of mass"),
    ):
        services.update_module(module, user=holder, kind="battery", mass=3,
                               mass_unit="V")  # fmt: skip


def test_ports_and_parts_are_edited_and_removed(holder, frame):
    module = services.make_module(frame, user=holder, kind="drive", mass=4)
    power = InterfaceType.objects.get(key="energybus-power")
    port = services.add_port(
        module, user=holder, name="in", interface=power, role="guest",
        params={"voltage": "36..48 V"}, links=1,
    )  # fmt: skip
    part = services.add_part(
        module, user=holder, data={"name": "Vis M6", "quantity": 4}
    )
    client = signed_in(holder)
    client.post(
        reverse("vehicles:port_update", args=[frame.slug, port.pk]),
        {"name": "in", "interface": power.pk, "role": "guest", "links": "1",
         "param-voltage": "36000..60000 mV", "param-current": "20 A"},
    )  # fmt: skip
    port.refresh_from_db()
    voltage = port.params["voltage"]
    assert (
        compat.quantity({"value": voltage["max"], "unit": voltage["unit"]}, "V") == 60
    )
    client.post(
        reverse("vehicles:part_update", args=[frame.slug, part.pk]),
        {"name": "Vis M6x20", "quantity": "6", "unit": "pcs"},
    )
    part.refresh_from_db()
    assert (part.name, part.quantity) == ("Vis M6x20", 6)
    client.post(reverse("vehicles:port_remove", args=[frame.slug, port.pk]))
    client.post(reverse("vehicles:part_remove", args=[frame.slug, part.pk]))
    assert not module.ports.exists()
    assert not module.parts.exists()


def test_strangers_and_visitors_change_nothing(holder, frame):
    module = services.make_module(frame, user=holder, kind="drive", mass=4)
    edit = reverse("vehicles:module_edit", args=[frame.slug])
    other = signed_in(stranger())
    assert other.get(edit).status_code == 403
    assert other.post(edit, {"kind": "seat", "mass": "1"}).status_code == 403
    response = Client().post(edit, {"kind": "seat", "mass": "1"})
    assert response.status_code in (302, 403)
    module.refresh_from_db()
    assert module.kind == "drive"
    with pytest.raises(services.PermissionDenied):
        services.add_part(module, user=User.objects.get(username="sam"),
                          data={"name": "x", "quantity": 1})  # fmt: skip


def test_interface_types_page_and_a_new_version(holder):
    client = signed_in(holder)
    page = client.get(reverse("vehicles:interfaces"))
    assert page.status_code == 200
    assert "EnergyBus" in page.content.decode()
    old = InterfaceType.objects.get(key="tube-clamp")
    commons_page = client.get(old.commons.get_absolute_url()).content.decode()
    propose = reverse("vehicles:interface_propose", args=["tube-clamp"])
    assert propose in commons_page
    response = client.post(
        propose,
        {
            "version": "1.1",
            "parameters": "diameter mm host_within_guest\n"
            "width mm host_at_least_guest\nload kg host_at_least_guest\n"
            "torque N*m guest_at_least_host",
            "documentation": "Adds the clamping torque.",
        },
    )
    assert response.status_code == 302
    assert InterfaceType.objects.filter(key="tube-clamp").count() == 2
    new = InterfaceType.objects.get(key="tube-clamp", version="1.1")
    assert new.commons.kind == "knowledge"
    assert new.commons.pk != old.commons.pk
    assert [p["name"] for p in new.parameters][-1] == "torque"
    assert services.interface_specs()["tube-clamp"].version == "1.1"
    # A bad unit or rule is refused with its line.
    response = client.post(
        propose, {"version": "1.2", "parameters": "torque blorps equal"}
    )
    assert response.status_code == 422
    assert "blorps" in response.content.decode()


def test_the_configurator_takes_a_module_twice(demo_vehicles, client):
    platform = Module.objects.filter(kind="platform").first()
    battery = Module.objects.filter(kind="battery").first()
    response = client.post(
        reverse("vehicles:configurator"),
        {"platform": platform.commons.slug, f"n-{battery.commons.slug}": "2"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="n-{battery.commons.slug}" value="2"' in html
    draft = services.Draft.from_data({"platform": platform.commons.slug})
    from fabrique.vehicles.views import _draft_from_post

    class Data(dict):
        def getlist(self, key):
            return []

    draft = _draft_from_post(
        Data({"platform": platform.commons.slug, f"n-{battery.commons.slug}": "2"})
    )
    assert sorted(draft.modules.values()) == [battery.commons.slug] * 2
    assert len(services.bill_of_materials(draft).lines) >= 0
    response = client.post(
        reverse("vehicles:configurator"),
        {"platform": platform.commons.slug, f"n-{battery.commons.slug}": "99"},
    )
    assert response.status_code == 422


def test_ports_of_an_older_version_are_checked_by_that_version(holder, frame):
    old = InterfaceType.objects.get(key="tube-clamp")
    services.propose_version(
        old, user=holder, version="2.0", documentation="",
        parameters="diameter mm host_within_guest\ntorque N*m equal",
    )  # fmt: skip
    module = services.make_module(frame, user=holder, kind="platform", mass=20)
    other = services.make_module(
        catalog.create_commons(
            user=holder,
            data={"title": "Panier", "summary": "Un panier.", "kind": "hardware"},
        ),
        user=holder, kind="cargo", mass=2,
    )  # fmt: skip
    for target, role, diameter in (
        (module, "host", "25.4 mm"),
        (other, "guest", "20..30 mm"),
    ):
        Port.objects.create(
            module=target, name="clamp", interface=old, role=role,
            params={"diameter": diameter, "width": "40 mm", "load": "20 kg"},
        )  # fmt: skip
    specs = services.interface_specs()
    assert specs["tube-clamp"].version == "2.0"
    a = services.module_spec(module).ports[0]
    b = services.module_spec(other).ports[0]
    # Version 1.0's parameters apply: no torque asked for, no problem.
    assert compat.check_ports(("a", a), ("b", b), specs) == []
