"""Word-level, side-by-side diff of two revisions' content.

Texts are split into word and whitespace tokens and compared with
:mod:`difflib`; the result is HTML-escaped, with removed words wrapped in
``<del>`` on the left and added words in ``<ins>`` on the right.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class FieldDiff:
    """One field of two revisions, rendered as two escaped HTML fragments."""

    name: str
    label: str
    old_html: SafeString
    new_html: SafeString
    changed: bool


def as_text(value: Any) -> str:
    """The text of a stored revision value (lists are comma-separated)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list | tuple):
        return ", ".join(as_text(item) for item in value)
    return str(value)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word, whitespace and punctuation tokens."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Return ``(old_html, new_html)``: escaped texts with ``<del>``/``<ins>``.

    >>> word_diff("a shared bike", "a shared cargo bike")[1]
    'a shared <ins>cargo </ins>bike'
    """
    a, b = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in _coalesce(a, matcher.get_opcodes()):
        old_chunk = escape("".join(a[i1:i2]), quote=False)
        new_chunk = escape("".join(b[j1:j2]), quote=False)
        if op == "equal":
            left.append(old_chunk)
            right.append(new_chunk)
            continue
        if old_chunk:
            left.append(f"<del>{old_chunk}</del>")
        if new_chunk:
            right.append(f"<ins>{new_chunk}</ins>")
    # Every piece was escaped above; only our own tags are added.
    return mark_safe("".join(left)), mark_safe("".join(right))


Opcode = tuple[str, int, int, int, int]


def _coalesce(a: list[str], opcodes: list[Opcode]) -> list[Opcode]:
    """Join changes separated only by whitespace, so a rewritten phrase reads
    as one change rather than a word-by-word patchwork."""
    result: list[Opcode] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        between_changes = (
            op == "equal"
            and 0 < index < len(opcodes) - 1
            and all(token.isspace() for token in a[i1:i2])
        )
        if between_changes:
            op = "replace"
        if op != "equal" and result and result[-1][0] != "equal":
            _, p1, _, q1, _ = result[-1]
            result[-1] = ("replace", p1, i2, q1, j2)
        else:
            result.append((op, i1, i2, j1, j2))
    return result


def diff_contents(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    fields: Iterable[str] | None = None,
) -> list[FieldDiff]:
    """Diff two revision contents field by field, in ``fields`` order."""
    labels = labels or {}
    names = list(fields) if fields is not None else list(dict.fromkeys([*old, *new]))
    result = []
    for name in names:
        old_text, new_text = as_text(old.get(name)), as_text(new.get(name))
        old_html, new_html = word_diff(old_text, new_text)
        result.append(
            FieldDiff(
                name=name,
                label=str(labels.get(name, name)),
                old_html=old_html,
                new_html=new_html,
                changed=old_text != new_text,
            )
        )
    return result
