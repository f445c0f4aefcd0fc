from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.geocoder.errors import GeocoderError
from fabrique.geocoder.normalize import tokenize_words
from fabrique.geocoder.query import (
    MAX_QUERY_LENGTH,
    MAX_WORDS,
    _tokens,
    check_code,
    check_limit,
    check_point,
    check_type,
    parse_query,
)


def test_leading_number_and_suffix_become_the_house_number():
    query = parse_query("12 bis, av. du Général Leclerc 75014")
    assert query.housenumber == "12b"
    assert query.words == ("avenue", "du", "general", "leclerc", "75014")


def test_glued_suffix_is_read_too():
    assert parse_query("3ter rue du touat").housenumber == "3t"


def test_number_written_in_words_is_not_a_house_number():
    query = parse_query("quatre septembre")
    assert query.housenumber == ""
    assert query.words == ("4", "septembre")


def test_a_lone_number_stays_a_word():
    query = parse_query("75014")
    assert (query.housenumber, query.words) == ("", ("75014",))


@pytest.mark.parametrize("text", ["", "   ", "!!!", "\x00\x01\x02", "--'--"])
def test_query_without_letters_or_digits_is_refused(text):
    with pytest.raises(GeocoderError, match="empty"):
        parse_query(text)


def test_a_10_kb_query_is_refused_with_its_length():
    with pytest.raises(GeocoderError, match="10240 characters long"):
        parse_query("a" * 10240)


def test_a_query_that_is_not_text_is_refused():
    with pytest.raises(GeocoderError, match="must be text"):
        parse_query(b"rue")


def test_control_characters_are_ignored():
    assert parse_query("rue\x00de\trivoli\x1b").words == ("rue", "de", "rivoli")


@given(st.text(max_size=MAX_QUERY_LENGTH))
def test_any_text_parses_or_raises_a_geocoder_error(text):
    try:
        query = parse_query(text)
    except GeocoderError:
        return
    assert query.words or query.housenumber
    assert len(query.words) <= MAX_WORDS
    assert all(word.isalnum() for word in query.words)


@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["", "bis", "ter", "b"]),
    st.lists(
        st.sampled_from(["rue", "de", "la", "paix", "rivoli"]), min_size=1, max_size=8
    ),
)
def test_number_then_words_always_gives_the_house_number(number, suffix, words):
    query = parse_query(" ".join([f"{number}", suffix, *words]))
    assert query.housenumber.startswith(str(number))
    assert query.words == tuple(words)


def test_filters_are_checked():
    assert check_type("street") == "street"
    assert check_type("") is None
    with pytest.raises(GeocoderError, match="not one of housenumber"):
        check_type("planet")
    assert check_code("citycode", "2a004") == "2A004"
    with pytest.raises(GeocoderError, match="postcode"):
        check_code("postcode", "75 001; DROP")
    with pytest.raises(GeocoderError, match="between 1 and 100"):
        check_limit(0)
    with pytest.raises(GeocoderError, match="integer"):
        check_limit("5")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (91.0, 2.0, "lat 91.0 is not between"),
        (48.0, -181.0, "lon -181.0"),
        (float("nan"), 2.0, "lat nan"),
        (48.0, None, "together"),
        ("48", 2.0, "must be a number"),
    ],
)
def test_out_of_range_points_are_refused(lat, lon, message):
    with pytest.raises(GeocoderError, match=message):
        check_point(lat, lon)


def test_number_with_a_digit_suffix_stays_a_word_too():
    # Paris names some paths "8P2 Rue …": search decides if it is a number.
    query = parse_query("8P2 Rue Saint-Etienne du Mont")
    assert query.housenumber == "8p2"
    assert query.words[:2] == ("8p2", "rue")


def test_a_last_word_read_as_an_abbreviation_is_kept_as_typed():
    query = parse_query("85 Rue des Boul")
    assert query.words == ("rue", "des", "boulevard")
    assert query.typed_last == "boul"
    assert parse_query("85 rue des bouleaux").typed_last == ""
    # Only the last word: the one that may be still being typed.
    assert parse_query("12 bd voltaire").typed_last == ""


# Folded words as a query has them, with the articles, abbreviations,
# ordinals and number words the normalisation rewrites.
REWRITTEN = ["l", "d", "bis", "st", "r", "rpt", "1er", "premier", "onze", "11e",
             "b", "de", "la", "12", "0", "gal"]  # fmt: skip
folded_words = st.lists(
    st.one_of(
        st.sampled_from(REWRITTEN),
        st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6),
    ),
    max_size=8,
)


@given(number=st.from_regex(r"\A[0-9]{1,6}\Z"), words=folded_words)
def test_the_tokens_after_a_house_number_are_those_of_the_whole_query(number, words):
    typed = [number, *words]
    assert _tokens(typed) == tokenize_words(typed)
    assert _tokens(words) == tokenize_words(words)
