"""The vocabulary of the GTFS Schedule schema: field types, presence, files.

The table itself (every file and column) lives in :mod:`fabrique.gtfs.spec`;
this module only says what a file and a field are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    """The value types of the GTFS reference, with their validation."""

    TEXT = "text"
    ID = "id"
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"
    COLOR = "color"
    DATE = "date"
    TIME = "time"
    TIMEZONE = "timezone"
    LANGUAGE = "language"
    CURRENCY = "currency"
    CURRENCY_AMOUNT = "currency_amount"
    INTEGER = "integer"
    FLOAT = "float"
    LATITUDE = "latitude"
    LONGITUDE = "longitude"
    ENUM = "enum"


class Presence(StrEnum):
    """Whether a file or a field must be there."""

    REQUIRED = "required"
    CONDITIONALLY_REQUIRED = "conditionally required"
    RECOMMENDED = "recommended"
    OPTIONAL = "optional"


@dataclass(frozen=True)
class Field:
    """One column of a GTFS file."""

    name: str
    type: FieldType
    presence: Presence = Presence.OPTIONAL
    enum: tuple[int, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    references: tuple[str, ...] = ()  # "file.field" targets, any one matching
    description: str = ""

    @property
    def required(self) -> bool:
        return self.presence is Presence.REQUIRED


@dataclass(frozen=True)
class FileSpec:
    """One file of a GTFS feed: its presence, columns and primary key."""

    name: str
    presence: Presence
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    description: str = ""
    tabular: bool = True
    field_index: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_index", {f.name: f for f in self.fields})

    @property
    def table(self) -> str:
        """The DuckDB table name of this file (its name without extension)."""
        return self.name.rsplit(".", 1)[0]

    def get(self, name: str) -> Field | None:
        return self.field_index.get(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def f(
    name: str,
    type_: FieldType,
    presence: Presence = Presence.OPTIONAL,
    *,
    enum: tuple[int, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    ref: str | tuple[str, ...] = (),
    doc: str = "",
) -> Field:
    """Declare a field tersely (the spec table is long)."""
    references = (ref,) if isinstance(ref, str) else ref
    return Field(
        name,
        type_,
        presence,
        enum,
        minimum,
        maximum,
        exclusive_minimum,
        references,
        doc,
    )
