"""Every write route of the whole site refuses callers without the right.

The routes are enumerated, not listed: every Django URL pattern (pages) and
every operation of the ninja API is tried with POST, PUT, PATCH and DELETE,
so a route added later is covered without touching this file. In a world
where every object (commons, actor, need, membership, discussion, message,
token, …) belongs to ``owner`` and has primary key ``SAMPLE_PK`` / slug
``sample``:

- an anonymous caller changes nothing, and the API answers 401 (except the
  few public operations of ``PUBLIC_API_WRITES``, which store nothing);
- a signed-in ``stranger`` changes nothing, and the API answers 403 or 404 —
  unless the route is in an explicit allow-list of writes open to anyone
  signed in (creating content, completing wiki-like pages, acting on one's
  own account);
- on the API, ``owner`` or a moderator *can* use each route with the same
  generated body, which proves the refusals above are about rights and not
  about a malformed request.

Page forms are replayed as the owner sees them (the owner's GET of the page is
parsed and its form submitted by the stranger), so a page refusing only
because the stranger sent an empty form would not pass unnoticed on routes
that have a form.

"Changes nothing" is checked on the whole database: every row of every
managed model, except sessions and last-use timestamps.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fabrique.accounts.models import ApiToken, User
from fabrique.api.main import api
from fabrique.catalog.models import (
    Actor,
    ActorMember,
    Commons,
    CommunityMembership,
    Need,
    Place,
    Theme,
)
from fabrique.core.models import (
    Activity,
    AuditLog,
    Discussion,
    Message,
    Report,
    Revision,
)
from fabrique.core.revisions import snapshot as revision_content
from tests.api.conftest import ApiClient, token_for
from tests.api.routes import (
    PUBLIC_API_WRITES,
    SAMPLE_PK,
    SAMPLE_SLUG,
    SAMPLE_USERNAME,
    api_resolver_routes,
    api_routes,
    web_routes,
)
from tests.badges import permission_world as badges_world
from tests.community import world as community_world
from tests.federation import permission_world as federation_world
from tests.transport import permission_world as transport_world
from tests.vehicles import permission_world as vehicles_world

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Pages anyone may write to, even anonymously.
PUBLIC_WEB_WRITES = {
    "set_language",
    "core:markdown_preview",
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
    "accounts:password_reset",
    "accounts:signup_resend",
    "accounts:password_reset_confirm",
    # allauth's names for the same pages of ours (fabrique.accounts.allauth_urls).
    "account_login",
    "account_logout",
    "account_signup",
    "account_reset_password",
    # The instance as OpenID provider: OpenID Connect requires the
    # authorisation and logout endpoints to take POST from anyone (the
    # former sends the request on to sign-in and consent, the latter signs
    # out whoever is signed in); tests/accounts/oidc covers them.
    "idp:oidc:authorization",
    "idp:oidc:logout",
    # On-demand GTFS validation: anyone, rate-limited (tests/transport).
    "transport:validate",
    # The configurator checks and links a vehicle; it stores nothing.
    "vehicles:configurator",
    # Verifying a badge stores nothing (tests/badges).
    "badges:verify",
}

# Pages any signed-in member may write to: creating content, completing the
# wiki-like commons and actor pages (every edit is a revision), joining,
# following, discussing, and acting on one's own account.
MEMBER_WEB_WRITES = {
    "catalog:commons_create",
    "catalog:commons_import",
    "catalog:commons_edit",
    "catalog:commons_revert",
    "catalog:commons_follow",
    "catalog:image_add",
    "catalog:join",
    "catalog:need_add",
    "catalog:discussions",
    "catalog:discussion",
    "catalog:actor_create",
    "catalog:actor_edit",
    "catalog:actor_revert",
    "catalog:actor_follow",
    "catalog:place_add",
    "accounts:profile",
    "accounts:settings",
    "accounts:password_change",
    "accounts:token_create",
    "accounts:delete",
    # allauth's names for our password and settings pages.
    "account_change_password",
    "account_set_password",
    "account_email",
    "community:domain_create",
    "community:domain_join",
    "community:need_create",
    "community:need_carry",
    "community:challenge_join",
    # Anyone signed in who tried a beta may say how it went.
    "community:beta_feedback_add",
    "projects:project_create",
    "projects:project_follow",
    "projects:discussions",
    "projects:discussion",
    # Anyone signed in records what they gave; a holder confirms it.
    "projects:commons_contributions",
    "projects:challenge_contributions",
    "notifications:mark_all_read",
    "notifications:preferences",
    "community:for_me",
    # Opting out of suggestions is about one's own account.
    "community:suggestions_opt_out",
    "transport:dataset_create",
    "transport:dataset_follow",
    "transport:reuse_create",
    # Linking one's own account with one elsewhere; forking a remote commons
    # creates a commons, as creating one does.
    "federation:accounts",
    "federation:fork",
    # Saving a vehicle creates a commons; forking copies a shared one.
    "vehicles:configuration_save",
    "vehicles:configuration_fork",
    # Any member may nominate someone for a behaviour badge, or second it.
    "badges:nominate",
    "badges:second",
    # Adding a verified badge from elsewhere to one's own profile.
    "badges:import_external",
    # Proposing a new version of an interface type stores it beside the old
    # ones with a knowledge commons of its own, held by whoever proposed it.
    "vehicles:interface_propose",
}

# API operations any signed-in member may call (same rules as the pages).
MEMBER_API_WRITES = {
    ("POST", "/api/1/commons/"),
    # Importing a metadata file creates commons, as POST /commons/ does.
    ("POST", "/api/1/imports/"),
    ("POST", "/api/1/imports/url/"),
    ("PATCH", "/api/1/commons/{slug}/"),
    ("POST", "/api/1/actors/"),
    ("PATCH", "/api/1/actors/{slug}/"),
    ("POST", "/api/1/needs/"),
    ("POST", "/api/1/memberships/"),
    ("POST", "/api/1/discussions/"),
    ("POST", "/api/1/discussions/{discussion_id}/messages/"),
    ("POST", "/api/1/community/domains/"),
    ("POST", "/api/1/community/domains/{slug}/members/"),
    ("POST", "/api/1/community/needs/"),
    ("POST", "/api/1/community/needs/{slug}/carriers/"),
    ("POST", "/api/1/community/challenges/{slug}/participations/"),
    # Anyone signed in who tried a beta may say how it went.
    ("POST", "/api/1/community/betas/{beta_id}/feedback/"),
    ("POST", "/api/1/commons/{slug}/contributions/"),
    ("POST", "/api/1/transport/datasets/"),
    ("POST", "/api/1/transport/datasets/{slug}/reuses/"),
    ("POST", "/api/1/community/challenges/{slug}/contributions/"),
    ("POST", "/api/1/notifications/read/"),
    ("PUT", "/api/1/notifications/preferences/"),
    ("PUT", "/api/1/community/suggestions/opt-out/"),
    ("POST", "/api/1/vehicles/modules/"),
    ("POST", "/api/1/vehicles/configurations/"),
    ("POST", "/api/1/vehicles/configurations/{slug}/fork/"),
}


def _sample_entry_is(status: str) -> Any:
    def prepare(world: dict[str, Any]) -> None:
        from fabrique.projects.models import Contribution

        Contribution.objects.filter(pk=SAMPLE_PK).update(status=status)

    return prepare


def _moderator_holds_a_commons_of_the_contract(world: dict[str, Any]) -> None:
    from fabrique.projects.models import Project

    commons = Commons.objects.get(pk=SAMPLE_PK)
    Project.objects.get(pk=SAMPLE_PK).uses.add(commons)
    CommunityMembership.objects.create(
        commons=commons, user=world["moderator"], role="holder", status="active"
    )


# Routes that act on an object in another state than the world's: the world
# is put in that state first (the sample contribution is pending; the
# owner's sample project states nothing).
PREPARE = {
    # Its contributor (the moderator) disputes a decline.
    ("POST", "/api/1/contributions/{contribution_id}/dispute/"): _sample_entry_is(
        "declined"
    ),
    # Its holder (the owner) revokes a confirmation.
    ("POST", "/api/1/contributions/{contribution_id}/revoke/"): _sample_entry_is(
        "confirmed"
    ),
    # A holder outside the project reviews its statement on a commons.
    (
        "PUT",
        "/api/1/projects/{slug}/contract/{commons}/review/",
    ): _moderator_holds_a_commons_of_the_contract,
}


def _sample_png() -> SimpleUploadedFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 80)).save(out, "PNG")
    return SimpleUploadedFile("receipt.png", out.getvalue())


# Upload fields whose route checks the file's content: a small valid file.
SAMPLE_FILES = {"receipt": _sample_png}

SCHEMA = api.get_openapi_schema()
WEB_ROUTES = web_routes()
API_WRITES = [r for r in api_routes(SCHEMA) if r.method in WRITE_METHODS]
IGNORED_FIELDS = {"last_login", "last_used"}
PEOPLE = ("owner", "stranger", "moderator")


# The world -------------------------------------------------------------------


@pytest.fixture
def world():
    """Objects of every kind, all owned by ``owner``, all with pk SAMPLE_PK."""
    now = timezone.now()
    owner = User.objects.create_user(
        pk=SAMPLE_PK,
        username=SAMPLE_USERNAME,
        password="a-long-test-password",
        charter_accepted_at=now,
    )
    stranger = User.objects.create_user(
        username="stranger", password="a-long-test-password", charter_accepted_at=now
    )
    moderator = User.objects.create_user(
        username="moderator",
        password="a-long-test-password",
        role=User.Role.MODERATOR,
        charter_accepted_at=now,
    )
    theme = Theme.objects.create(pk=SAMPLE_PK, slug=SAMPLE_SLUG, name="Sample")
    commons = Commons.objects.create(
        pk=SAMPLE_PK,
        slug=SAMPLE_SLUG,
        title="Sample commons",
        summary="A commons of the owner.",
        kind="data",
        created_by=owner,
        revision=1,
    )
    commons.themes.set([theme])
    actor = Actor.objects.create(
        pk=SAMPLE_PK,
        slug=SAMPLE_SLUG,
        name="Sample actor",
        type="association",
        is_organisation=True,
        created_by=owner,
        revision=1,
    )
    for obj in (commons, actor):
        Revision.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            number=1,
            author=owner,
            content=revision_content(obj),
        )
    ActorMember.objects.create(pk=SAMPLE_PK, actor=actor, user=owner, role="admin")
    Place.objects.create(pk=SAMPLE_PK, actor=actor, name="Atelier", lat=45, lon=4)
    CommunityMembership.objects.create(
        commons=commons, user=owner, role="holder", status="active"
    )
    CommunityMembership.objects.create(
        pk=SAMPLE_PK, commons=commons, user=owner, role="contributor", status="active"
    )
    Need.objects.create(
        pk=SAMPLE_PK, commons=commons, title="Testers", help_kind="testers",
        created_by=owner,
    )  # fmt: skip
    commons_type = ContentType.objects.get_for_model(Commons)
    discussion = Discussion.objects.create(
        pk=SAMPLE_PK, content_type=commons_type, object_id=commons.pk,
        title="Sample discussion", author=owner,
    )  # fmt: skip
    Message.objects.create(
        pk=SAMPLE_PK, discussion=discussion, author=owner, body="First message"
    )
    Activity.objects.create(
        pk=SAMPLE_PK, content_type=commons_type, object_id=commons.pk,
        actor=owner, verb="sampled",
    )  # fmt: skip
    Report.objects.create(
        pk=SAMPLE_PK, content_type=commons_type, object_id=commons.pk,
        reporter=owner, reason="sample",
    )  # fmt: skip
    AuditLog.objects.create(
        pk=SAMPLE_PK, content_type=commons_type, object_id=commons.pk,
        moderator=moderator, action="sample",
    )  # fmt: skip
    ApiToken.objects.create(
        pk=SAMPLE_PK, user=owner, name="sample", key_hash="0" * 64, prefix="fab_x"
    )
    community_world.build(
        pk=SAMPLE_PK, slug=SAMPLE_SLUG, owner=owner, moderator=moderator,
        commons=commons,
    )  # fmt: skip
    transport_world.build(pk=SAMPLE_PK, commons=commons)
    federation_world.build(pk=SAMPLE_PK)
    vehicles_world.build(pk=SAMPLE_PK, owner=owner, commons=commons)
    badges_world.build(
        pk=SAMPLE_PK, slug=SAMPLE_SLUG, owner=owner, moderator=moderator, actor=actor
    )
    return {"owner": owner, "stranger": stranger, "moderator": moderator}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every managed model (sessions and use timestamps aside)."""
    state = {}
    for model in apps.get_models():
        meta = model._meta
        # allauth's list of one's sessions follows Django's sessions.
        if not meta.managed or meta.proxy or model in (Session, UserSession):
            continue
        fields = [
            f.attname for f in meta.concrete_fields if f.name not in IGNORED_FIELDS
        ]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        state[meta.label] = list(rows)
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


