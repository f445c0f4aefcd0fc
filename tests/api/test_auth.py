"""Who may write: personal tokens and sessions with CSRF (``fabrique.api.auth``)."""

from __future__ import annotations

import pytest
from django.test import Client

from fabrique.accounts.models import ApiToken
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

BODY = {"title": "Autopartage", "summary": "Des voitures en commun.", "kind": "service"}


def test_a_personal_token_authorises_writes_and_records_its_use(owner):
    key = token_for(owner)
    response = ApiClient(key).post("/api/1/commons/", BODY)
    assert response.status_code == 201
    assert ApiToken.objects.get(user=owner).last_used is not None


def test_an_unknown_or_revoked_token_is_refused(owner):
    key = token_for(owner)
    ApiToken.objects.filter(user=owner).delete()
    assert ApiClient(key).post("/api/1/commons/", BODY).status_code == 401
    assert ApiClient("fab_" + "x" * 43).post("/api/1/commons/", BODY).status_code == 401
    assert (
        ApiClient("not-even-a-token").post("/api/1/commons/", BODY).status_code == 401
    )


def test_a_deleted_or_inactive_users_token_is_refused(owner):
    key = token_for(owner)
    owner.is_active = False
    owner.save()
    assert ApiClient(key).post("/api/1/commons/", BODY).status_code == 401


def test_a_token_authorises_reads_of_ones_own_pending_requests(owner, stranger):
    from tests.catalog.factories import make_commons

    commons = make_commons(user=owner)
    key = token_for(stranger)
    asked = ApiClient(key).post(
        "/api/1/memberships/", {"commons": commons.slug, "role": "user"}
    )
    url = f"/api/1/memberships/{asked.json()['id']}/"
    assert ApiClient().get(url).status_code == 404
    assert ApiClient(key).get(url).status_code == 200


def _session(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_without_the_csrf_token_is_refused(owner):
    client = _session(owner)
    response = client.post("/api/1/commons/", BODY, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_a_session_with_the_csrf_token_may_write(owner):
    client = _session(owner)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.post(
        "/api/1/commons/",
        BODY,
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201, response.content


def test_an_anonymous_session_gets_401_not_a_csrf_error():
    response = Client(enforce_csrf_checks=True).post(
        "/api/1/commons/", BODY, content_type="application/json"
    )
    assert response.status_code == 401


def test_reads_need_no_credentials(anonymous):
    assert anonymous.get("/api/1/commons/").status_code == 200
