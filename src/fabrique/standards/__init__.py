"""Standard metadata in and out: DCAT-AP, publiccode.yml, CodeMeta, Open Know-How.

An engine: it reads and writes plain Python values (dicts of a commons'
fields) and bytes, and imports nothing of the web. Each format has its own
module (``dcat``, ``publiccode``, ``codemeta``, ``okh``) with at least a
``validate(data, *, name="", offline=True) -> list[Finding]`` function;
``fabrique.standards.validate`` picks the module from the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


class StandardsError(ValueError):
    """The input cannot be read at all (not the format, too large, hostile)."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or doubtful) in a document.

    ``path`` names the field or RDF property at fault, ``focus`` the node or
    the place in the document (an RDF subject, a list index), ``message``
    says what is wrong in plain words (in English). For a SHACL result,
    ``constraint`` names the constraint that failed (``minCount``,
    ``class``, ``datatype``…), ``expected`` its parameter (``1``,
    ``dcat:Distribution``…) and ``value`` the value at fault, so that a page
    can say the same in another language.
    """

    severity: Severity
    message: str
    path: str = ""
    focus: str = ""
    constraint: str = ""
    expected: str = ""
    value: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def not_imported(keys: Iterable[str]) -> list[str]:
    """The importers' warning for each key a commons has no place for."""
    return [f"'{key}' has no place in a commons and was not imported" for key in keys]
