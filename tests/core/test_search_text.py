"""The search text functions: folding, tokens, stems and the query parser."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from fabrique.core.search.backends.postgresql import tsquery_sql
from fabrique.core.search.backends.sqlite import fts_expression
from fabrique.core.search.text import (
    MAX_QUERY_TERMS,
    Query,
    fold,
    parse_query,
    stemmed_text,
    stems,
    tokens,
)

HOSTILE = st.one_of(
    st.text(),
    st.text(
        alphabet=st.sampled_from(list("\"*()^:-+&|!<>'\\NEARANDORNOT \x00\x07\n\tvé"))
    ),
    st.sampled_from(
        [
            "NEAR(velo partage, 2)",
            '"velo" AND "partage"',
            "velo OR *",
            "a:* & !b | (c",
            "col:value",
            "^start",
            '"',
            "''",
            "\x00\x01\x02",
            "-",
            "*",
            "()",
        ]
    ),
)


def test_folding_removes_accents_and_case():
    assert fold("Vélo ÉLECTRIQUE Œuvre ﬁn") == "velo electrique œuvre fin"


def test_tokens_keep_only_letters_and_digits():
    assert tokens('Vélo-partage: "GTFS" (v2.1) l\'été_2024') == [
        "velo", "partage", "gtfs", "v2", "1", "l", "ete", "2024",
    ]  # fmt: skip


def test_french_stems_join_the_forms_of_a_verb():
    assert stems("partage")[0] == stems("partager")[0] == stems("partagée")[0]


def test_a_word_typed_without_its_accent_shares_a_stem_with_the_accented_one():
    assert set(stems("partagee")) & set(stems("partagée"))


def test_english_stem_is_added_when_it_differs():
    assert "velo" in stems("velos")


def test_stemmed_text_is_folded_stems():
    assert stemmed_text("Vélos PARTAGÉS") == " ".join(
        [*stems("vélos"), *stems("partagés")]
    )
    assert all(stem == fold(stem) for stem in stemmed_text("Vélos été").split())


def test_query_keeps_terms_in_order_without_duplicates():
    assert parse_query("Vélo partage VÉLO").terms == ("vélo", "partage")


def test_last_word_is_a_prefix_while_it_is_typed():
    assert parse_query("velo parta").prefix is True
    assert parse_query("velo parta ").prefix is False
    assert parse_query('velo "parta"').prefix is False


def test_operators_are_plain_words():
    query = parse_query('NEAR(vélo, 2) AND "partage" OR -x*')
    assert query.terms == ("near", "vélo", "2", "partage", "x")


def test_empty_and_non_text_queries_have_no_terms():
    assert not parse_query("")
    assert not parse_query("  ")
    assert not parse_query('"*()"')
    assert not parse_query(None)
    assert not parse_query(["velo"])


def test_long_queries_are_cut_to_a_bounded_number_of_terms():
    query = parse_query(" ".join(f"mot{n}" for n in range(100)))
    assert len(query.terms) == MAX_QUERY_TERMS


@given(HOSTILE)
def test_parsing_any_text_never_raises_and_yields_only_alphanumeric_terms(raw):
    query = parse_query(raw)
    assert isinstance(query, Query)
    for term in query.terms:
        assert term
        assert all(ch.isalnum() for ch in term)
        assert term == term.casefold()


@given(HOSTILE)
def test_fts5_expression_quotes_every_term(raw):
    query = parse_query(raw)
    if not query:
        return
    expression = fts_expression(query)
    # Outside quoted strings only our own operators and parentheses remain.
    outside = expression.split('"')[::2]
    for part in outside:
        assert set(part.replace("OR", "").replace("AND", "")) <= set(" ()*")
    assert expression.count('"') % 2 == 0


@given(HOSTILE)
def test_tsquery_sql_passes_terms_as_parameters_with_only_our_operators(raw):
    query = parse_query(raw)
    if not query:
        return
    sql, params = tsquery_sql(query)
    one = r"to_tsquery\('(?:fabrique_fr|fabrique_en|french)'::regconfig, %s\)"
    term = rf"\({one}(?: \|\| {one})*\)"
    assert re.fullmatch(rf"\({term}(?: && {term})*\)", sql)
    assert len(params) == 3 * len(query.terms)
    for text in params:
        assert all(ch.isalnum() for ch in text.removesuffix(":*"))
    assert sum(p.endswith(":*") for p in params) == (3 if query.prefix else 0)


def test_function_words_are_left_out_of_queries():
    assert parse_query("vélo de Lyon ").terms == ("vélo", "lyon")
    assert parse_query("the bike ").terms == ("bike",)
    assert parse_query("de la ").terms == ("de", "la")


def test_a_function_word_being_typed_stays_as_a_prefix():
    assert parse_query("vélo de") == Query(terms=("vélo", "de"), prefix=True)


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_stems_are_right_when_threads_stem_at_once():
    # The did-you-mean vocabulary is read in a thread of its own while
    # requests search: a stemmer shared by threads mixed their words up
    # (wrong stems, or an IndexError inside the stemmer).
    import sys
    import threading

    from fabrique.core.search import text

    stems_ = ("partag", "trottinet", "covoitur", "mobilit")
    ends = ("er", "ées", "ements", "ations", "ités", "es", "ings")
    words_ = [f"{stem}{end}" for stem in stems_ for end in ends]
    expected = {word: text.stems.__wrapped__(word) for word in words_}
    failures: list[object] = []

    def stem_many() -> None:
        try:
            for _ in range(300):
                for word in words_:
                    if text.stems.__wrapped__(word) != expected[word]:
                        failures.append(word)
        except Exception as error:  # a stemmer's state broken by another thread
            failures.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can
    try:
        threads = [threading.Thread(target=stem_many) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []


def test_a_tsquery_restricted_to_titles_weighs_every_lexeme_a():
    from fabrique.core.search.backends.postgresql import in_titles

    assert in_titles("'velo'") == "'velo':A"
    assert in_titles("( 'usager' | 'usag' ) & 'vel':*") == (
        "( 'usager':A | 'usag':A ) & 'vel':*A"
    )
    assert in_titles("'e' <-> 'mail'") == "'e':A <-> 'mail':A"
    assert in_titles("'l''eau'") == "'l''eau':A"
