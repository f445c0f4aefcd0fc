import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fabrique.community.questions import (
    is_question,
    normalise_question,
    validate_question,
)

words = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=20)
spaces = st.sampled_from(["", " ", "\u00a0", "\u202f", "  "])


@pytest.mark.parametrize(
    "title",
    [
        "Comment partager plus de vélos ?",
        "Comment partager plus de vélos\u00a0?",
        "Comment partager plus de vélos\u202f?",
        "How can we share more bikes?",
        "  Où garer les vélos cargo ?  \n",
        "Pourquoi ?",
    ],
)
def test_questions_are_accepted(title):
    validate_question(title)


@pytest.mark.parametrize(
    "title",
    [
        "Partager plus de vélos",
        "Partager plus de vélos.",
        "?",
        " ? ",
        "Comment ? partager",
        "",
        "???",
    ],
)
def test_titles_that_are_not_questions_are_refused_with_a_clear_message(title):
    with pytest.raises(ValidationError) as caught:
        validate_question(title)
    assert "question" in caught.value.messages[0]


@given(body=st.lists(words, min_size=1, max_size=6), space=spaces)
def test_words_followed_by_a_question_mark_are_a_question(body, space):
    assert is_question(" ".join(body) + space + "?")


@given(text=st.text(max_size=60))
def test_a_title_not_ending_with_a_question_mark_is_never_a_question(text):
    if not text.strip().endswith(("?", "\uff1f")):
        assert not is_question(text)


@given(body=st.lists(words, min_size=1, max_size=6), space=spaces)
def test_normalising_keeps_a_question_a_question_and_is_idempotent(body, space):
    once = normalise_question("  " + " ".join(body) + space + "? ")
    assert is_question(once)
    assert normalise_question(once) == once
    assert once.endswith("?")
    assert not once.endswith(" ?")


def test_a_space_before_the_mark_becomes_a_narrow_no_break_space():
    assert normalise_question("Comment  faire ?") == "Comment faire\u202f?"
