import pytest
from django.core.exceptions import PermissionDenied

from fabrique.projects import services
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


def test_facilitators_see_projects_that_use_commons_without_contributing():
    founder = make_user()
    startup = make_actor(user=founder, name="CargoCo", type="startup")
    taker = services.create_project(
        user=founder, actor=startup, name="Livraison", kind="startup"
    )
    giver = services.create_project(
        user=founder, actor=startup, name="Atelier", kind="startup"
    )
    gbfs, stops = make_commons(), make_commons(title="Arrêts")
    services.set_contract(taker, user=founder, uses=[gbfs, stops])
    services.set_contract(giver, user=founder, uses=[gbfs], contributes_to=[stops])
    assert list(services.using_without_contributing()) == [taker]


def test_only_the_actors_administrators_manage_its_projects():
    startup = make_actor(user=make_user(), name="CargoCo", type="startup")
    with pytest.raises(PermissionDenied):
        services.create_project(
            user=make_user(), actor=startup, name="X", kind="startup"
        )


def test_only_staff_change_the_accompaniment():
    founder = make_user()
    startup = make_actor(user=founder, name="CargoCo", type="startup")
    project = services.create_project(
        user=founder, actor=startup, name="Livraison", kind="startup"
    )
    with pytest.raises(PermissionDenied):
        services.set_accompaniment(project, user=founder, status="accompanied")
    services.set_accompaniment(
        project, user=make_user(role="moderator"), status="accompanied"
    )
    assert project.accompaniment == "accompanied"
