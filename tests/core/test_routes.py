"""Every route that writes checks rights: a sweep over all URL patterns.

Each route is called with every writing method and a body that would be
accepted from someone allowed (the sweep as a moderator proves it writes).
Anonymous visitors and plain members must leave the database unchanged.
(Server errors are not this sweep's business: page tests catch them.)
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from fabrique.accounts.models import ApiToken, User
from fabrique.catalog import services as catalog
from fabrique.catalog.models import Actor, ActorMember, Commons, Theme
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
# Forms anyone may send: they create a session or an account, never content.
PUBLIC_FORMS = {
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
    "accounts:password_reset",
    "accounts:password_reset_confirm",
    "core:markdown_preview",
}
# Rows that a visit may legitimately touch.
IGNORED_MODELS = {"sessions.session", "contenttypes.contenttype"}
# Moderator-only or owner-only routes a plain member must not be able to use.
MEMBER_FORBIDDEN = {
    "core:moderation_act",
    "accounts:change_role",
    "accounts:token_revoke",
    "accounts:organisation_member_update",
    "catalog:membership_approve",
    "catalog:membership_decline",
}


def routes(patterns=None, prefix="", namespace=""):
    """(route, name, converters) of every URL pattern of the site."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else (pattern.namespace)
                )
            yield from routes(
                pattern.url_patterns, prefix + str(pattern.pattern), inner
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            converters = getattr(pattern.pattern, "converters", {})
            yield prefix + str(pattern.pattern), name, converters


@pytest.fixture
def world():
    """One of everything, all reachable under the slug `routes`."""
    owner = make_user("owner", email="owner@example.org")
    theme = Theme.objects.create(slug="routes", name="Routes")
    commons = make_commons(user=owner, title="Routes")
    Commons.objects.filter(pk=commons.pk).update(slug="routes")
    commons.refresh_from_db()
    actor = make_actor(user=owner, name="Routes")
    Actor.objects.filter(pk=actor.pk).update(slug="routes")
    actor.refresh_from_db()
    applicant = make_user("applicant")
    membership = catalog.request_membership(commons, user=applicant, role="user")
    need = catalog.add_need(commons, user=owner, title="Testeurs", help_kind="testers")
    discussion = catalog.start_discussion(commons, user=owner, title="t", body="b")
    token, _key = ApiToken.issue(owner, "script")
    org_member = ActorMember.objects.create(actor=actor, user=applicant)
    ids = {
        "catalog:membership_approve": membership.pk,
        "catalog:membership_decline": membership.pk,
        "catalog:membership_leave": membership.pk,
        "catalog:need_status": need.pk,
        "catalog:discussion": discussion.pk,
        "core:report": commons.pk,
        "core:moderation_act": commons.pk,
        "token_id": token.pk,
        "member_id": org_member.pk,
        "need_id": need.pk,
        "membership_id": membership.pk,
        "number": 1,
    }
    body = {
        "title": "Nouveau titre", "summary": "Résumé", "description": "Texte",
        "kind": "data", "maturity": "beta", "licence": "MIT", "name": "Nom",
        "type": "association", "is_organisation": "on", "role": "member",
        "status": "met", "help_kind": "testers", "body": "Un message",
        "reason": "Une raison assez longue", "action": "hide", "message": "Bonjour",
        "username": "applicant", "base_revision": commons.revision, "comment": "c",
        "city": "Lyon", "lat": "45.75", "lon": "4.85", "commons": "routes",
        "public-display_name": "X", "private-email": "x@example.org",
        "password": "a-long-test-password", "confirm": "on", "themes": [theme.pk],
    }  # fmt: skip
    return {"ids": ids, "body": body, "owner": owner, "applicant": applicant}


def url_for(route, name, converters, world):
    kwargs = {}
    for key in converters:
        if key == "slug":
            kwargs[key] = "routes"
        elif key == "label":
            kwargs[key] = "catalog.commons"
        elif key == "username":
            kwargs[key] = "owner"
        elif key in {"uidb64", "token"}:
            kwargs[key] = "x"
        else:
            kwargs[key] = str(world["ids"].get(name, world["ids"].get(key, 1)))
    url = "/" + route
    for key, value in kwargs.items():
        for form in (f"<{key}>", *(f"<{c}:{key}>" for c in ("int", "str", "slug"))):
            url = url.replace(form, value)
    return url


def snapshot():
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED_MODELS or label.startswith("django_tasks"):
            continue
        state[label] = list(model._default_manager.order_by("pk").values())
    return state


def sweep(client, world, *, skip=frozenset()):
    """Send every write to every route; the routes that changed the database."""
    changed = []
    for route, name, converters in routes():
        if name in skip:
            continue
        url = url_for(route, name, converters, world)
        for method in WRITE_METHODS:
            before = snapshot()
            if method == "post" and not url.startswith("/api/"):
                getattr(client, method)(url, world["body"])
            else:
                getattr(client, method)(
                    url, json.dumps(world["body"]), content_type="application/json"
                )
            if snapshot() != before:
                changed.append((method, name))
    return changed


def test_the_sweep_reaches_every_kind_of_route(world):
    names = {name for _route, name, _conv in routes()}
    assert {"catalog:commons_edit", "core:moderation_act", "accounts:delete"} <= names
    assert any(name.startswith("api:") for name in names)


def test_anonymous_visitors_change_nothing_through_any_route(world):
    assert sweep(Client(raise_request_exception=False), world, skip=PUBLIC_FORMS) == []


def test_members_cannot_use_moderator_or_owner_routes(world):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("someone"))
    forbidden = set(MEMBER_FORBIDDEN)
    other = {name for _r, name, _c in routes()} - forbidden
    assert sweep(client, world, skip=PUBLIC_FORMS | other) == []


def test_the_same_sweep_does_write_for_a_moderator(world):
    # Proves the bodies are good enough that a refusal above is a permission check.
    client = Client(raise_request_exception=False)
    client.force_login(make_user("mod", role=User.Role.MODERATOR))
    all_names = {name for _r, name, _c in routes()}
    hidden = sweep(client, world, skip=all_names - {"core:moderation_act"})
    assert hidden == [("post", "core:moderation_act")]
    Commons.objects.update(hidden=False)  # the rest of the sweep needs it visible
    # Deleting one's own account would sign the moderator out for the rest.
    skip = PUBLIC_FORMS | {"core:moderation_act", "accounts:delete"}
    changed = {name for _method, name in sweep(client, world, skip=skip)}
    assert "catalog:commons_edit" in changed
    assert any(name.startswith("api:") for name in changed)
    assert len(changed) >= 8, sorted(changed)


def test_every_route_has_a_name_the_sweep_can_report():
    names = [name for _route, name, _conv in routes()]
    assert all(name and not name.endswith("None") for name in names), names
