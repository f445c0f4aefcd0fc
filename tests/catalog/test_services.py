import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import translation

from fabrique.catalog import services
from fabrique.catalog.models import Commons, CommunityMembership, Need
from fabrique.core.activity import for_object
from fabrique.core.follows import is_following
from fabrique.core.revisions import EditConflict, revisions_of

from .factories import commons_data, make_actor, make_commons, make_theme, make_user

pytestmark = pytest.mark.django_db
Status = CommunityMembership.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_creating_a_commons_makes_the_creator_its_active_holder():
    user = make_user()
    theme = make_theme()
    commons = make_commons(user, themes=[theme])
    assert commons.revision == 1
    assert list(commons.themes.all()) == [theme]
    holder = commons.memberships.get()
    assert (holder.user, holder.role, holder.status) == (user, "holder", "active")
    assert services.is_holder(user, commons)
    assert [a.verb for a in for_object(commons)] == ["created"]


def test_slugs_are_unique_and_avoid_reserved_words():
    first = make_commons(title="Nouveau")
    second = make_commons(title="Nouveau")
    assert first.slug == "nouveau-2"
    assert second.slug == "nouveau-3"


def test_anonymous_users_cannot_create_or_edit():
    with pytest.raises(PermissionDenied):
        services.create_commons(user=AnonymousUser(), data=commons_data())
    commons = make_commons()
    with pytest.raises(PermissionDenied):
        services.update_commons(
            commons, user=AnonymousUser(), data={"summary": "x"}, base_revision=1
        )


def test_hidden_commons_cannot_be_edited():
    commons = make_commons()
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    commons.refresh_from_db()
    with pytest.raises(PermissionDenied, match="hidden"):
        services.update_commons(
            commons, user=make_user(), data={"summary": "x"}, base_revision=1
        )


def test_unknown_fields_are_refused_by_name():
    with pytest.raises(services.CatalogError, match="hidden, revision"):
        services.create_commons(
            user=make_user(), data=commons_data(hidden=False, revision=9)
        )


def test_an_edit_from_a_stale_revision_raises_a_conflict_and_writes_nothing():
    commons = make_commons()
    alice, bob = make_user(), make_user()
    services.update_commons(
        Commons.objects.get(pk=commons.pk),
        user=alice,
        data={"summary": "Alice"},
        base_revision=1,
    )
    with pytest.raises(EditConflict) as conflict:
        services.update_commons(
            Commons.objects.get(pk=commons.pk),
            user=bob,
            data={"summary": "Bob"},
            base_revision=1,
        )
    assert conflict.value.current == 2
    assert Commons.objects.get(pk=commons.pk).summary == "Alice"


def test_revert_restores_old_content_as_a_new_revision_keeping_the_slug():
    theme = make_theme()
    commons = make_commons(themes=[theme])
    user = make_user()
    services.update_commons(
        commons,
        user=user,
        data={"title": "Autre titre", "summary": "changé"},
        themes=[],
        base_revision=1,
    )
    change = services.revert(commons, user=user, number=1)
    commons.refresh_from_db()
    assert change.revision.number == 3
    assert change.revision.reverted_from == 1
    assert commons.title == "Vélos partagés de Lyon"
    assert list(commons.themes.all()) == [theme]
    assert commons.slug == "velos-partages-de-lyon"
    assert [r.number for r in revisions_of(commons)] == [3, 2, 1]
    assert for_object(commons).first().verb == "reverted"


def test_reverting_to_a_missing_revision_names_it():
    commons = make_commons()
    with pytest.raises(services.CatalogError, match="no revision 7"):
        services.revert(commons, user=make_user(), number=7)


def test_membership_goes_from_requested_to_active_to_left():
    holder = make_user()
    commons = make_commons(holder)
    newcomer = make_user()
    membership = services.request_membership(
        commons, user=newcomer, role="contributor", message="Je code."
    )
    assert membership.status == Status.REQUESTED
    services.approve_membership(membership, by=holder)
    assert membership.status == Status.ACTIVE
    services.leave_membership(membership, user=newcomer)
    assert membership.status == Status.LEFT
    verbs = [a.verb for a in for_object(commons)]
    assert verbs[:3] == [
        "membership_left",
        "membership_approved",
        "membership_requested",
    ]


def test_only_holders_can_approve_or_decline():
    commons = make_commons()
    outsider = make_user()
    membership = services.request_membership(commons, user=make_user(), role="user")
    with pytest.raises(PermissionDenied):
        services.approve_membership(membership, by=outsider)
    with pytest.raises(PermissionDenied):
        services.decline_membership(membership, by=AnonymousUser())


def test_a_declined_request_cannot_then_be_approved():
    holder = make_user()
    commons = make_commons(holder)
    membership = services.request_membership(commons, user=make_user(), role="funder")
    services.decline_membership(membership, by=holder)
    with pytest.raises(services.MembershipError, match="declined"):
        services.approve_membership(membership, by=holder)


