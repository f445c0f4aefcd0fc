import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from fabrique.catalog import services
from fabrique.catalog.models import Commons, CommunityMembership, Need

from .factories import make_actor, make_commons, make_theme, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _jsonld(page: str) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL
    )
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_the_commons_page_shows_pillars_community_needs_and_discussions(client):
    holder = make_user("marie", display_name="Marie")
    theme = make_theme("Vélo", "velo")
    commons = make_commons(holder, themes=[theme])
    services.add_need(
        commons, user=holder, title="Des testeurs à Lyon", help_kind="testers"
    )
    services.start_discussion(
        commons, user=holder, title="Quel schéma ?", body="GBFS 2.3 ou 3.0 ?"
    )
    response = client.get(commons.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Vélos partagés de Lyon",
        "<strong>GBFS</strong>",
        "Décisions en réunion mensuelle ouverte.",
        "Des testeurs à Lyon",
        "Quel schéma ?",
        "Marie",
        "ODbL-1.0",
        "gbfs",
        reverse("catalog:commons_history", args=[commons.slug]),
        theme.get_absolute_url(),
    ):
        assert text in page, text


def test_the_commons_page_carries_schema_org_json_ld(client):
    commons = make_commons(licence="ODbL-1.0", download_url="https://x.example/gbfs")
    data = _jsonld(client.get(commons.get_absolute_url()).content.decode())
    assert data["@type"] == "Dataset"
    assert data["name"] == "Vélos partagés de Lyon"
    assert data["license"] == "https://spdx.org/licenses/ODbL-1.0.html"
    assert data["distribution"]["contentUrl"] == "https://x.example/gbfs"


