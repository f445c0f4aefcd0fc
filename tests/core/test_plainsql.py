"""Statements written out (``fabrique.core.plainsql``) give what the ORM gives."""

from __future__ import annotations

import pytest

from fabrique.catalog.models import CommunityMembership
from fabrique.core.plainsql import column_values

from ..catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


def test_column_values_are_the_orm_s_values_in_the_same_order():
    commons = make_commons()
    for name, role in [("b", "user"), ("a", "contributor"), ("c", "user")]:
        CommunityMembership.objects.create(
            commons=commons, user=make_user(username=name), role=role, status="active"
        )
    CommunityMembership.objects.create(  # an actor, without an account
        commons=commons, actor=make_actor(), role="funder", status="active"
    )
    ordering = ["role", "-created"]
    where = {"commons": commons.pk, "status": "active"}
    expected = list(
        CommunityMembership.objects.filter(commons=commons, status="active")
        .order_by(*ordering)
        .values_list("user_id", flat=True)
    )
    assert column_values(CommunityMembership, "user", where, order_by=ordering) == (
        expected
    )
    assert None in expected
    assert column_values(CommunityMembership, "role", {"user": None}) == ["funder"]
    assert column_values(CommunityMembership, "user", {"commons": 0}) == []
