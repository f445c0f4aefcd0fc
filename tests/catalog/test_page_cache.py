"""The commons page: anonymous visitors get a cached page that stays correct.

An edit, a need, a follow show at once; the language is respected; signed-in
users never get the anonymous page nor fill it; cached pages carry no CSRF
token, and CSRF protection stays on.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabrique.catalog import services
from fabrique.catalog.views.pagecache import HEADER, LocalPages, local_pages
from fabrique.core import moderation

from .factories import commons_data, make_commons, make_user

pytestmark = pytest.mark.django_db

TOKEN_IN_HTML = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"'
)


def _edit(commons, user, **changes):
    data = commons_data(**{"title": commons.title, **changes})
    services.update_commons(
        commons, user=user, data=data, base_revision=commons.revision
    )


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query():
    commons = make_commons(title="Vélos partagés")
    client = Client()
    first = client.get(commons.get_absolute_url())
    assert first.status_code == 200
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(commons.get_absolute_url())
    assert second[HEADER] == "hit"
    assert second.content == first.content
    # The version token and the page both come from the cache.
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_another_process_reads_the_page_from_the_shared_cache():
    user = make_user()
    commons = make_commons(user=user, title="Vélos partagés")
    first = Client().get(commons.get_absolute_url())
    local_pages.clear()  # as a worker that has not served it yet
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(commons.get_absolute_url())
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert len(queries) == 0
    # The page kept in this process's memory is the same after an edit moves
    # the version: the edit shows at once.
    _edit(commons, user, summary="Un tout autre résumé.")
    third = Client().get(commons.get_absolute_url())
    assert third[HEADER] == "miss"
    assert "Un tout autre résumé." in third.content.decode()


def test_local_pages_stay_within_their_bytes_and_drop_the_least_read():
    pages = LocalPages(limit=800)
    far = 10**12
    for name in "abcd":
        pages.put(name, name.encode() * 100, "text/html", far)
    assert pages.size == 400
    assert pages.get("a") == (b"a" * 100, "text/html")  # read: kept longest
    for name in "efghi":  # one more than fits
        pages.put(name, name.encode() * 100, "text/html", far)
    assert pages.size <= 800
    assert pages.get("b") is None  # the least recently read went first
    assert pages.get("a") is not None
    # Too large for a fair share: never kept.
    pages.put("big", b"x" * 200, "text/html", far)
    assert pages.get("big") is None
    # Past the shared copy's expiry: gone.
    pages.put("old", b"o" * 10, "text/html", 1.0)
    assert pages.get("old") is None
    pages.clear()
    assert pages.size == 0
    assert pages.get("a") is None


def test_the_rendered_page_keeps_a_bounded_number_of_queries():
    user = make_user()
    commons = make_commons(user=user)
    for number in range(5):
        services.add_need(
            commons, user=user, title=f"Besoin {number}", help_kind="testers"
        )
        member = services.request_membership(
            commons, user=make_user(), role="contributor"
        )
        services.approve_membership(member, by=user)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(commons.get_absolute_url())
    assert response[HEADER] == "miss"
    assert len(queries) <= 15, [q["sql"] for q in queries]


def test_an_edit_is_visible_at_once_to_anonymous_visitors():
    user = make_user()
    commons = make_commons(user=user, summary="Ancien résumé du commun.")
    assert "Ancien résumé" in Client().get(commons.get_absolute_url()).text
    _edit(commons, user, summary="Nouveau résumé du commun.")
    page = Client().get(commons.get_absolute_url()).text
    assert "Nouveau résumé" in page
    assert "Ancien résumé" not in page


def test_a_new_need_is_visible_at_once():
    user = make_user()
    commons = make_commons(user=user)
    Client().get(commons.get_absolute_url())
    services.add_need(commons, user=user, title="Cherche testeurs", help_kind="testers")
    assert "Cherche testeurs" in Client().get(commons.get_absolute_url()).text


def test_a_hidden_commons_is_gone_at_once_from_the_cached_page():
    commons = make_commons(title="Vélos partagés")
    moderator = make_user(role="moderator")
    assert Client().get(commons.get_absolute_url()).status_code == 200
    assert Client().get(commons.get_absolute_url())[HEADER] == "hit"
    moderation.hide(commons, moderator=moderator, reason="Spam manifeste.")
    assert Client().get(commons.get_absolute_url()).status_code == 404
    moderation.restore(commons, moderator=moderator, reason="Erreur de ma part.")
    assert Client().get(commons.get_absolute_url()).status_code == 200


def test_a_renamed_address_stops_serving_the_old_page():
    commons = make_commons(title="Vélos partagés")
    old_url = commons.get_absolute_url()
    assert Client().get(old_url).status_code == 200
    commons.slug = "velos-partages-renomme"
    commons.save()
    assert Client().get(old_url).status_code == 404
    assert Client().get(commons.get_absolute_url()).status_code == 200


def test_a_write_committed_after_a_visit_is_seen_by_the_next_visitor(
    django_capture_on_commit_callbacks,
):
    """The token moves again on commit: a page rendered from rows read before
    the commit is never served after it."""
    user = make_user()
    commons = make_commons(user=user, summary="Ancien résumé du commun.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _edit(commons, user, summary="Nouveau résumé du commun.")
    # A visitor renders the page before the commit, from the old rows, and
    # stores it under the token of the moment.
    type(commons).objects.filter(pk=commons.pk).update(
        summary="Ancien résumé du commun."
    )
    assert "Ancien résumé" in Client().get(commons.get_absolute_url()).text
    type(commons).objects.filter(pk=commons.pk).update(
        summary="Nouveau résumé du commun."
    )
    for callback in callbacks:  # the commit
        callback()
    assert "Nouveau résumé" in Client().get(commons.get_absolute_url()).text


def test_each_language_has_its_own_cached_page():
    commons = make_commons()
    french = Client().get(commons.get_absolute_url())
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = english_client.get(commons.get_absolute_url())
    assert french[HEADER] == english[HEADER] == "miss"
    assert '<html lang="fr">' in french.text
    assert '<html lang="en">' in english.text
    assert '<html lang="fr">' in Client().get(commons.get_absolute_url()).text


def test_signed_in_users_never_get_nor_fill_the_anonymous_page():
    user = make_user("alix")
    commons = make_commons(user=make_user())
    anonymous = Client().get(commons.get_absolute_url())
    member = Client()
    member.force_login(user)
    page = member.get(commons.get_absolute_url())
    assert HEADER not in page
    assert "Log out" in page.text or "Se déconnecter" in page.text
    assert TOKEN_IN_HTML.search(page.text)  # their forms carry their token
    # The anonymous page cached before is still the anonymous one.
    again = Client().get(commons.get_absolute_url())
    assert again[HEADER] == "hit"
    assert again.content == anonymous.content
    assert "alix" not in again.text


def test_a_visitor_with_a_flash_message_gets_a_live_page():
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    commons = make_commons()
    Client().get(commons.get_absolute_url())  # cached
    # A message for this visitor, as the cookie storage sends it.
    storage = CookieStorage(HttpRequest())
    storage.add(20, "Votre signalement est enregistré.")
    carrier = HttpResponse()
    storage.update(carrier)
    client = Client()
    client.cookies["messages"] = carrier.cookies["messages"].value
    response = client.get(commons.get_absolute_url())
    assert HEADER not in response
    assert "Votre signalement est enregistré." in response.text


def test_cached_pages_carry_no_csrf_token_but_set_the_cookie():
    commons = make_commons()
    client = Client()
    response = client.get(commons.get_absolute_url())
    assert not TOKEN_IN_HTML.search(response.text)
    assert "data-csrf-cookie" in response.text
    assert response.cookies["csrftoken"].value
    assert "Cookie" in response["Vary"]


def test_csrf_protection_stays_on_for_forms_of_cached_pages():
    commons = make_commons()
    client = Client(enforce_csrf_checks=True)
    client.get(commons.get_absolute_url())
    token = client.cookies["csrftoken"].value
    setlang = reverse("set_language")
    # Without the token: refused.
    refused = client.post(setlang, {"language": "en", "next": "/"})
    assert refused.status_code == 403
    # With the cookie's token, as fabrique.js sends it: accepted.
    accepted = client.post(
        setlang, {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    # A signed-in member's write without a token is refused too.
    member = Client(enforce_csrf_checks=True)
    member.force_login(make_user())
    follow = reverse("catalog:commons_follow", args=[commons.slug])
    assert member.post(follow).status_code == 403


def test_the_markdown_of_a_description_is_rendered_once_per_text(monkeypatch):
    import uuid

    from fabrique.core import markdown

    calls = []
    original = markdown._render

    def counting(source):
        calls.append(source)
        return original(source)

    monkeypatch.setattr(markdown, "_render", counting)
    text = f"Un flux **GBFS** ({uuid.uuid4()})."
    other = f"Un autre texte ({uuid.uuid4()})."
    assert "<strong>GBFS</strong>" in markdown.render_markdown(text)
    assert markdown.render_markdown(text) == markdown.render_markdown(text)
    markdown.render_markdown(other)
    assert calls == [text, other]


def test_needs_without_an_author_offer_no_form_to_visitors_and_stay_cacheable():
    from fabrique.catalog.models import Need

    commons = make_commons()
    Need.objects.create(commons=commons, title="Relecteurs", help_kind="other")
    first = Client().get(commons.get_absolute_url())
    assert "Relecteurs" in first.text
    assert "need-actions" not in first.text
    assert not TOKEN_IN_HTML.search(first.text)
    assert Client().get(commons.get_absolute_url())[HEADER] == "hit"


def test_a_query_string_gets_a_page_of_its_own():
    commons = make_commons()
    url = commons.get_absolute_url()
    Client().get(url)
    odd = Client().get(url, {"utm": "x<y"})
    assert HEADER not in odd
    assert "utm=x%3Cy" in odd.text  # the language switch comes back here
    assert "utm" not in Client().get(url).text
