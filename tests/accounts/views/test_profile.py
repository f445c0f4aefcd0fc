"""Profile pages: public fields for everyone, private ones for their owner."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from fabrique.accounts.models import ApiToken, User
from fabrique.accounts.services import delete_account
from tests.catalog.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def camille():
    return make_user(
        "camille",
        email="camille@example.org",
        first_name="Camille",
        last_name="Prénom-Privé",
        phone="+33 6 98 76 54 32",
        display_name="Camille Cargo",
        bio="Je répare des **vélos cargo**.<script>alert(1)</script>",
        city="Villeurbanne",
        website="https://camille.example.org",
        skills=["mécanique", "GTFS"],
    )


def test_public_profile_shows_only_public_fields(client, camille):
    body = client.get(reverse("accounts:public_profile", args=["camille"])).content
    body = body.decode()
    for public in ("Camille Cargo", "Villeurbanne", "camille.example.org", "GTFS"):
        assert public in body
    assert "<strong>vélos cargo</strong>" in body
    assert "<script>alert" not in body
    for private in ("camille@example.org", "Prénom-Privé", "+33 6 98 76 54 32"):
        assert private not in body


def test_public_profile_hides_the_city_when_asked(client, camille):
    camille.show_city = False
    camille.save()
    body = client.get(reverse("accounts:public_profile", args=["camille"])).content
    assert b"Villeurbanne" not in body


def test_public_profile_of_a_deleted_account_is_gone(client, camille):
    delete_account(camille)
    for username in ("camille", f"deleted-{camille.pk}"):
        url = reverse("accounts:public_profile", args=[username])
        assert client.get(url).status_code == 404


def test_own_profile_shows_private_fields_to_their_owner_only(client, camille):
    url = reverse("accounts:profile")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(camille)
    body = client.get(url).content.decode()
    assert "camille@example.org" in body
    assert "+33 6 98 76 54 32" in body


def test_settings_page_edits_public_and_private_fields(client, camille):
    client.force_login(camille)
    response = client.post(
        reverse("accounts:settings"),
        {
            "public-display_name": "Camille V.",
            "public-bio": "Nouvelle bio",
            "public-city": "Lyon",
            "public-show_city": "on",
            "public-website": "camille.example.net",
            "public-skills": "GBFS,  logistique , gbfs, ",
            "private-email": "c@example.net",
            "private-first_name": "Cam",
            "private-last_name": "Ille",
            "private-phone": "0600000000",
        },
    )
    assert response.status_code == 302
    camille.refresh_from_db()
    assert camille.display_name == "Camille V."
    assert camille.skills == ["GBFS", "logistique"]
    assert camille.website == "https://camille.example.net"
    assert camille.email == "c@example.net"
    assert camille.phone == "0600000000"


def test_settings_answer_the_same_for_an_e_mail_used_by_another_account(
    client, camille
):
    from django.core import mail

    other = make_user("other", email="taken@example.org")
    client.force_login(camille)
    url = reverse("accounts:settings")
    fresh = client.post(
        url, {"private-email": "new@example.org", "public-display_name": "x"}
    )
    mail.outbox.clear()
    taken = client.post(
        url, {"private-email": "TAKEN@example.org", "public-display_name": "x"}
    )
    assert (taken.status_code, taken["Location"]) == (
        fresh.status_code,
        fresh["Location"],
    )
    camille.refresh_from_db()
    assert camille.email == "TAKEN@example.org"
    assert [m.to for m in mail.outbox] == [[other.email]]
    # Saving again with the same address warns nobody twice.
    mail.outbox.clear()
    client.post(url, {"private-email": "TAKEN@example.org", "public-display_name": "y"})
    assert mail.outbox == []


def test_export_downloads_my_data_as_json_without_secrets(client, camille):
    ApiToken.issue(camille, "script")
    client.force_login(camille)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "camille@example.org"
    assert data["api_tokens"][0]["name"] == "script"
    assert camille.password not in response.content.decode()


def test_deleting_my_account_needs_my_password_then_logs_me_out(client, camille):
    client.force_login(camille)
    url = reverse("accounts:delete")
    response = client.post(url, {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert not User.objects.get(pk=camille.pk).deleted
    response = client.post(url, {"password": "a-long-test-password", "confirm": "on"})
    assert response.status_code == 302
    assert User.objects.get(pk=camille.pk).deleted
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_token_is_created_on_the_profile_page_and_its_key_shown_once(client, camille):
    client.force_login(camille)
    response = client.post(reverse("accounts:token_create"), {"name": "import"})
    assert response.status_code == 200
    token = camille.api_tokens.get()
    body = response.content.decode()
    assert f'value="{token.prefix}' in body
    assert (
        "no-store" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "import" in profile
    key_start = body.index(f'value="{token.prefix}') + len('value="')
    key = body[key_start : body.index('"', key_start)]
    assert ApiToken.hash_key(key) == token.key_hash
    assert key not in profile


def test_a_token_is_revoked_from_the_profile_page_by_its_owner_only(client, camille):
    token, _key = ApiToken.issue(camille, "import")
    client.force_login(make_user("intruder"))
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert ApiToken.objects.filter(pk=token.pk).exists()
    client.force_login(camille)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_token_creation_needs_a_post_from_a_signed_in_user(client):
    assert client.get(reverse("accounts:token_create")).status_code == 405
    response = client.post(reverse("accounts:token_create"), {"name": "x"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_an_administrator_changes_a_role_from_the_public_profile(client, camille):
    admin = make_user("admin", role=User.Role.ADMIN)
    url = reverse("accounts:change_role", args=["camille"])
    client.force_login(make_user("member"))
    assert client.post(url, {"role": "moderator"}).status_code == 403
    client.force_login(admin)
    page = client.get(reverse("accounts:public_profile", args=["camille"]))
    assert url in page.content.decode()
    client.post(url, {"role": "moderator", "reason": "volunteer"})
    camille.refresh_from_db()
    assert camille.role == User.Role.MODERATOR


def test_public_profile_lists_recent_contributions_but_not_hidden_ones(client, camille):
    from fabrique.catalog.models import Commons
    from tests.catalog.factories import make_commons

    make_commons(user=camille, title="Cargo libre")
    hidden = make_commons(user=camille, title="Commun masqué")
    Commons.objects.filter(pk=hidden.pk).update(hidden=True)
    body = client.get(reverse("accounts:public_profile", args=["camille"])).content
    body = body.decode()
    assert "Cargo libre" in body
    assert "Commun masqué" not in body


def test_own_profile_lists_my_recent_contributions(client, camille):
    from tests.catalog.factories import make_commons

    make_commons(user=camille, title="Cargo libre")
    client.force_login(camille)
    assert "Cargo libre" in client.get(reverse("accounts:profile")).content.decode()


def test_profiles_list_my_micro_challenges_and_my_feedback(client, camille, settings):
    from fabrique.community import experiments, services
    from fabrique.community.models import BetaVersion, Challenge
    from tests.catalog.factories import make_commons
    from tests.community.factories import make_challenge

    settings.LANGUAGE_CODE = "en"
    taking_part = make_challenge(state="formed", title="Dix vélos cargo en prêt")
    services.join_challenge(taking_part, user=camille, role="field_actor")
    hidden = make_challenge(title="Défi masqué")
    services.join_challenge(hidden, user=camille, role="field_actor")
    Challenge.objects.filter(pk=hidden.pk).update(hidden=True)
    beta = BetaVersion.objects.create(
        challenge=taking_part, title="Réservation v0.2", commons=make_commons()
    )
    experiments.add_beta_feedback(
        beta, user=camille, body="Le cadenas se bloque sous la pluie.", rating=2
    )

    public = client.get(reverse("accounts:public_profile", args=["camille"]))
    body = public.content.decode()
    assert "Dix vélos cargo en prêt" in body
    assert "field actor" in body
    assert "Défi masqué" not in body
    assert "Réservation v0.2" in body
    assert "Le cadenas se bloque sous la pluie." in body
    assert "2/5" in body

    client.force_login(camille)
    own = client.get(reverse("accounts:profile")).content.decode()
    assert "My micro-challenges" in own
    assert "My feedback" in own
    assert "Réservation v0.2" in own


def test_a_profile_without_challenges_says_nothing_of_them(client, camille, settings):
    settings.LANGUAGE_CODE = "en"
    body = client.get(reverse("accounts:public_profile", args=["camille"])).content
    assert b"Micro-challenges" not in body
    assert b"Feedback given" not in body