# Page forms ------------------------------------------------------------------


class _FormParser(HTMLParser):
    """The fields of the first POST form of a page, as the page fills them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] | None = None
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._done:
            return
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form, self.fields = True, []
        elif self._in_form and self.fields is not None and "name" in a:
            if tag == "input" and a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif tag == "input" and a.get("type") not in {"submit", "button", "file"}:
                self.fields.append((a["name"], a.get("value", "")))
            elif tag == "textarea":
                self._textarea = a["name"]
                self.fields.append((a["name"], ""))
            elif tag == "select":
                self._select = a["name"]
        elif self._select and tag == "option" and self.fields is not None:
            chosen = any(n == self._select for n, _ in self.fields)
            if "selected" in a or not chosen:
                self.fields = [(n, v) for n, v in self.fields if n != self._select]
                self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea and self.fields:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def owner_form(owner: User, url: str) -> str:
    """The urlencoded first POST form of ``url`` as the owner sees it."""
    client = Client()
    client.force_login(owner)
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return ""
    parser = _FormParser()
    parser.feed(response.content.decode(errors="replace"))
    return urlencode(parser.fields or [])


def _is_login_redirect(response) -> bool:
    return response.status_code in {301, 302, 303} and (
        "connexion" in response["Location"] or "login" in response["Location"]
    )


# Tests -------------------------------------------------------------------------


def test_the_enumeration_finds_the_write_routes_we_know():
    names = {route.name for route in WEB_ROUTES}
    assert {"catalog:commons_edit", "accounts:token_revoke"} <= names
    operations = {(r.method, r.path) for r in API_WRITES}
    assert ("PATCH", "/api/1/memberships/{membership_id}/") in operations
    assert ("DELETE", "/api/1/commons/{slug}/") in operations


def test_every_api_url_pattern_is_an_operation_of_the_schema():
    """No API route escapes the enumeration by being left out of OpenAPI."""
    described = {path.removeprefix("/") for path in SCHEMA["paths"]}
    infrastructure = {
        "api/1/",
        "api/1/openapi.json",
        "api/1/docs",
        "api/1/^(?P<rest>.*)$",
    }
    for route in api_resolver_routes():
        if route in infrastructure:
            continue
        as_schema = route.replace("<int:", "{").replace("<", "{").replace(">", "}")
        assert as_schema in described, f"{route} is not in the OpenAPI schema"


def test_allow_lists_name_only_existing_routes():
    names = {route.name for route in WEB_ROUTES}
    assert PUBLIC_WEB_WRITES - names == set()
    assert MEMBER_WEB_WRITES - names == set()
    operations = {(r.method, r.path) for r in API_WRITES}
    assert MEMBER_API_WRITES - operations == set()
    assert PUBLIC_API_WRITES - operations == set()


@pytest.mark.parametrize("route", WEB_ROUTES, ids=lambda r: r.name)
def test_page_writes_change_nothing_for_callers_without_the_right(world, route):
    if route.name in PUBLIC_WEB_WRITES:
        pytest.skip("public write (allow-listed)")
    form = owner_form(world["owner"], route.url)
    callers = {"anonymous": Client()}
    if route.name not in MEMBER_WEB_WRITES:
        stranger = Client()
        stranger.force_login(world["stranger"])
        callers["stranger"] = stranger
    for who, client in callers.items():
        before = snapshot()
        for method in WRITE_METHODS:
            response = client.generic(
                method,
                route.url,
                form if method == "POST" else "",
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code < 500, (method, route.url, who)
            if who == "anonymous" and response.status_code < 400:
                assert response.status_code in {200, 204} or _is_login_redirect(
                    response
                ), f"{method} {route.url} by anonymous: {response.status_code}"
        changed = changed_tables(before, snapshot())
        assert not changed, f"writes to {route.url} ({route.name}) by {who}: {changed}"


@pytest.mark.parametrize("route", API_WRITES, ids=lambda r: f"{r.method} {r.path}")
def test_api_writes_refuse_callers_without_the_right(world, geocoder_index, route):
    def call(client: ApiClient):
        if route.multipart:  # uploads: every field as a small file
            files = {
                name: SAMPLE_FILES[name]()
                if name in SAMPLE_FILES
                else SimpleUploadedFile(f"{name}.txt", str(value).encode())
                for name, value in (route.body or {}).items()
            }
            return client.client.post(route.url, files, headers=client._headers())
        return client.send(route.method, route.url, route.body)

    clients = {who: ApiClient(token_for(world[who])) for who in PEOPLE}
    if (route.method, route.path) in PREPARE:
        PREPARE[route.method, route.path](world)
    before = snapshot()
    anonymous = call(ApiClient())
    if (route.method, route.path) in PUBLIC_API_WRITES:
        # A streamed answer (a geocoded CSV) holds its file until read to the
        # end: the test client then closes it, as a WSGI server would.
        if anonymous.streaming:
            b"".join(anonymous.streaming_content)
        assert anonymous.status_code < 500
        assert changed_tables(before, snapshot()) == [], "public writes store nothing"
        return
    assert anonymous.status_code == 401, anonymous.content
    assert anonymous.json()["error"]["code"] == "unauthorized"
    assert changed_tables(before, snapshot()) == []

    if (route.method, route.path) not in MEMBER_API_WRITES:
        stranger = call(clients["stranger"])
        assert stranger.status_code in {403, 404}, (
            f"{route.method} {route.url} by a stranger: {stranger.status_code} "
            f"{stranger.content[:300]!r}"
        )
        assert changed_tables(before, snapshot()) == []

    # Someone with the right gets through with the very same request.
    statuses = []
    for who in ("owner", "moderator"):
        response = call(clients[who])
        statuses.append((who, response.status_code, response.content[:200]))
        if response.status_code < 300:
            break
    else:
        pytest.fail(f"nobody with rights could {route.method} {route.url}: {statuses}")
