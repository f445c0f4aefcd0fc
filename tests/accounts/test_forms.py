"""Account forms: the skills normaliser and the settings forms' checks."""

from __future__ import annotations

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from fabrique.accounts.forms import MAX_SKILL_CHARS, MAX_SKILLS, SkillsField
from fabrique.core.markdown import MAX_MARKDOWN_CHARS


def clean(text):
    return SkillsField(required=False).clean(text)


def test_skills_are_split_on_commas_trimmed_and_deduplicated():
    assert clean(" GTFS,gbfs ,  vélo   cargo,, GTFS ,Gtfs") == [
        "GTFS",
        "gbfs",
        "vélo cargo",
    ]


def test_no_skills_is_an_empty_list():
    assert clean("") == []
    assert clean(" , ,") == []


def test_too_many_skills_are_refused_with_the_count():
    with pytest.raises(forms.ValidationError, match=str(MAX_SKILLS + 1)):
        clean(",".join(f"skill {n}" for n in range(MAX_SKILLS + 1)))


def test_an_overlong_skill_is_refused():
    with pytest.raises(forms.ValidationError):
        clean("x" * (MAX_SKILL_CHARS + 1))


def test_a_list_is_shown_back_as_comma_separated_text():
    assert SkillsField().prepare_value(["GTFS", "vélo"]) == "GTFS, vélo"


@given(st.text(alphabet=st.sampled_from(list("ab É,\t\n ")), max_size=60))
def test_normalised_skills_are_clean_and_unique(text):
    try:
        skills = clean(text)
    except forms.ValidationError:
        return
    lowered = [s.lower() for s in skills]
    assert len(set(lowered)) == len(lowered)
    for skill in skills:
        assert skill
        assert skill == skill.strip()
        assert "," not in skill
        assert "  " not in skill
        assert "\t" not in skill
        assert "\n" not in skill
    # Normalising twice changes nothing.
    assert clean(", ".join(skills)) == skills


@pytest.mark.django_db
def test_an_overlong_biography_is_refused_with_the_limit(settings):
    from fabrique.accounts.forms import PublicProfileForm
    from tests.catalog.factories import make_user

    settings.LANGUAGE_CODE = "en"
    form = PublicProfileForm(
        {"bio": "a" * (MAX_MARKDOWN_CHARS + 1)}, instance=make_user()
    )
    assert not form.is_valid()
    assert f"{MAX_MARKDOWN_CHARS}" in str(form.errors["bio"])
