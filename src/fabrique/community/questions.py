"""Needs are written as questions: "Comment partager plus de vélos ?".

A title is a question when, once trimmed, it ends with a question mark. French
typography puts a space (often a no-break or narrow no-break one) before it:
"… ?" is accepted as well as "…?". The fullwidth "？" counts too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

QUESTION_MARKS = ("?", "\uff1f")


def normalise_question(title: str) -> str:
    """Trim ``title`` and fold runs of whitespace into one space; a space
    before the final question mark becomes a narrow no-break space, so the
    mark never wraps to a line of its own."""
    text = " ".join(title.split())
    if len(text) > 1 and text.endswith(QUESTION_MARKS) and text[-2] == " ":
        text = f"{text[:-2]}\u202f{text[-1]}"
    return text


def is_question(title: str) -> bool:
    """Does ``title`` end with a question mark after something to ask?"""
    text = title.strip()
    if not text.endswith(QUESTION_MARKS):
        return False
    body = text[:-1].strip().rstrip("?\uff1f").strip()
    return any(ch.isalnum() for ch in body)


def validate_question(title: str) -> None:
    """Refuse a need title that is not a question."""
    if not is_question(title):
        raise ValidationError(
            _(
                "Write the need as a question ending with “?”, for example "
                "“How can we share more bikes?” (got “%(title)s”)."
            ),
            code="not_a_question",
            params={"title": title.strip()[:80]},
        )
