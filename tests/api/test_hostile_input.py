"""Whatever a client sends, the API answers in the envelope and never fails.

Random JSON bodies and query strings are thrown at write and list routes;
every answer must be a success or a 4xx envelope, never a 500.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_commons, make_user

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
commons_fields = st.fixed_dictionaries(
    {},
    optional={
        "title": json_values,
        "summary": json_values,
        "kind": st.sampled_from(["data", "software", "nope"]) | json_values,
        "themes": json_values,
        "tags": json_values,
        "links": json_values,
        "pillars": json_values,
        "licence": json_values,
        "base_revision": json_values,
    },
)
RELAXED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
ANSWERS = {200, 201, 400, 404, 409, 413, 422}
QUERY_NAMES = ["q", "kind", "theme", "maturity", "licence", "has_open_needs", "sort",
               "page", "page_size"]  # fmt: skip


@pytest.fixture
def writer(db):
    return ApiClient(token_for(make_user("fuzzer")))


@RELAXED
@given(body=commons_fields | json_values)
def test_any_json_body_to_create_a_commons_gets_a_clean_answer(writer, body):
    response = writer.post("/api/1/commons/", body)
    assert response.status_code in ANSWERS, response.content
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "details"}


@RELAXED
@given(body=commons_fields | json_values)
def test_any_json_body_to_edit_a_commons_gets_a_clean_answer(writer, body):
    commons = make_commons(title=f"Commun {json.dumps(body)[:40]}")
    response = writer.patch(f"/api/1/commons/{commons.slug}/", body)
    assert response.status_code in ANSWERS, response.content


@pytest.mark.parametrize("revision", [0, -1, 2**63, 2**70])
def test_an_absurd_base_revision_is_refused_cleanly(writer, revision):
    commons = make_commons()
    response = writer.patch(
        f"/api/1/commons/{commons.slug}/", {"base_revision": revision, "title": "X"}
    )
    assert response.status_code in {409, 422}, response.content


@RELAXED
@given(
    params=st.dictionaries(
        st.sampled_from(QUERY_NAMES),
        st.text(max_size=20) | st.integers(-(2**70), 2**70).map(str),
        max_size=5,
    )
)
def test_any_query_string_on_the_commons_list_gets_a_clean_answer(params):
    response = ApiClient().get("/api/1/commons/", **params)
    if any("\x00" in value for value in params.values()):
        # A NUL byte is refused before the route, with the envelope naming it.
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "bad_request"
    else:
        assert response.status_code in {200, 422}, response.content
