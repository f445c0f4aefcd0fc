import pytest
from django.core.exceptions import PermissionDenied

from fabrique.projects import contract, services
from fabrique.projects.models import Contribution
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
    services.set_contract(taker, user=founder, uses=[gbfs])
    services.set_contract(giver, user=founder, uses=[gbfs], contributes_to=[stops])
    # Stating a contribution is not giving: both still take without giving.
    assert list(services.using_without_contributing()) == [giver, taker]
    # A confirmed entry by the actor's people on a commons of the contract
    # is; one elsewhere, or still pending, is not.
    elsewhere = make_commons(title="Ailleurs")
    for commons, status in [(elsewhere, "confirmed"), (stops, "pending")]:
        Contribution.objects.create(
            contributor=founder, kind="code", commons=commons,
            description="Export", status=status,
        )  # fmt: skip
    assert list(services.using_without_contributing()) == [giver, taker]
    # Nor does an automatic entry (an edit of the commons' page).
    Contribution.objects.create(
        contributor=founder, kind="documentation", commons=stops,
        description="Édition de la fiche", status="confirmed", automatic=True,
    )  # fmt: skip
    assert list(services.using_without_contributing()) == [giver, taker]
    Contribution.objects.create(
        contributor=founder, kind="code", commons=stops, description="Arrêts",
        status="confirmed",
    )  # fmt: skip
    assert list(services.using_without_contributing()) == [taker]
    clauses = contract.check(giver)
    assert {c.commons.title: (c.used, c.declared, c.kept) for c in clauses} == {
        "Arrêts": (False, True, True),
        gbfs.title: (True, False, False),
    }
    assert [c.commons.title for c in clauses] == sorted(
        [c.commons.title for c in clauses], key=str.casefold
    )
    assert contract.summary(clauses)["kept"] == 1
    # The member of another organisation does not count for this one.
    outsider = make_user()
    Contribution.objects.create(
        contributor=outsider, kind="code", commons=gbfs, description="Autre",
        status="confirmed",
    )  # fmt: skip
    assert not next(c for c in contract.check(giver) if c.commons == gbfs).kept


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
