import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fabrique.community import services
from fabrique.community.models import Participation
from fabrique.core import activity
from tests.catalog.factories import make_user
from tests.community.factories import (
    challenge_data,
    facilitator_of,
    make_challenge,
    make_need,
)

pytestmark = pytest.mark.django_db


def test_the_creator_of_a_domain_is_its_facilitator():
    user = make_user()
    domain = services.create_domain(user=user, name="Vélo partagé")
    assert services.is_facilitator(user, domain)
    assert not services.is_facilitator(make_user(), domain)


def test_a_need_that_is_not_a_question_is_refused():
    with pytest.raises(ValidationError) as caught:
        make_need(title="Partager plus de vélos")
    assert "title" in caught.value.message_dict


def test_the_author_of_a_need_carries_it_and_others_may_join_them():
    need = make_need()
    assert need.carriers.get().user == need.created_by
    assert need.domain.members.filter(user=need.created_by).exists()
    other = make_user()
    services.carry_need(need, user=other)
    services.carry_need(need, user=other)
    assert need.carriers.count() == 2


def test_only_a_facilitator_may_split_a_need():
    need = make_need()
    with pytest.raises(PermissionDenied):
        services.add_subdomain(need, user=make_user(), title="Cargo")
    with pytest.raises(PermissionDenied):
        services.create_challenge(need, user=need.created_by, data=challenge_data())
    subdomain = services.add_subdomain(need, user=facilitator_of(need), title="Cargo")
    challenge = services.create_challenge(
        need, user=facilitator_of(need), data=challenge_data(), subdomain=subdomain
    )
    assert challenge.state == "proposed"
    assert challenge.cap == 18


def test_a_challenge_cap_outside_15_to_20_is_refused():
    need = make_need()
    for cap in (14, 21):
        with pytest.raises(ValidationError) as caught:
            services.create_challenge(
                need, user=facilitator_of(need), data=challenge_data(cap=cap)
            )
        assert "cap" in caught.value.message_dict


def test_the_default_cap_follows_the_instance_setting(settings):
    settings.FABRIQUE_CHALLENGE_CAP = 15
    assert make_challenge().cap == 15


def test_a_place_needs_both_coordinates():
    need = make_need()
    with pytest.raises(ValidationError):
        services.create_challenge(
            need, user=facilitator_of(need), data=challenge_data(lon=None)
        )


def test_past_the_cap_people_wait_and_the_first_waiting_is_promoted_on_leave():
    challenge = make_challenge(cap=15)
    people = [make_user() for _ in range(17)]
    rows = [services.join_challenge(challenge, user=p) for p in people]
    assert [r.status for r in rows[:15]] == ["active"] * 15
    assert [r.status for r in rows[15:]] == ["waiting", "waiting"]
    promoted = services.leave_challenge(rows[3], user=people[3])
    assert promoted.pk == rows[15].pk
    assert Participation.objects.get(pk=rows[15].pk).status == "active"
    assert Participation.objects.get(pk=rows[16].pk).status == "waiting"
    assert services.seats_taken(challenge) == 15
    verbs = [a.verb for a in activity.for_object(challenge)]
    assert "challenge_promoted" in verbs
    assert "challenge_waiting" in verbs


def test_leaving_the_waiting_list_promotes_nobody():
    challenge = make_challenge(cap=15)
    people = [make_user() for _ in range(16)]
    rows = [services.join_challenge(challenge, user=p) for p in people]
    assert services.leave_challenge(rows[15], user=people[15]) is None
    assert services.seats_taken(challenge) == 15


def test_joining_twice_is_refused_but_coming_back_after_leaving_is_not():
    challenge = make_challenge()
    user = make_user()
    row = services.join_challenge(challenge, user=user, role="producer")
    with pytest.raises(services.CommunityError, match="already"):
        services.join_challenge(challenge, user=user)
    services.leave_challenge(row, user=user)
    with pytest.raises(services.CommunityError, match="already left"):
        services.leave_challenge(row, user=user)
    again = services.join_challenge(challenge, user=user)
    assert again.status == "active"


def test_nobody_joins_a_proposed_or_closed_challenge():
    for state in ("proposed", "delivered", "closed"):
        challenge = make_challenge(state=state)
        with pytest.raises(services.CommunityError, match="nobody may join"):
            services.join_challenge(challenge, user=make_user())


def test_one_may_not_leave_for_someone_else():
    challenge = make_challenge()
    row = services.join_challenge(challenge, user=make_user())
    with pytest.raises(PermissionDenied):
        services.leave_challenge(row, user=make_user())


def test_an_unknown_role_is_refused():
    with pytest.raises(services.CommunityError, match="Unknown role"):
        services.join_challenge(make_challenge(), user=make_user(), role="boss")
