import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fabrique.projects.health import bus_factor, health
from fabrique.projects.models import Contribution
from tests.catalog.factories import make_commons, make_user


def test_one_person_doing_most_of_the_work_is_a_bus_factor_of_one():
    assert bus_factor([10, 1, 1]) == 1
    assert bus_factor([3, 3, 3, 3]) == 2
    assert bus_factor([]) == 0


@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=50))
def test_the_bus_factor_is_the_smallest_group_making_half(counts):
    factor = bus_factor(counts)
    ordered = sorted((c for c in counts if c > 0), reverse=True)
    total = sum(ordered)
    if total == 0:
        assert factor == 0
        return
    assert 2 * sum(ordered[:factor]) >= total
    assert 2 * sum(ordered[: factor - 1]) < total
    assert 1 <= factor <= len(ordered)


@pytest.mark.django_db
def test_health_counts_confirmed_recent_contributors_only():
    holder = make_user()
    commons = make_commons(user=holder)  # its creation is an automatic entry
    old, pending = make_user(), make_user()
    entry = Contribution.objects.create(
        contributor=old, kind="code", commons=commons, description="v1",
        status="confirmed",
    )  # fmt: skip
    Contribution.objects.filter(pk=entry.pk).update(
        created=timezone.now() - datetime.timedelta(days=200)
    )
    Contribution.objects.create(
        contributor=pending, kind="code", commons=commons, description="v2"
    )
    figures = health(commons)
    assert figures.contributions == 2
    assert figures.active_contributors == 1
    assert figures.bus_factor == 1
