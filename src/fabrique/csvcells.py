"""Spreadsheet-safe CSV cells, shared by every CSV the site writes from stored data.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read as a formula by LibreOffice and Excel (``=HYPERLINK(…)``, DDE
payloads). :func:`defuse` puts an apostrophe in front of such a value: the
spreadsheet then shows it as text, and a program reading the CSV sees the
apostrophe and can strip it. Numbers (``-0.5``) are left alone: they are
written by the site itself, never as text that could be a formula.

Pure Python, without Django, so the engines can use it too.

>>> defuse("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> defuse("Rue de Rivoli"), defuse(-0.5)
('Rue de Rivoli', -0.5)
"""

from __future__ import annotations

from typing import Any, TypeVar

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def defuse(value: T) -> T | str:
    """Return ``value`` with a leading apostrophe when it would be a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def defuse_all(values: Any) -> list[Any]:
    """:func:`defuse` each value of a row."""
    return [defuse(value) for value in values]
