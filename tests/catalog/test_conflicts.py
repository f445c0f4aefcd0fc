from hypothesis import given
from hypothesis import strategies as st

from fabrique.catalog.conflicts import merge_value

texts = st.text(max_size=20)


@given(texts, texts)
def test_a_field_only_the_other_person_changed_keeps_their_value(base, theirs):
    state, value = merge_value(base, base, theirs)
    assert value == theirs
    assert state == ("same" if theirs == base else "theirs")


@given(texts, texts)
def test_a_field_only_you_changed_keeps_your_value(base, mine):
    state, value = merge_value(base, mine, base)
    assert value == mine
    assert state in {"same", "yours"}


@given(texts, texts, texts)
def test_nothing_anyone_changed_is_dropped_silently(base, mine, theirs):
    state, value = merge_value(base, mine, theirs)
    if state == "both":
        # Both changed differently: yours is proposed and the row is flagged.
        assert mine != base
        assert theirs != base
        assert mine != theirs
        assert value == mine
    else:
        assert value in (mine, theirs)
        if mine != base:
            assert value == mine
        if theirs != base:
            assert value == theirs
