"""Moderation: reports, the queue, hide / restore / dismiss and the audit log."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from fabrique.accounts.models import User
from fabrique.catalog import services as catalog
from fabrique.core import moderation
from fabrique.core.models import AuditLog, Report
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Error messages are matched in their English source."""
    with translation.override("en"):
        yield


@pytest.fixture
def moderator():
    return make_user("moderator", role=User.Role.MODERATOR, display_name="Modé")


@pytest.fixture
def commons():
    return make_commons(title="Vélos partagés", summary="Un flux GBFS ouvert.")


def report_url(obj):
    return reverse("core:report", args=[obj._meta.label_lower, obj.pk])


def act_url(obj):
    return reverse("core:moderation_act", args=[obj._meta.label_lower, obj.pk])


def test_anyone_signed_in_reports_a_commons_with_a_reason(client, commons):
    reporter = make_user("reporter")
    client.force_login(reporter)
    response = client.post(
        report_url(commons), {"reason": "Publicité déguisée pour un produit."}
    )
    assert response.status_code == 302
    assert response["Location"] == commons.get_absolute_url()
    report = Report.objects.get()
    assert report.target == commons
    assert report.reporter == reporter
    assert report.status == Report.Status.OPEN


def test_reporting_needs_an_account(client, commons):
    response = client.get(report_url(commons))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_report_without_a_reason_is_refused_and_says_so(client, commons, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(make_user())
    response = client.post(report_url(commons), {"reason": "  "})
    assert response.status_code == 200
    assert not Report.objects.exists()
    assert "This field is required" in response.content.decode()


def test_the_same_person_cannot_pile_up_open_reports_on_one_object(commons):
    reporter = make_user()
    moderation.report(commons, reporter=reporter, reason="Spam évident.")
    with pytest.raises(moderation.ModerationError, match="already reported"):
        moderation.report(commons, reporter=reporter, reason="Encore du spam.")


def test_actors_discussions_and_messages_can_be_reported(commons):
    author = make_user()
    actor = make_actor(name="Société X")
    discussion = catalog.start_discussion(
        commons, user=author, title="Hors sujet", body="Achetez mes vélos !"
    )
    message = discussion.messages.get()
    reporter = make_user()
    for target in (actor, discussion, message):
        moderation.report(target, reporter=reporter, reason="Hors charte.")
    assert Report.objects.count() == 3


def test_an_unknown_kind_of_object_cannot_be_reported(client):
    client.force_login(make_user())
    response = client.get(reverse("core:report", args=["accounts.user", 1]))
    assert response.status_code == 404
    with pytest.raises(moderation.ModerationError):
        moderation.report(make_user(), reporter=make_user(), reason="Pas bien.")


def test_the_queue_is_for_moderators_only(client, moderator):
    url = reverse("core:moderation")
    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    assert client.get(reverse("core:audit_log")).status_code == 403
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    assert client.get(reverse("core:audit_log")).status_code == 200


def test_the_queue_shows_reported_content_with_its_reports(client, moderator, commons):
    moderation.report(commons, reporter=make_user("alix"), reason="Doublon exact.")
    moderation.report(commons, reporter=make_user("sam"), reason="Publicité.")
    client.force_login(moderator)
    body = client.get(reverse("core:moderation")).content.decode()
    assert "Vélos partagés" in body
    assert "Doublon exact." in body
    assert "Publicité." in body
    assert act_url(commons) in body


def test_hiding_removes_content_from_the_public_and_is_audited(
    client, moderator, commons
):
    moderation.report(commons, reporter=make_user(), reason="Publicité.")
    assert client.get(commons.get_absolute_url()).status_code == 200
    client.force_login(moderator)
    response = client.post(
        act_url(commons), {"action": "hide", "reason": "Publicité, charte §3."}
    )
    assert response.status_code == 302
    commons.refresh_from_db()
    assert commons.hidden
    assert Report.objects.get().status == Report.Status.HIDDEN
    entry = AuditLog.objects.get()
    assert (entry.target, entry.moderator, entry.action) == (commons, moderator, "hide")
    assert entry.reason == "Publicité, charte §3."
    client.logout()
    assert client.get(commons.get_absolute_url()).status_code == 404
    assert (
        "Vélos partagés"
        not in client.get(reverse("catalog:commons_list")).content.decode()
    )


def test_a_hidden_message_is_not_shown_in_its_discussion(client, moderator, commons):
    author = make_user()
    discussion = catalog.start_discussion(
        commons, user=author, title="Freins", body="Message correct"
    )
    bad = catalog.post_message(discussion, user=author, body="Message injurieux")
    moderation.hide(bad, moderator=moderator, reason="Insulte, charte §1.")
    url = reverse("catalog:discussion", args=[commons.slug, discussion.pk])
    body = client.get(url).content.decode()
    assert "Message correct" in body
    assert "Message injurieux" not in body


def test_restoring_shows_the_content_again_and_is_audited(client, moderator, commons):
    moderation.report(commons, reporter=make_user(), reason="Publicité.")
    moderation.hide(commons, moderator=moderator, reason="Publicité.")
    client.force_login(moderator)
    body = client.get(reverse("core:moderation")).content.decode()
    assert "Vélos partagés" in body  # in the hidden content list
    client.post(
        act_url(commons), {"action": "restore", "reason": "Erreur, c'est un commun."}
    )
    commons.refresh_from_db()
    assert not commons.hidden
    assert Report.objects.get().status == Report.Status.RESTORED
    assert list(AuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "hide",
        "restore",
    ]


def test_dismissing_closes_the_reports_and_keeps_the_content(moderator, commons):
    moderation.report(commons, reporter=make_user(), reason="Je n'aime pas.")
    moderation.dismiss(
        commons, moderator=moderator, reason="Pas contraire à la charte."
    )
    commons.refresh_from_db()
    assert not commons.hidden
    assert Report.objects.get().status == Report.Status.DISMISSED
    assert AuditLog.objects.get().action == "dismiss"
    with pytest.raises(moderation.ModerationError, match="no open report"):
        moderation.dismiss(commons, moderator=moderator, reason="Encore.")


def test_every_moderator_action_needs_a_reason(moderator, commons):
    with pytest.raises(moderation.ModerationError, match="reason"):
        moderation.hide(commons, moderator=moderator, reason="")
    commons.refresh_from_db()
    assert not commons.hidden
    assert not AuditLog.objects.exists()


def test_members_cannot_hide_even_by_posting_the_form(client, commons):
    member = make_user()
    client.force_login(member)
    response = client.post(act_url(commons), {"action": "hide", "reason": "Moi."})
    assert response.status_code == 403
    commons.refresh_from_db()
    assert not commons.hidden
    with pytest.raises(moderation.ModerationError):
        moderation.hide(commons, moderator=member, reason="Je veux.")


def test_the_audit_log_lists_actions_with_moderator_and_reason(
    client, moderator, commons
):
    moderation.hide(commons, moderator=moderator, reason="Publicité, charte §3.")
    client.force_login(moderator)
    body = client.get(reverse("core:audit_log")).content.decode()
    assert "Modé" in body
    assert "Publicité, charte §3." in body
    assert "Vélos partagés" in body


def test_reports_are_rate_limited(client, commons, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_REPORT = "1/3600"
    cache.clear()
    client.force_login(make_user())
    client.post(report_url(commons), {"reason": "Premier signalement."})
    response = client.post(report_url(make_actor()), {"reason": "Second signalement."})
    assert response.status_code == 429
    cache.clear()


def test_the_report_link_is_offered_to_signed_in_people(rf, commons):
    from django.template import Context, Template

    request = rf.get("/communs/x/")
    request.user = make_user()
    html = Template(
        '{% include "moderation/_report_link.html" with object=c %}'
    ).render(Context({"c": commons, "user": request.user, "request": request}))
    assert report_url(commons) in html


def test_the_queue_quotes_a_reported_message_and_links_to_its_discussion(
    client, moderator, commons
):
    author = make_user()
    discussion = catalog.start_discussion(
        commons, user=author, title="Freins", body="Appelez-moi au 06 00 00 00 00"
    )
    message = discussion.messages.get()
    moderation.report(message, reporter=make_user(), reason="Données personnelles.")
    client.force_login(moderator)
    body = client.get(reverse("core:moderation")).content.decode()
    assert "Appelez-moi au 06 00 00 00 00" in body
    assert reverse("catalog:discussion", args=[commons.slug, discussion.pk]) in body
    client.post(act_url(message), {"action": "hide", "reason": "Numéro de téléphone."})
    message.refresh_from_db()
    assert message.hidden


def test_audit_log_actions_read_as_words():
    alix = make_user("alix", display_name="Alix")
    assert moderation.describe_action("hide") == "hidden"
    assert moderation.describe_action("dismiss") == "reports dismissed"
    assert (
        moderation.describe_action("role:member->moderator")
        == "role changed from member to moderator"
    )
    assert (
        moderation.describe_action(f"member-added:{alix.pk}:admin")
        == "Alix added as administrator"
    )
    assert moderation.describe_action("member-removed:999999") == "deleted user removed"
    assert moderation.describe_action("something-new") == "something-new"


def test_role_changes_appear_in_the_audit_log(client, moderator, settings):
    from fabrique.accounts.services import set_role

    settings.LANGUAGE_CODE = "en"
    admin = make_user("admin", role=User.Role.ADMIN)
    set_role(make_user("alix"), User.Role.MODERATOR, by=admin, reason="Bénévole.")
    client.force_login(moderator)
    body = client.get(reverse("core:audit_log")).content.decode()
    assert "role changed from member to moderator" in body
    assert "Bénévole." in body


def test_moderation_and_report_forms_refuse_a_post_without_the_csrf_token(
    moderator, commons
):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(act_url(commons), {"action": "hide", "reason": "Spam."})
    assert response.status_code == 403
    response = client.post(report_url(commons), {"reason": "Publicité."})
    assert response.status_code == 403
    commons.refresh_from_db()
    assert not commons.hidden
    assert not Report.objects.exists()


def test_the_commons_page_counts_only_visible_messages_newest_discussion_first(
    client, moderator, commons
):
    author = make_user()
    older = catalog.start_discussion(commons, user=author, title="Freins", body="Un")
    catalog.post_message(older, user=author, body="Deux")
    bad = catalog.post_message(older, user=author, body="Injurieux")
    moderation.hide(bad, moderator=moderator, reason="Insulte, charte §1.")
    newer = catalog.start_discussion(commons, user=author, title="Selle", body="Un")
    hidden = catalog.start_discussion(commons, user=author, title="Pub", body="Achetez")
    moderation.hide(hidden, moderator=moderator, reason="Publicité.")
    type(newer).objects.filter(pk=older.pk).update(updated=older.created)
    with translation.override("en"):
        page = client.get(commons.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    section = page.content.decode().split('id="discussions"')[1].split("</section>")[0]
    assert "Pub" not in section
    assert section.index("Selle") < section.index("Freins")
    assert re.search(r"Selle</a>\s*<span class=\"muted\">1 message ", section)
    assert re.search(r"Freins</a>\s*<span class=\"muted\">2 messages ", section)
