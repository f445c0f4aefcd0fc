"""Two people editing the same commons at once: nothing is ever lost."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fabrique.catalog.models import Commons, Theme
from fabrique.core.revisions import revisions_of

from .factories import make_commons, make_theme, make_user

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


def _form_data(client: Client, url: str) -> dict:
    """The edit form as the browser would post it back, unchanged."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name in ("tags", "skills"):
            value = field.prepare_value(value)
        if name == "themes":
            data[name] = [getattr(t, "pk", t) for t in value or []]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_written(client):
    commons = make_commons()
    edit_url = reverse("catalog:commons_edit", args=[commons.slug])
    for url in (edit_url, reverse("catalog:commons_create")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    response = client.post(edit_url, {"title": "Vandal", "base_revision": 1})
    assert response.status_code == 302
    assert Commons.objects.get(pk=commons.pk).title != "Vandal"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("catalog:join", True),
        ("catalog:need_add", True),
        ("catalog:image_add", True),
        ("catalog:commons_follow", True),
        ("catalog:commons_revert", False),
    ],
)
def test_anonymous_posts_to_write_routes_are_refused(client, name, args):
    commons = make_commons()
    url = reverse(name, args=[commons.slug] if args else [commons.slug, 1])
    response = client.post(url, {"role": "user", "title": "x", "help_kind": "data"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert commons.memberships.count() == 1
    assert commons.needs.count() == 0


def test_a_signed_in_user_creates_a_commons_and_becomes_holder():
    user = make_user()
    theme = make_theme("Covoiturage", "covoiturage")
    client = _signed_in(user)
    response = client.post(
        reverse("catalog:commons_create"),
        {
            "title": "Preuve de covoiturage",
            "summary": "Un registre ouvert des trajets partagés.",
            "kind": "software",
            "themes": [theme.pk],
            "tags": "covoiturage, registre, covoiturage",
            "maturity": "production",
            "licence": "AGPL-3.0-only",
            "description": "Du **code** ouvert.",
            "comment": "Première version",
        },
    )
    commons = Commons.objects.get(title="Preuve de covoiturage")
    assert response.status_code == 302
    assert response["Location"] == commons.get_absolute_url()
    assert commons.tags == ["covoiturage", "registre"]
    assert list(commons.themes.all()) == [theme]
    assert commons.memberships.get().user == user


def test_an_invalid_form_is_shown_again_with_errors_naming_the_field():
    client = _signed_in(make_user())
    response = client.post(
        reverse("catalog:commons_create"),
        {"title": "", "summary": "x", "kind": "spaceship", "maturity": "idea"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "kind"}
    assert not Commons.objects.exists()


def test_two_concurrent_sessions_the_second_gets_the_conflict_page_and_loses_nothing():
    commons = make_commons()
    url = reverse("catalog:commons_edit", args=[commons.slug])
    alice, bob = _signed_in(make_user("alice")), _signed_in(make_user("bob"))
    alice_form = _form_data(alice, url)
    bob_form = _form_data(bob, url)
    assert alice_form["base_revision"] == bob_form["base_revision"] == 1

    alice_form["summary"] = "Le flux GBFS officiel, validé chaque nuit."
    response = alice.post(url, alice_form)
    assert response.status_code == 302

    bob_form["description"] = "Un flux **GBFS** tenu par la communauté, à Lyon."
    bob_form["comment"] = "Précise la ville"
    response = bob.post(url, bob_form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "conflict" in response.templates[0].name
    # Both versions are on the page, side by side.
    assert "Le flux GBFS officiel" in page
    assert "à Lyon" in page
    # Bob's edit is not written; Alice's stays.
    stored = Commons.objects.get(pk=commons.pk)
    assert stored.summary == "Le flux GBFS officiel, validé chaque nuit."
    assert "Lyon" not in stored.description
    # The merge form keeps Alice's summary and Bob's description, on revision 2.
    merge = response.context["form"]
    assert merge["base_revision"].value() == 2
    assert merge["summary"].value() == "Le flux GBFS officiel, validé chaque nuit."
    assert "à Lyon" in merge["description"].value()
    assert merge["comment"].value() == "Précise la ville"


def test_saving_the_merge_form_keeps_both_edits():
    commons = make_commons()
    url = reverse("catalog:commons_edit", args=[commons.slug])
    alice, bob = _signed_in(make_user()), _signed_in(make_user())
    alice_form, bob_form = _form_data(alice, url), _form_data(bob, url)
    alice_form["title"] = "Vélos partagés de la Métropole de Lyon"
    alice.post(url, alice_form)
    bob_form["pillar_governance"] = "Comité ouvert chaque mois, votes publiés."
    conflict = bob.post(url, bob_form)
    assert conflict.status_code == 409

    merged = {}
    form = conflict.context["form"]
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "tags":
            value = field.prepare_value(value)
        if name == "themes":
            merged[name] = [getattr(t, "pk", t) for t in value or []]
        elif value is not None:
            merged[name] = value
    response = bob.post(url, merged)
    assert response.status_code == 302
    stored = Commons.objects.get(pk=commons.pk)
    assert stored.title == "Vélos partagés de la Métropole de Lyon"
    assert stored.pillar_governance == "Comité ouvert chaque mois, votes publiés."
    assert [r.number for r in revisions_of(stored)] == [3, 2, 1]


def test_a_field_changed_by_both_is_flagged_and_prefilled_with_your_version():
    commons = make_commons()
    url = reverse("catalog:commons_edit", args=[commons.slug])
    alice, bob = _signed_in(make_user()), _signed_in(make_user())
    alice_form, bob_form = _form_data(alice, url), _form_data(bob, url)
    alice_form["summary"] = "Version d'Alice"
    alice.post(url, alice_form)
    bob_form["summary"] = "Version de Bob"
    response = bob.post(url, bob_form)
    conflict = response.context["conflict"]
    assert [row.name for row in conflict.both_changed] == ["summary"]
    assert response.context["form"]["summary"].value() == "Version de Bob"
    assert "changed by both" in response.content.decode()


def test_themes_take_part_in_the_conflict_and_the_merge():
    first, second = make_theme("Vélo", "velo"), make_theme("Fret", "fret")
    commons = make_commons(themes=[first])
    url = reverse("catalog:commons_edit", args=[commons.slug])
    alice, bob = _signed_in(make_user()), _signed_in(make_user())
    alice_form, bob_form = _form_data(alice, url), _form_data(bob, url)
    alice_form["themes"] = [first.pk, second.pk]
    alice.post(url, alice_form)
    bob_form["summary"] = "Résumé de Bob"
    response = bob.post(url, bob_form)
    merge = response.context["form"]
    assert sorted(getattr(t, "pk", t) for t in merge["themes"].value()) == sorted(
        Theme.objects.values_list("pk", flat=True)
    )


def test_hidden_commons_cannot_be_edited_even_signed_in():
    commons = make_commons()
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    client = _signed_in(make_user())
    url = reverse("catalog:commons_edit", args=[commons.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "base_revision": 1}).status_code == 403


def test_two_concurrent_sessions_on_an_actor_also_conflict():
    from .factories import make_actor

    actor = make_actor()
    url = reverse("catalog:actor_edit", args=[actor.slug])
    alice, bob = _signed_in(make_user()), _signed_in(make_user())
    alice_form, bob_form = _form_data(alice, url), _form_data(bob, url)
    alice_form["summary"] = "A"
    assert alice.post(url, alice_form).status_code == 302
    bob_form["website"] = "https://atelier.example.org"
    response = bob.post(url, bob_form)
    assert response.status_code == 409
    assert response.context["form"]["website"].value() == "https://atelier.example.org"
    assert response.context["form"]["summary"].value() == "A"


def test_an_overlong_description_is_refused_by_the_form_with_its_length():
    from fabrique.core.markdown import MAX_MARKDOWN_CHARS

    commons = make_commons()
    url = reverse("catalog:commons_edit", args=[commons.slug])
    client = _signed_in(make_user())
    data = _form_data(client, url)
    data["description"] = "x" * (MAX_MARKDOWN_CHARS + 5)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert Commons.objects.get(pk=commons.pk).revision == 1


def test_windows_line_endings_from_browsers_do_not_count_as_a_change():
    commons = make_commons(description="Ligne un.\n\nLigne deux.")
    url = reverse("catalog:commons_edit", args=[commons.slug])
    client = _signed_in(make_user())
    data = _form_data(client, url)
    data["description"] = data["description"].replace("\n", "\r\n")
    data["summary"] = "Un autre résumé."
    client.post(url, data)
    change = revisions_of(commons).first()
    assert change.number == 2
    assert Commons.objects.get(pk=commons.pk).description == "Ligne un.\n\nLigne deux."
    from fabrique.core.models import Activity

    assert Activity.objects.filter(verb="edited").get().data["changed"] == ["summary"]


def test_a_form_saved_untouched_changes_no_field():
    commons = make_commons(description="  Texte avec une fin de ligne.\n\n")
    url = reverse("catalog:commons_edit", args=[commons.slug])
    client = _signed_in(make_user())
    data = _form_data(client, url)
    data["description"] = data["description"].replace("\n", "\r\n")
    assert client.post(url, data).status_code == 302
    assert revisions_of(commons).first().number == 2
    from fabrique.core.models import Activity

    assert Activity.objects.filter(verb="edited").get().data["changed"] == []


def test_the_merged_summary_is_a_labelled_textarea_keeping_its_limit():
    commons = make_commons()
    url = reverse("catalog:commons_edit", args=[commons.slug])
    alice, bob = _signed_in(make_user()), _signed_in(make_user())
    alice_form, bob_form = _form_data(alice, url), _form_data(bob, url)
    alice_form["summary"] = "Version d'Alice"
    alice.post(url, alice_form)
    bob_form["summary"] = "Version de Bob"
    page = bob.post(url, bob_form).content.decode()
    textarea = re.search(r'<textarea[^>]*name="summary"[^>]*>([^<]*)</textarea>', page)
    assert textarea, "the merged summary is not a textarea"
    assert 'maxlength="300"' in textarea.group(0)
    assert "Version de Bob" in textarea.group(1)
    assert 'id="id_summary"' in textarea.group(0)
    assert re.search(r'<label for="id_summary">Summary', page)
    # The edit form itself keeps its one-line input.
    assert '<input type="text" name="summary"' in bob.get(url).content.decode()
