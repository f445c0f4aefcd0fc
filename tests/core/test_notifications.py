"""Notifications: who hears of what, the page, the API and e-mail digests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from fabrique.catalog import services as catalog
from fabrique.community import services as community
from fabrique.core import activity
from fabrique.notifications import digests, services
from fabrique.notifications.models import Notification, Preference
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_commons, make_user
from tests.community.factories import make_challenge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def notified(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user)
        .order_by("id")
        .values_list("activity__verb", flat=True)
    )


def test_a_follower_hears_of_an_edit_but_the_editor_does_not():
    holder, follower, editor = make_user(), make_user(), make_user()
    commons = make_commons(user=holder)
    catalog.follow(commons, user=follower)
    catalog.follow(commons, user=editor)
    activity.record(commons, user=editor, verb="edited", summary="new licence")
    assert notified(follower) == ["edited"]
    assert notified(editor) == []
    # The holder takes part in the commons' community: they hear of it too.
    assert "edited" in notified(holder)
    row = Notification.objects.get(user=follower)
    assert row.reason == "following"
    assert Notification.objects.get(user=holder, activity__verb="edited").reason == (
        "taking_part"
    )


def test_people_in_a_challenge_hear_of_a_newcomer_and_waiting_people_too():
    challenge = make_challenge()
    first, second = make_user(), make_user()
    community.join_challenge(challenge, user=first)
    community.join_challenge(challenge, user=second)
    assert notified(first) == ["challenge_joined"]
    assert notified(second) == []


def test_those_who_wrote_in_a_discussion_hear_of_replies():
    holder, asker, replier = make_user(), make_user(), make_user()
    commons = make_commons(user=holder)
    discussion = catalog.start_discussion(
        commons, user=asker, title="Licence ?", body="Which licence?"
    )
    catalog.post_message(discussion, user=replier, body="ODbL.")
    asker_rows = Notification.objects.filter(user=asker)
    assert [(r.activity.verb, r.reason) for r in asker_rows] == [
        ("message_posted", "discussion")
    ]
    assert notified(replier) == []


def test_nobody_hears_of_private_activity_nor_of_hidden_pages():
    holder, follower = make_user(), make_user()
    commons = make_commons(user=holder)
    catalog.follow(commons, user=follower)
    activity.record(commons, user=holder, verb="edited", public=False)
    commons.hidden = True
    commons.save(update_fields=["hidden"])
    activity.record(commons, user=holder, verb="edited")
    assert notified(follower) == []


def test_none_means_none_and_inactive_accounts_hear_nothing():
    holder, quiet, gone = make_user(), make_user(), make_user()
    commons = make_commons(user=holder)
    for person in (quiet, gone):
        catalog.follow(commons, user=person)
    services.set_frequency(quiet, "none")
    gone.is_active = False
    gone.save()
    activity.record(commons, user=holder, verb="edited")
    assert notified(quiet) == []
    assert notified(gone) == []


def test_an_unknown_frequency_is_refused_by_name():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="in_app"):
        services.set_frequency(make_user(), "hourly")


# Page ---------------------------------------------------------------------------


def _world():
    holder, follower = make_user(), make_user()
    commons = make_commons(user=holder, title="Bornes ouvertes")
    catalog.follow(commons, user=follower)
    activity.record(commons, user=holder, verb="edited", summary="new licence")
    activity.record(commons, user=holder, verb="image_added")
    return holder, follower, commons


def test_the_header_counts_unread_and_the_page_marks_them_read(client):
    _holder, follower, _commons = _world()
    client.force_login(follower)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Bornes ouvertes" in page
    assert '<span class="badge">2<span class="visually-hidden"> unread' in page
    one = Notification.objects.filter(user=follower).first()
    client.post(reverse("notifications:mark_read", args=[one.pk]))
    assert services.unread_count(follower) == 1
    client.post(reverse("notifications:mark_all_read"))
    assert services.unread_count(follower) == 0
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'visually-hidden"> unread' not in page


def test_nobody_marks_someone_elses_notification(client):
    _holder, follower, _commons = _world()
    row = Notification.objects.filter(user=follower).first()
    client.force_login(make_user())
    response = client.post(reverse("notifications:mark_read", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_the_page_saves_the_preference(client):
    person = make_user()
    client.force_login(person)
    client.post(reverse("notifications:preferences"), {"frequency": "weekly"})
    assert Preference.objects.get(user=person).frequency == "weekly"
    response = client.post(reverse("notifications:preferences"), {"frequency": "x"})
    assert response.status_code == 302
    assert Preference.objects.get(user=person).frequency == "weekly"


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# API ----------------------------------------------------------------------------


def test_the_api_lists_counts_and_marks_ones_own_notifications():
    _holder, follower, _commons = _world()
    api = ApiClient(token_for(follower))
    listed = api.get("/api/1/notifications/").json()
    assert listed["total"] == 2
    assert {row["verb"] for row in listed["data"]} == {"edited", "image_added"}
    assert listed["data"][0]["subject"] == "Bornes ouvertes"
    assert api.get("/api/1/notifications/unread/").json() == {"unread": 2}
    first = listed["data"][0]["id"]
    answer = api.post("/api/1/notifications/read/", {"ids": [first]}).json()
    assert answer == {"marked": 1, "unread": 1}
    assert api.get("/api/1/notifications/", unread="true").json()["total"] == 1
    put = api.send("PUT", "/api/1/notifications/preferences/", {"frequency": "daily"})
    assert put.json() == {"frequency": "daily"}
    bad = api.send("PUT", "/api/1/notifications/preferences/", {"frequency": "x"})
    assert bad.status_code == 422


def test_the_api_refuses_anonymous_callers_and_hides_others_rows():
    _holder, follower, _commons = _world()
    assert ApiClient().get("/api/1/notifications/").status_code == 401
    stranger = ApiClient(token_for(make_user()))
    assert stranger.get("/api/1/notifications/").json()["total"] == 0
    ids = list(Notification.objects.filter(user=follower).values_list("pk", flat=True))
    assert stranger.post("/api/1/notifications/read/", {"ids": ids}).json() == {
        "marked": 0,
        "unread": 0,
    }
    assert services.unread_count(follower) == 2


# Digests ------------------------------------------------------------------------


def _subscriber(frequency: str, email: str = "reader@example.org"):
    person = make_user(email=email)
    services.set_frequency(person, frequency)
    return person


def test_a_daily_digest_carries_the_unread_items_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    holder = make_user()
    daily = _subscriber("daily", "daily@example.org")
    in_app = _subscriber("in_app", "site@example.org")
    silent = _subscriber("none", "none@example.org")
    commons = make_commons(user=holder, title="Vélos partagés")
    for person in (daily, in_app, silent):
        catalog.follow(commons, user=person)
    activity.record(commons, user=holder, verb="edited", summary="nouvelle licence")
    activity.record(commons, user=holder, verb="image_added")
    read = Notification.objects.get(user=daily, activity__verb="image_added")
    services.mark_read(daily, [read.pk])

    now = timezone.now()
    assert digests.send_due(now) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["daily@example.org"]
    assert "Vélos partagés" in message.body
    assert "nouvelle licence" in message.body
    assert "added an image" not in message.body  # already read on the site
    # Nothing twice: later runs, even a day later, send nothing new.
    assert digests.send_due(now + timedelta(hours=1)) == 0
    assert digests.send_due(now + timedelta(days=2)) == 0
    assert len(mail.outbox) == 1
    # Something new, a day later: a second digest with only the new item.
    activity.record(commons, user=holder, verb="edited", summary="nouveau schéma")
    assert digests.send_due(now + timedelta(hours=2)) == 0  # not a day yet
    assert digests.send_due(now + timedelta(days=3)) == 1
    assert "nouveau schéma" in mail.outbox[1].body
    assert "nouvelle licence" not in mail.outbox[1].body
    assert all("site@example.org" not in m.to for m in mail.outbox)
    assert all("none@example.org" not in m.to for m in mail.outbox)


def test_a_weekly_digest_waits_a_week_and_accounts_without_email_get_none(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    holder = make_user()
    weekly = _subscriber("weekly", "weekly@example.org")
    no_address = _subscriber("daily", "")
    commons = make_commons(user=holder)
    for person in (weekly, no_address):
        catalog.follow(commons, user=person)
    activity.record(commons, user=holder, verb="edited")
    now = timezone.now()
    assert digests.send_due(now) == 1
    assert mail.outbox[0].to == ["weekly@example.org"]
    activity.record(commons, user=holder, verb="image_added")
    assert digests.send_due(now + timedelta(days=3)) == 0
    assert digests.send_due(now + timedelta(days=8)) == 1
    assert len(mail.outbox) == 2


def test_the_digest_task_sends_and_schedules_its_next_run(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django_tasks_db.models import DBTaskResult

    holder = make_user()
    daily = _subscriber("daily")
    commons = make_commons(user=holder)
    catalog.follow(commons, user=daily)
    activity.record(commons, user=holder, verb="edited")
    DBTaskResult.objects.all().delete()
    assert digests.send_due_digests.call() == 1
    waiting = DBTaskResult.objects.filter(
        task_path="fabrique.notifications.digests.send_due_digests", status="READY"
    )
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now() + timedelta(minutes=50)
    # Running again does not double the chain.
    digests.send_due_digests.call()
    assert waiting.count() == 1