def test_json_ld_cannot_be_broken_out_of_by_a_hostile_title(client):
    commons = make_commons(title="</script><script>alert(1)</script>")
    page = client.get(commons.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert _jsonld(page)["name"] == "</script><script>alert(1)</script>"


def test_hostile_markdown_in_the_description_is_sanitised(client):
    commons = make_commons(
        description="<script>alert(1)</script> [x](javascript:alert(1)) "
        "<img src=x onerror=alert(1)>"
    )
    page = client.get(commons.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "<img src=x" not in page


def test_hidden_commons_are_not_shown(client):
    commons = make_commons()
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    assert client.get(commons.get_absolute_url()).status_code == 404


def test_the_history_lists_revisions_and_the_diff_shows_word_changes(client):
    commons = make_commons()
    user = make_user()
    services.update_commons(
        commons,
        user=user,
        data={"summary": "Les données ouvertes des vélos cargos en libre-service."},
        base_revision=1,
        comment="cargos",
    )
    history = client.get(reverse("catalog:commons_history", args=[commons.slug]))
    assert history.status_code == 200
    assert "cargos" in history.content.decode()
    diff = client.get(
        reverse("catalog:commons_diff", args=[commons.slug]), {"from": 1, "to": 2}
    )
    page = diff.content.decode()
    assert diff.status_code == 200
    assert "<ins>cargos </ins>" in page
    assert len(diff.context["changed"]) == 1


def test_a_diff_of_missing_revisions_is_not_found(client):
    commons = make_commons()
    url = reverse("catalog:commons_diff", args=[commons.slug])
    assert client.get(url, {"from": 1, "to": 9}).status_code == 404
    assert client.get(url, {"from": "x", "to": 1}).status_code == 404


def test_revert_from_the_page_makes_a_new_revision():
    commons = make_commons()
    user = make_user()
    services.update_commons(
        commons, user=user, data={"title": "Mauvais titre"}, base_revision=1
    )
    client = _signed_in(user)
    response = client.post(
        reverse("catalog:commons_revert", args=[commons.slug, 1]),
        {"base_revision": 2},
    )
    assert response.status_code == 302
    commons.refresh_from_db()
    assert (commons.title, commons.revision) == ("Vélos partagés de Lyon", 3)


def test_revert_from_a_stale_history_page_is_refused_and_explained():
    commons = make_commons()
    user = make_user()
    services.update_commons(commons, user=user, data={"title": "B"}, base_revision=1)
    client = _signed_in(user)
    response = client.post(
        reverse("catalog:commons_revert", args=[commons.slug, 1]),
        {"base_revision": 1},
        follow=True,
    )
    assert "Not restored" in response.content.decode()
    assert Commons.objects.get(pk=commons.pk).title == "B"


def test_a_holder_approves_a_join_request_through_the_pages():
    holder, newcomer = make_user(), make_user("newcomer")
    commons = make_commons(holder)
    response = _signed_in(newcomer).post(
        reverse("catalog:join", args=[commons.slug]),
        {"role": "contributor", "message": "Je connais GBFS."},
    )
    assert response.status_code == 302
    membership = commons.memberships.get(user=newcomer)
    community = _signed_in(holder).get(
        reverse("catalog:community", args=[commons.slug])
    )
    assert "Je connais GBFS." in community.content.decode()
    # An outsider cannot approve.
    outsider = _signed_in(make_user())
    url = reverse("catalog:membership_approve", args=[commons.slug, membership.pk])
    assert outsider.post(url).status_code == 403
    _signed_in(holder).post(url)
    membership.refresh_from_db()
    assert membership.status == CommunityMembership.Status.ACTIVE


def test_a_need_is_added_and_closed_from_the_commons_page():
    holder = make_user()
    commons = make_commons(holder)
    client = _signed_in(holder)
    client.post(
        reverse("catalog:need_add", args=[commons.slug]),
        {"title": "Financer un serveur", "help_kind": "funding"},
    )
    need = commons.needs.get()
    client.post(
        reverse("catalog:need_status", args=[commons.slug, need.pk]),
        {"status": "closed"},
    )
    assert Need.objects.get(pk=need.pk).status == "closed"


def test_discussion_threads_take_replies():
    commons = make_commons()
    client = _signed_in(make_user())
    response = client.post(
        reverse("catalog:discussions", args=[commons.slug]),
        {"title": "Mise à jour", "body": "Le flux est-il à jour ?"},
    )
    assert response.status_code == 302
    thread_url = response["Location"]
    response = client.post(thread_url, {"body": "Oui, **chaque nuit**."})
    assert response.status_code == 302
    page = Client().get(thread_url).content.decode()
    assert "<strong>chaque nuit</strong>" in page


def test_anonymous_visitors_cannot_post_in_discussions(client):
    commons = make_commons()
    response = client.post(
        reverse("catalog:discussions", args=[commons.slug]),
        {"title": "spam", "body": "spam"},
    )
    assert response.status_code == 302
    assert not commons.memberships.filter(status="requested").exists()


def test_follow_button_toggles():
    commons = make_commons()
    client = _signed_in(make_user())
    url = reverse("catalog:commons_follow", args=[commons.slug])
    client.post(url)
    assert client.get(commons.get_absolute_url()).context["following"]
    client.post(url, {"action": "unfollow"})
    assert not client.get(commons.get_absolute_url()).context["following"]


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 110, 79)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_is_uploaded_and_shown_with_its_alternative():
    commons = make_commons()
    client = _signed_in(make_user())
    response = client.post(
        reverse("catalog:image_add", args=[commons.slug]),
        {
            "image": SimpleUploadedFile("photo.png", _png(), "image/png"),
            "alt": "Une station de vélos",
        },
    )
    assert response.status_code == 302
    image = commons.images.get()
    assert (image.width, image.height) == (40, 30)
    assert (
        'alt="Une station de vélos"'
        in client.get(commons.get_absolute_url()).content.decode()
    )


def test_a_text_file_renamed_png_is_refused_on_upload_with_a_reason():
    commons = make_commons()
    client = _signed_in(make_user())
    response = client.post(
        reverse("catalog:image_add", args=[commons.slug]),
        {
            "image": SimpleUploadedFile("x.png", b"hello, not an image", "image/png"),
            "alt": "rien",
        },
    )
    assert response.status_code == 400
    assert "not an image" in response.content.decode()
    assert not commons.images.exists()


def test_a_huge_image_is_refused_on_upload(settings):
    settings.FABRIQUE_MAX_IMAGE_PIXELS = 100
    commons = make_commons()
    response = _signed_in(make_user()).post(
        reverse("catalog:image_add", args=[commons.slug]),
        {"image": SimpleUploadedFile("x.png", _png(), "image/png"), "alt": "grand"},
    )
    assert response.status_code == 400
    assert "40×30" in response.content.decode()


def test_the_actor_page_shows_what_it_takes_part_in(client):
    actor = make_actor(name="Métropole de Lyon", type="territory")
    admin = actor.members.get().user
    commons = make_commons()
    membership = services.request_membership(
        commons, user=admin, role="funder", actor=actor
    )
    services.approve_membership(membership, by=commons.created_by)
    services.add_place(
        actor, user=admin, name="Hôtel de la Métropole", lat=45.76, lon=4.85
    )
    response = client.get(actor.get_absolute_url())
    page = response.content.decode()
    assert "Vélos partagés de Lyon" in page
    assert "Hôtel de la Métropole" in page
    assert "mécanique" in page
    assert _jsonld(page)["@type"] == "Organization"


def test_an_actor_is_created_and_edited_through_the_pages():
    client = _signed_in(make_user())
    response = client.post(
        reverse("catalog:actor_create"),
        {
            "name": "Lab Mobilités",
            "is_organisation": "on",
            "type": "lab",
            "skills": "données, GTFS",
        },
    )
    assert response.status_code == 302
    from fabrique.catalog.models import Actor

    actor = Actor.objects.get(name="Lab Mobilités")
    assert actor.skills == ["données", "GTFS"]


def test_theme_pages_list_their_commons(client):
    theme = make_theme("Fret", "fret")
    make_commons(themes=[theme], title="Vélo cargo ouvert")
    make_commons(title="Autre chose")
    page = client.get(theme.get_absolute_url()).content.decode()
    assert "Vélo cargo ouvert" in page
    assert "Autre chose" not in page
    assert "Fret" in client.get(reverse("catalog:themes")).content.decode()


def test_the_markdown_preview_renders_sanitised_html_for_signed_in_users(client):
    url = reverse("core:markdown_preview")
    data = {"field": "description", "description": "**gras** <script>x</script>"}
    assert client.post(url, data).status_code == 403
    response = _signed_in(make_user()).post(url, data)
    page = response.content.decode()
    assert "<strong>gras</strong>" in page
    assert "<script>" not in page


def test_the_commons_page_links_to_the_report_form(client):
    commons = make_commons()
    page = client.get(commons.get_absolute_url()).content.decode()
    assert reverse("core:report", args=["catalog.commons", commons.pk]) in page


def test_an_actor_has_a_history_a_diff_and_a_revert(client):
    actor = make_actor()
    user = make_user()
    services.update_actor(
        actor, user=user, data={"summary": "Atelier et école du vélo."}, base_revision=1
    )
    history = client.get(reverse("catalog:actor_history", args=[actor.slug]))
    assert [r.number for r in history.context["page"]] == [2, 1]
    diff = client.get(
        reverse("catalog:actor_diff", args=[actor.slug]), {"from": 2, "to": 1}
    )
    assert (diff.context["old"].number, diff.context["new"].number) == (1, 2)
    assert [row.name for row in diff.context["changed"]] == ["summary"]
    assert "<ins>" in diff.content.decode()
    _signed_in(user).post(
        reverse("catalog:actor_revert", args=[actor.slug, 1]), {"base_revision": 2}
    )
    actor.refresh_from_db()
    assert (actor.summary, actor.revision) == (
        "Une association de réparation de vélos.",
        3,
    )


def test_anonymous_visitors_cannot_revert(client):
    commons = make_commons()
    services.update_commons(
        commons, user=make_user(), data={"title": "B"}, base_revision=1
    )
    response = client.post(
        reverse("catalog:commons_revert", args=[commons.slug, 1]),
        {"base_revision": 2},
    )
    assert response.status_code == 302
    assert Commons.objects.get(pk=commons.pk).revision == 2


def test_the_join_form_offers_to_join_as_contributor_by_default():
    commons = make_commons()
    page = _signed_in(make_user()).get(commons.get_absolute_url())
    assert page.context["join_form"]["role"].value() == "contributor"


def test_an_image_is_removed_by_its_uploader_but_not_by_others():
    commons = make_commons()
    uploader = make_user()
    image = services.add_image(
        commons,
        user=uploader,
        file=SimpleUploadedFile("p.png", _png(), "image/png"),
        alt="Station",
    )
    url = reverse("catalog:image_remove", args=[commons.slug, image.pk])
    assert _signed_in(make_user()).post(url).status_code == 403
    assert Client().post(url).status_code == 302
    assert commons.images.count() == 1
    _signed_in(uploader).post(url)
    assert commons.images.count() == 0


def test_a_place_is_removed_only_by_the_actor_managers():
    actor = make_actor()
    admin = actor.members.get().user
    place = services.add_place(actor, user=make_user(), name="Dépôt", lat=45, lon=4)
    url = reverse("catalog:place_remove", args=[actor.slug, place.pk])
    assert _signed_in(make_user()).post(url).status_code == 403
    _signed_in(admin).post(url)
    assert not actor.places.exists()


def test_actors_have_discussions_too(client):
    actor = make_actor()
    user_client = _signed_in(make_user())
    response = user_client.post(
        reverse("catalog:actor_discussions", args=[actor.slug]),
        {"title": "Ateliers du samedi", "body": "Qui vient ?"},
    )
    assert response.status_code == 302
    thread = response["Location"]
    assert thread.startswith(f"/acteurs/{actor.slug}/discussions/")
    assert user_client.post(thread, {"body": "Moi !"}).status_code == 302
    assert "Moi !" in client.get(thread).content.decode()
    assert "Ateliers du samedi" in client.get(actor.get_absolute_url()).content.decode()
    listing = client.get(reverse("catalog:actor_discussions", args=[actor.slug]))
    assert listing.status_code == 200


def test_a_commons_thread_is_not_reachable_under_another_object(client):
    commons = make_commons()
    discussion = services.start_discussion(
        commons, user=make_user(), title="Sujet", body="Texte"
    )
    other = make_commons(title="Autre")
    wrong = reverse("catalog:discussion", args=[other.slug, discussion.pk])
    assert client.get(wrong).status_code == 404


def test_a_revision_is_shown_whole_with_its_markdown_rendered_safely(client):
    commons = make_commons(description="**gras** <script>alert(1)</script>")
    url = reverse("catalog:commons_revision", args=[commons.slug, 1])
    page = client.get(url).content.decode()
    assert "<strong>gras</strong>" in page
    assert "<script>alert" not in page
    missing = reverse("catalog:commons_revision", args=[commons.slug, 4])
    assert client.get(missing).status_code == 404


def test_the_diff_shows_choices_by_their_labels(client):
    commons = make_commons(maturity="beta")
    services.update_commons(
        commons, user=make_user(), data={"maturity": "production"}, base_revision=1
    )
    diff = client.get(
        reverse("catalog:commons_diff", args=[commons.slug]), {"from": 1, "to": 2}
    )
    row = diff.context["changed"][0]
    assert "in production" in row.new_html


def test_the_cached_page_of_anonymous_visitors_follows_every_change(client):
    holder = make_user()
    commons = make_commons(holder)
    url = commons.get_absolute_url()
    assert "Nouveau besoin" not in client.get(url).content.decode()
    services.add_need(commons, user=holder, title="Nouveau besoin", help_kind="data")
    assert "Nouveau besoin" in client.get(url).content.decode()
    services.update_commons(
        commons, user=holder, data={"summary": "Résumé revu"}, base_revision=1
    )
    assert "Résumé revu" in client.get(url).content.decode()
    services.follow(commons, user=make_user())
    assert client.get(url).context["body"].count("· 1") >= 1


def test_signed_in_users_get_their_own_page_not_the_cached_one(client):
    holder = make_user()
    commons = make_commons(holder)
    client.get(commons.get_absolute_url())  # fills the anonymous cache
    page = _signed_in(holder).get(commons.get_absolute_url()).content.decode()
    assert reverse("catalog:commons_edit", args=[commons.slug]) in page
    assert "Take another role in the community" in page


def test_a_first_visit_lists_what_the_commons_has_in_few_statements(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fabrique.core import follows

    holder = make_user("marie", display_name="Marie")
    commons = make_commons(
        holder, themes=[make_theme("Vélo", "velo"), make_theme("Auto", "auto")]
    )
    shown, hidden = make_actor(name="Atelier Visible"), make_actor(name="Atelier Caché")
    hidden.hidden = True
    hidden.save()
    for actor in (shown, hidden):
        CommunityMembership.objects.create(
            commons=commons, actor=actor, role="contributor", status="active"
        )
    follows.follow(make_user(), commons)
    follows.follow(make_user(), commons)
    with CaptureQueriesContext(connection) as bare:
        page = client.get(commons.get_absolute_url()).content.decode()
    assert "Atelier Visible" in page
    assert "Atelier Caché" not in page
    assert shown.get_absolute_url() in page
    assert "Follow · 2" in page
    assert "Marie" in page
    assert page.index(">Auto<") < page.index(">Vélo<")
    assert "No discussion yet." in page
    assert "Recognised here" not in page
    assert len(bare.captured_queries) <= 8, [q["sql"] for q in bare.captured_queries]

    # Every list appears on the next view once it has something.
    Need.objects.create(commons=commons, title="Des testeurs", help_kind="testers")
    services.start_discussion(commons, user=holder, title="Quel schéma ?", body="?")
    page = client.get(commons.get_absolute_url()).content.decode()
    assert "Des testeurs" in page
    assert "Quel schéma ?" in page
