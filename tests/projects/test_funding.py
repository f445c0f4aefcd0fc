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


def _record(user, funder, **overrides):
    data = {
        "commons": overrides.pop("commons", None) or make_commons(),
        "kind": "pledge",
        "amount": "5000",
        "purpose": "Maintenance",
        "date": datetime.date(2026, 3, 1),
    }
    data.update(overrides)
    return funding.record_funding(user=user, funder=funder, **data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("currency", "ZZZ"),
        ("currency", "XAU"),  # gold is not paid to a commons
        ("currency", "EURO"),
        ("amount", "999999999999.99"),
        ("amount", "0"),
        ("amount", "-3"),
        ("amount", "12.345"),
        ("amount", "NaN"),
        ("amount", "1e400"),
        ("date", datetime.date(1800, 1, 1)),
        ("date", datetime.date(2999, 12, 31)),
    ],
)
def test_funding_that_cannot_be_true_is_refused_naming_the_field(
    funder_admin, funder, field, value
):
    with pytest.raises(ValidationError) as refused:
        _record(funder_admin, funder, **{field: value})
    assert field in refused.value.message_dict
    assert not funder.fundings.exists()


def test_amounts_are_stored_to_the_cent_and_african_currencies_are_accepted(
    funder_admin, funder
):
    entry = _record(funder_admin, funder, amount="1e3", currency="xof")
    entry.refresh_from_db()
    assert (str(entry.amount), entry.currency) == ("1000.00", "XOF")
    assert "XOF" in funding.currencies()
    assert "XAU" not in funding.currencies()


def test_the_same_funding_twice_is_refused_and_a_key_makes_a_retry_safe(
    funder_admin, funder
):
    commons = make_commons()
    _record(funder_admin, funder, commons=commons)
    with pytest.raises(ValidationError, match="already recorded"):
        _record(funder_admin, funder, commons=commons)
    first = _record(
        funder_admin, funder, commons=commons, amount="10", idempotency_key="k1"
    )
    again = _record(
        funder_admin, funder, commons=commons, amount="10", idempotency_key="k1"
    )
    assert again.pk == first.pk
    assert funder.fundings.count() == 2


def test_only_a_funders_administrators_record_in_its_name(funder):
    from fabrique.accounts.models import User
    from fabrique.catalog.models import ActorMember

    member, moderator = make_user("membre"), make_user("moderatrice")
    ActorMember.objects.create(actor=funder, user=member, role="member")
    User.objects.filter(pk=moderator.pk).update(role=User.Role.MODERATOR)
    moderator.refresh_from_db()
    for user in (member, moderator, make_user()):
        with pytest.raises(PermissionDenied):
            _record(user, funder)
    # A person records funding only on their own page, as themselves.
    person = make_user("mecene")
    own = make_actor(user=person, name="Mécène", is_organisation=False, type="person")
    from fabrique.catalog.models import Actor

    Actor.objects.filter(pk=own.pk).update(user=person)
    own.refresh_from_db()
    assert _record(person, own).funder == own
    with pytest.raises(PermissionDenied):
        _record(make_user(), own)


def test_the_api_refuses_bad_funding_and_replays_a_key(funder_admin, funder):
    from tests.api.conftest import ApiClient, token_for

    api = ApiClient(token_for(funder_admin))
    commons = make_commons()
    body = {
        "funder": funder.slug, "commons": commons.slug, "kind": "grant",
        "amount": "2500", "purpose": "Premier versement", "date": "2026-02-01",
    }  # fmt: skip
    refused = api.post("/api/1/funding/", {**body, "currency": "ZZZ"})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "currency"
    first = api.send(
        "POST", "/api/1/funding/", body, headers={"Idempotency-Key": "abc"}
    )
    again = api.send(
        "POST", "/api/1/funding/", body, headers={"Idempotency-Key": "abc"}
    )
    assert first.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"]
    assert funder.fundings.count() == 1
