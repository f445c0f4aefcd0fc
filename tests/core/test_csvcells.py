"""The one helper that defuses spreadsheet formulas in CSV cells."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fabrique.csvcells import FORMULA_STARTS, defuse, defuse_all


@given(st.text(max_size=30))
def test_no_defused_text_starts_a_formula_and_nothing_is_lost(text):
    cell = defuse(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)
    assert (cell == text) == (not text.startswith(FORMULA_STARTS))


def test_each_formula_start_is_defused_and_numbers_are_left_alone():
    for start in FORMULA_STARTS:
        assert defuse(start + "1+1") == "'" + start + "1+1"
    assert defuse_all([-0.5, 3, None, "=HYPERLINK(\"x\")", "Rue"]) == [
        -0.5, 3, None, "'=HYPERLINK(\"x\")", "Rue",
    ]  # fmt: skip


@given(st.lists(st.one_of(st.text(max_size=8), st.floats(), st.integers(), st.none())))
def test_a_row_is_defused_cell_by_cell(values):
    assert defuse_all(values) == [defuse(value) for value in values]
