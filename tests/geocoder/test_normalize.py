from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.geocoder.normalize import (
    _fold_unicode,
    edits1,
    fold,
    housenumber_key,
    split_housenumber,
    tokenize,
)


def test_accents_case_and_punctuation_are_folded():
    assert fold("Œuvre d'Élise, Saint-Étienne!") == "oeuvre d elise saint etienne"


@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("12 r de rivoli", "12 Rue de Rivoli"),
        ("av du gal leclerc", "Avenue du Général-Leclerc"),
        ("bd haussmann", "Boulevard Haussmann"),
        ("pl de la concorde", "Place de la Concorde"),
        ("fg st antoine", "Faubourg Saint-Antoine"),
        ("ste anne", "Sainte-Anne"),
        ("chem des vignes", "Chemin des Vignes"),
        ("imp des lilas", "Impasse des Lilas"),
        ("all des pins", "Allée des Pins"),
        ("rue du 4 septembre", "Rue du Quatre-Septembre"),
        ("place du 1er mai", "Place du Premier-Mai"),
        ("rue de l'eglise", "Rue de l'Église"),
    ],
)
def test_abbreviations_and_numbers_in_words_meet_the_full_form(typed, indexed):
    assert tokenize(typed) == tokenize(indexed)


@pytest.mark.parametrize(
    ("number", "suffix", "key"),
    [
        ("12", "bis", "12b"),
        ("12", "B", "12b"),
        ("3", "ter", "3t"),
        ("007", "", "7"),
        ("5", "quater", "5q"),
        ("9", "A", "9a"),
    ],
)
def test_house_number_suffixes_share_one_key(number, suffix, key):
    assert housenumber_key(number, suffix) == key


def test_house_numbers_split_from_their_suffix():
    assert split_housenumber("12bis") == ("12", "bis")
    assert split_housenumber("4b") == ("4", "b")
    assert split_housenumber("72u2") == ("72", "u2")
    assert split_housenumber("12avenue") is None
    assert split_housenumber("rivoli") is None
    assert split_housenumber("123456") is None


def test_one_edit_variants_cover_the_four_kinds_of_typo():
    variants = edits1("rivoli")
    assert "rivli" in variants
    assert "irvoli" in variants
    assert "rivolu" in variants
    assert "rivolli" in variants
    assert "rviol" not in variants  # two edits away


@given(st.text(max_size=200))
def test_tokens_are_lowercase_ascii_words(text):
    for token in tokenize(text):
        assert token
        assert token.isascii()
        assert token == token.lower()
        assert token.isalnum()


@given(st.text(max_size=200))
def test_normalising_twice_changes_nothing(text):
    once = tokenize(text)
    assert tokenize(" ".join(once)) == once


@given(st.text(max_size=100))
def test_folding_ignores_case(text):
    assert (
        fold(text.upper()) == fold(text.lower()) or "ß" in text or "ı" in text.lower()
    )


@given(st.text(st.characters(max_codepoint=127), max_size=100))
def test_ascii_text_is_folded_as_any_text(text):
    assert fold(text) == _fold_unicode(text)
