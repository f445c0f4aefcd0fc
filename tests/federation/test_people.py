"""Roles and badges across instances: what an instance publishes about a
member, reading it for the accounts linked here, and showing it on the
person's profile pages with its origin."""

from __future__ import annotations

from itertools import count

import pytest
from django.test import Client
from django.utils import timezone

from fabrique.badges.models import Award
from fabrique.catalog.models import Commons, CommunityMembership
from fabrique.federation import accounts, harvest, people
from fabrique.federation.models import HarvestSource, LinkedAccount
from tests.badges.factories import badge as make_badge
from tests.catalog.factories import make_commons, make_user
from tests.federation.feeds import REMOTE, description, feed_url, item, page

pytestmark = pytest.mark.django_db

MARIE_THERE = f"{REMOTE}/accounts/membres/marie/"
_index = count(100)


def award(user, slug: str, *, public: bool = True) -> Award:
    return Award.objects.create(
        badge=make_badge(slug, name=f"Badge {slug}"),
        recipient=user,
        via=Award.Via.HAND,
        issued=timezone.now(),
        status_index=next(_index),
        accepted=True,
        public=public,
    )


def member_of(commons, user, *, role: str = "holder", status: str = "active"):
    CommunityMembership.objects.update_or_create(
        commons=commons, user=user, defaults={"role": role, "status": status}
    )


def their_document(**changes) -> dict:
    document = {
        "uri": MARIE_THERE,
        "name": "Marie",
        "instance": REMOTE,
        "roles": [
            {"commons": f"{REMOTE}/communs/velos/", "title": "Vélos du Québec",
             "role": "contributor", "since": "2026-01-02T00:00:00+00:00"},
        ],
        "badges": [
            {"name": "Cartographe", "issuer": "Fabrique Québec",
             "issued": "2026-02-03T10:00:00+00:00",
             "url": f"{REMOTE}/badges/attributions/abc/"},
        ],
    }  # fmt: skip
    document.update(changes)
    return document


def linked_marie() -> LinkedAccount:
    return LinkedAccount.objects.create(
        user=make_user("marie"), actor_uri=MARIE_THERE, instance_url=REMOTE
    )


def document_url() -> str:
    return people.document_url(
        LinkedAccount(actor_uri=MARIE_THERE, instance_url=REMOTE)
    )


# What an instance publishes ---------------------------------------------------


def test_a_member_document_has_active_roles_and_public_badges_only(client):
    marie = make_user("marie")
    kept = make_commons(title="Vélos de Lyon")
    member_of(kept, marie)
    member_of(make_commons(title="Ancien commun"), marie, status="left")
    hidden = make_commons(title="Commun masqué")
    member_of(hidden, marie, role="contributor")
    hidden.hidden = True
    hidden.save()
    award(marie, "cartographe")
    award(marie, "secret", public=False)

    uri = accounts.own_uri(marie)
    response = client.get("/federation/person", {"uri": uri})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["uri"] == uri
    assert [(r["title"], r["role"]) for r in data["roles"]] == [
        ("Vélos de Lyon", "holder")
    ]
    assert data["roles"][0]["commons"].endswith(f"/communs/{kept.slug}/")
    assert [b["name"] for b in data["badges"]] == ["Badge cartographe"]
    assert data["badges"][0]["url"].startswith(data["instance"] + "/")


def test_no_document_for_an_unknown_deleted_or_foreign_address(client):
    gone = make_user("gone")
    uri = accounts.own_uri(gone)
    gone.deleted = True
    gone.save()
    for asked in [
        uri,
        uri + "../admin/",
        "https://elsewhere.example/accounts/membres/x/",
        "",
    ]:
        response = client.get("/federation/person", {"uri": asked})
        assert response.status_code == 404, asked
        assert response.json()["error"]["code"] == "not_found"


# Reading it for a linked account ---------------------------------------------


def test_a_linked_account_keeps_the_roles_and_badges_published_there(recorded):
    linked = linked_marie()
    hostile = their_document()
    hostile["badges"].append(
        {"name": "Piège", "issuer": "x", "url": "javascript:alert(1)"}
    )
    hostile["roles"].append({"commons": "javascript:alert(1)", "role": "holder"})
    recorded.add(document_url(), hostile)
    assert people.refresh(linked)
    linked.refresh_from_db()
    assert [r["title"] for r in linked.roles] == ["Vélos du Québec"]
    assert [(b["name"], b["url"]) for b in linked.badges] == [
        ("Cartographe", f"{REMOTE}/badges/attributions/abc/"),
        ("Piège", ""),
    ]
    assert linked.problem == ""
    assert linked.checked is not None


def test_a_document_about_someone_else_is_refused_and_the_last_one_kept(recorded):
    linked = linked_marie()
    recorded.add(document_url(), their_document())
    people.refresh(linked)
    recorded.add(document_url(), their_document(uri=f"{REMOTE}/accounts/membres/paul/"))
    assert not people.refresh(linked)
    linked.refresh_from_db()
    assert "refused" in linked.problem
    assert [b["name"] for b in linked.badges] == ["Cartographe"]


def test_a_harvest_of_the_instance_reads_the_linked_people_again(recorded):
    linked = linked_marie()
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page([item(1, "velos", title="Vélos du Québec")]))
    recorded.add(document_url(), their_document())
    source = HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")
    harvest.run_source(source, dry_run=True)
    linked.refresh_from_db()
    assert linked.badges == []  # a dry run writes nothing
    harvest.run_source(source)
    linked.refresh_from_db()
    assert [b["name"] for b in linked.badges] == ["Cartographe"]


# Shown on the profile ---------------------------------------------------------


def test_profiles_show_roles_badges_and_contributions_elsewhere(recorded, english):
    linked = linked_marie()
    shared = item(1, "velos", title="Vélos du Québec")
    shared["ledger"] = [
        {"kind": "code", "description": "Le lecteur GBFS", "at": "2026-01-01",
         "contributor": {"uri": MARIE_THERE, "name": "Marie"}}
    ]  # fmt: skip
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page([shared]))
    recorded.add(document_url(), their_document())
    harvest.run_source(
        HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")
    )
    local_copy = Commons.objects.get()

    own = Client()
    own.force_login(linked.user)
    for html in (
        own.get("/accounts/profil/").content.decode(),
        Client().get("/accounts/membres/marie/").content.decode(),
    ):
        assert "Accounts on other instances" in html
        assert MARIE_THERE in html
        assert (
            f'href="{local_copy.get_absolute_url()}">Vélos du Québec</a> — contributor'
            in html
        )
        assert "Cartographe" in html
        assert "awarded by Fabrique Québec" in html
        assert "Le lecteur GBFS" in html
        assert REMOTE in html


def test_a_profile_without_linked_accounts_shows_no_network_section(english):
    make_user("paul")
    html = Client().get("/accounts/membres/paul/").content.decode()
    assert "Accounts on other instances" not in html
    own = Client()
    own.force_login(make_user("lea"))
    assert (
        "Link an account on another instance"
        in own.get("/accounts/profil/").content.decode()
    )
