"""The rules' French texts: one for every rule, none for a rule that is gone."""

from __future__ import annotations

from fabrique.gtfs.catalogue import rules_by_topic
from fabrique.gtfs.rules.texts import rule_text, texts


def _rules():
    return [rule for rules in rules_by_topic().values() for rule in rules]


def test_every_rule_has_a_french_description_and_doc_where_english_has_one():
    french = texts("fr")
    missing = [
        r.code for r in _rules() if not french.get(r.code, {}).get("description")
    ]
    assert not missing, f"rules without a French text: {missing}"
    no_doc = [r.code for r in _rules() if r.doc and not french[r.code].get("doc")]
    assert not no_doc, f"rules documented in English only: {no_doc}"


def test_the_french_texts_name_only_rules_of_the_registry():
    codes = {rule.code for rule in _rules()}
    assert set(texts("fr")) <= codes, set(texts("fr")) - codes
    for code, entry in texts("fr").items():
        assert set(entry) <= {"description", "doc"}, code


def test_a_rule_is_told_in_the_language_asked_or_else_in_english():
    rule = next(r for r in _rules() if r.code == "unused_trip")
    french = rule_text(rule, "fr-FR")
    assert (french.language, french.description) == (
        "fr",
        "Un voyage n’a aucun horaire.",
    )
    assert rule_text(rule, "en").description == rule.description
    assert rule_text(rule, "de").language == "en"
