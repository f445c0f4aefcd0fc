from hypothesis import given
from hypothesis import strategies as st

from fabrique.core.diff import as_text, diff_contents, tokenize, word_diff


def test_an_added_word_is_wrapped_in_ins_on_the_new_side_only():
    old, new = word_diff("a shared bike", "a shared cargo bike")
    assert old == "a shared bike"
    assert new == "a shared <ins>cargo </ins>bike"


def test_punctuation_is_its_own_token_so_a_comma_does_not_hide_a_word():
    _, new = word_diff("la Métropole, au format", "la Métropole de Lyon, au format")
    assert new == "la Métropole<ins> de Lyon</ins>, au format"


def test_neighbouring_changes_read_as_one_phrase():
    old, new = word_diff("un flux officiel validé chaque nuit", "un flux temps réel")
    assert old == "un flux <del>officiel validé chaque nuit</del>"
    assert new == "un flux <ins>temps réel</ins>"


def test_a_replaced_word_is_deleted_on_the_left_and_inserted_on_the_right():
    old, new = word_diff("vélo rouge", "vélo vert")
    assert old == "vélo <del>rouge</del>"
    assert new == "vélo <ins>vert</ins>"


def test_hostile_text_is_escaped_on_both_sides():
    old, new = word_diff("<b>x</b>", '<script>alert("x")</script> y')
    assert "<script" not in new
    assert "<b>" not in old
    assert "&lt;" in new
    assert "&lt;" in old


def test_lists_and_booleans_are_shown_as_text():
    assert as_text(["vélo", "gbfs"]) == "vélo, gbfs"
    assert as_text(None) == ""
    assert as_text(True) == "✓"


def test_contents_are_diffed_field_by_field_in_the_given_order():
    diffs = diff_contents(
        {"title": "A", "tags": ["x"]},
        {"title": "A", "tags": ["x", "y"]},
        labels={"title": "Title"},
        fields=["title", "tags"],
    )
    assert [(d.name, d.label, d.changed) for d in diffs] == [
        ("title", "Title", False),
        ("tags", "tags", True),
    ]


@given(st.text(), st.text())
def test_removing_the_markup_gives_back_both_texts(old, new):
    import html
    import re

    left, right = word_diff(old, new)
    strip = re.compile(r"</?(ins|del)>")
    assert html.unescape(strip.sub("", left)) == old
    assert html.unescape(strip.sub("", right)) == new


@given(st.text())
def test_tokens_join_back_to_the_text(text):
    assert "".join(tokenize(text)) == text
