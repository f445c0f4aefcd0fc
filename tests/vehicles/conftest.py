from __future__ import annotations

import pytest
from django.utils import timezone

from fabrique.accounts.models import User

# The browser fixtures (headless Chromium against a live server).
from tests.browser.conftest import (  # noqa: F401
    browser,
    page,
    screenshot_dir,
)


@pytest.fixture
def member(db):
    return User.objects.create_user(
        username="vera", password="a-long-test-password",
        charter_accepted_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def demo_vehicles(member):
    from fabrique.vehicles.demo import load

    assert load(member) > 0
    return member
