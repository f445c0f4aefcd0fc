import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fabrique.projects import funding
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def funder_admin():
    return make_user("banque")


@pytest.fixture
def funder(funder_admin):
    return make_actor(user=funder_admin, name="Banque des territoires", type="funder")


def test_a_funder_pledges_then_grants_and_totals_keep_currencies_apart(
    funder_admin, funder
):
    from fabrique.catalog.models import ActorMember

    ActorMember.objects.get_or_create(
        actor=funder, user=funder_admin, defaults={"role": "admin"}
    )
    commons = make_commons()
    funding.record_funding(
        user=funder_admin, funder=funder, commons=commons, kind="pledge",
        amount="10000", purpose="Maintenance 2026",
    )  # fmt: skip
    funding.record_funding(
        user=funder_admin, funder=funder, commons=commons, kind="grant",
        amount=Decimal("2500.50"), purpose="Premier versement",
        date=datetime.date(2026, 2, 1),
    )  # fmt: skip
    funding.record_funding(
        user=funder_admin, funder=funder, commons=commons, kind="grant",
        amount=300, currency="chf", purpose="Traduction",
    )  # fmt: skip
    assert funding.totals(commons) == {
        ("grant", "CHF"): Decimal("300.00"),
        ("grant", "EUR"): Decimal("2500.50"),
        ("pledge", "EUR"): Decimal("10000.00"),
    }
    assert funding.by_funder(funder)[("grant", "EUR")] == Decimal("2500.50")


def test_only_the_funders_administrators_record_its_funding(funder):
    with pytest.raises(PermissionDenied):
        funding.record_funding(
            user=make_user(), funder=funder, commons=make_commons(),
            kind="grant", amount=10, purpose="x",
        )  # fmt: skip


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "NaN", "1e30"])
def test_amounts_that_are_not_positive_sums_are_refused(funder, amount):
    from fabrique.catalog.models import ActorMember

    admin = make_user()
    ActorMember.objects.create(actor=funder, user=admin, role="admin")
    with pytest.raises(ValidationError):
        funding.record_funding(
            user=admin, funder=funder, commons=make_commons(),
            kind="grant", amount=amount, purpose="x",
        )  # fmt: skip


def test_a_currency_must_be_an_iso_code(funder):
    from fabrique.catalog.models import ActorMember

    admin = make_user()
    ActorMember.objects.create(actor=funder, user=admin, role="admin")
    with pytest.raises(ValidationError):
        funding.record_funding(
            user=admin, funder=funder, commons=make_commons(),
            kind="grant", amount=5, currency="euros", purpose="x",
        )  # fmt: skip