def test_a_second_request_for_the_same_role_is_refused():
    commons = make_commons()
    user = make_user()
    services.request_membership(commons, user=user, role="user")
    with pytest.raises(services.MembershipError, match="Already requested"):
        services.request_membership(commons, user=user, role="user")


def test_the_last_holder_cannot_leave():
    holder = make_user()
    commons = make_commons(holder)
    with pytest.raises(services.MembershipError, match="last holder"):
        services.leave_membership(commons.memberships.get(), user=holder)


def test_one_cannot_leave_for_someone_else():
    commons = make_commons()
    membership = services.request_membership(commons, user=make_user(), role="user")
    with pytest.raises(PermissionDenied):
        services.leave_membership(membership, user=make_user())


def test_joining_for_an_actor_needs_to_belong_to_it():
    commons = make_commons()
    actor = make_actor()
    with pytest.raises(PermissionDenied):
        services.request_membership(
            commons, user=make_user(), role="funder", actor=actor
        )
    admin = actor.members.get().user
    membership = services.request_membership(
        commons, user=admin, role="funder", actor=actor
    )
    assert membership.member_name == "Atelier Mobile"


def test_needs_are_added_and_closed_by_their_author_or_holders():
    holder = make_user()
    commons = make_commons(holder)
    author = make_user()
    need = services.add_need(
        commons, user=author, title="Des testeurs à Lyon", help_kind="testers"
    )
    assert need.status == Need.Status.OPEN
    with pytest.raises(PermissionDenied):
        services.close_need(need, user=make_user())
    services.close_need(need, user=holder)
    assert Need.objects.get(pk=need.pk).status == Need.Status.CLOSED


def test_a_need_with_an_unknown_kind_of_help_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="help_kind"):
        services.add_need(make_commons(), user=make_user(), title="x", help_kind="love")


def test_discussions_record_activity_and_refuse_empty_messages():
    from fabrique.core.discussions import DiscussionError

    commons = make_commons()
    user = make_user()
    discussion = services.start_discussion(
        commons, user=user, title="Format des données", body="Quel schéma ?"
    )
    services.post_message(discussion, user=make_user(), body="GBFS 2.3")
    assert discussion.messages.count() == 2
    with pytest.raises(DiscussionError, match="empty"):
        services.post_message(discussion, user=user, body="   ")
    assert [a.verb for a in for_object(commons)][:2] == [
        "message_posted",
        "discussion_started",
    ]


def test_follow_and_unfollow_are_idempotent():
    commons = make_commons()
    user = make_user()
    assert services.follow(commons, user=user) is True
    assert services.follow(commons, user=user) is False
    assert is_following(user, commons)
    assert services.unfollow(commons, user=user) is True
    assert services.unfollow(commons, user=user) is False
    with pytest.raises(PermissionDenied):
        services.follow(commons, user=AnonymousUser())


def test_actor_edits_are_revisioned_and_conflicts_detected():
    actor = make_actor()
    user = make_user()
    services.update_actor(actor, user=user, data={"summary": "v2"}, base_revision=1)
    stale = type(actor).objects.get(pk=actor.pk)
    with pytest.raises(EditConflict):
        services.update_actor(stale, user=user, data={"summary": "v3"}, base_revision=1)
    assert [r.number for r in revisions_of(actor)] == [2, 1]


def test_places_are_checked_for_coordinates():
    from django.core.exceptions import ValidationError

    actor = make_actor()
    user = make_user()
    place = services.add_place(actor, user=user, name="Atelier", lat=45.76, lon=4.83)
    assert actor.places.get() == place
    with pytest.raises(ValidationError, match="lat"):
        services.add_place(actor, user=user, name="Nulle part", lat=123, lon=0)


def test_an_overlong_markdown_description_is_refused_naming_the_field():
    from django.core.exceptions import ValidationError

    from fabrique.core.markdown import MAX_MARKDOWN_CHARS

    commons = make_commons()
    with pytest.raises(ValidationError) as error:
        services.update_commons(
            commons,
            user=make_user(),
            data={"pillar_governance": "[" * (MAX_MARKDOWN_CHARS + 1)},
            base_revision=1,
        )
    assert "pillar_governance" in error.value.message_dict
    assert Commons.objects.get(pk=commons.pk).revision == 1


def test_too_many_tags_are_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="At most 30"):
        make_commons(tags=[f"tag{i}" for i in range(31)])


def test_actors_hidden_by_moderation_leave_the_community_lists():
    holder = make_user()
    commons = make_commons(holder)
    actor = make_actor()
    membership = services.request_membership(
        commons, user=actor.members.get().user, role="funder", actor=actor
    )
    services.approve_membership(membership, by=holder)
    assert services.community_by_role(commons)["funder"] == [membership]
    type(actor).objects.filter(pk=actor.pk).update(hidden=True)
    assert services.community_by_role(commons)["funder"] == []
