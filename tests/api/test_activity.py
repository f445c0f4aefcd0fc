"""The activity stream, read-only (``fabrique.api.activity``)."""

from __future__ import annotations

import pytest

from fabrique.catalog.models import Commons
from fabrique.core import activity
from tests.catalog.factories import make_commons

pytestmark = pytest.mark.django_db


def test_activity_lists_who_did_what_newest_first(owner, as_owner, anonymous):
    commons = make_commons(user=owner)
    as_owner.patch(
        f"/api/1/commons/{commons.slug}/", {"base_revision": 1, "title": "T"}
    )
    body = anonymous.get(
        "/api/1/activity/", target_type="commons", target=commons.slug
    ).json()
    assert [a["verb"] for a in body["data"]] == ["edited", "created"]
    assert body["data"][0]["user"]["username"] == "owner"
    assert body["data"][0]["data"]["revision"] == 2


def test_private_activity_and_activity_on_hidden_objects_is_not_shown(
    owner, anonymous, as_moderator
):
    commons = make_commons(user=owner)
    activity.record(commons, user=owner, verb="followed", public=False)
    verbs = [a["verb"] for a in anonymous.get("/api/1/activity/").json()["data"]]
    assert "followed" not in verbs
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    assert anonymous.get("/api/1/activity/").json()["total"] == 0
    assert as_moderator.get("/api/1/activity/").json()["total"] >= 1


def test_activity_has_no_write_routes(owner, as_owner):
    make_commons(user=owner)
    assert as_owner.post("/api/1/activity/", {}).status_code == 405
