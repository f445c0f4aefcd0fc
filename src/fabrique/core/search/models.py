"""The search index as rows: one document per indexed object, its facet values.

The searched text lives beside these tables and belongs to the backend: an
FTS5 virtual table of stems on SQLite; on PostgreSQL, :class:`SearchEntry`,
a narrow copy of each document with its weighted ``tsvector`` (migration
``core.0008``). Documents keep only what a result shows.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    """What search knows of one object: texts by weight, display fields."""

    type = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    sort_title = models.CharField(max_length=300)
    summary = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500)
    updated = models.DateTimeField()
    # The facet values again, one "name:value" a line: facets are counted
    # from the matching rows search already reads, without a join.
    facet_keys = models.TextField(blank=True, default="")

    class Meta:
        app_label = "core"
        constraints = [
            models.UniqueConstraint(
                fields=["type", "object_id"], name="searchdocument_object_unique"
            )
        ]
        indexes = [
            models.Index(fields=["type", "-updated"], name="searchdoc_type_updated"),
            models.Index(fields=["type", "sort_title"], name="searchdoc_type_title"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id}: {self.title}"


class SearchEntry(models.Model):
    """What PostgreSQL matches, filters, counts and orders: one per document.

    A search reads every match of its words to count them and their facets,
    often thousands of rows; documents carry the texts a result shows and are
    several times wider. Entries keep only what matching and ordering need,
    about a hundred rows to a page, so that those reads stay short. On
    PostgreSQL, migration ``core.0008`` adds the ``vector`` column (texts a, b,
    c with weights A, B, C, stored out of line) and the GIN indexes; the
    backend writes the entries. SQLite searches the documents themselves and
    leaves this table empty.
    """

    document = models.OneToOneField(
        SearchDocument,
        on_delete=models.CASCADE,
        primary_key=True,
        db_column="id",
        related_name="entry",
    )
    type = models.CharField(max_length=30)
    updated = models.DateTimeField()
    title = models.CharField(max_length=300)
    sort_title = models.CharField(max_length=300)
    # Distinct words of the title: among documents whose title matches, the
    # shorter title ranks first (the words are a larger part of it).
    title_words = models.PositiveSmallIntegerField(default=0)
    facet_keys = models.TextField(blank=True, default="")

    class Meta:
        app_label = "core"
        indexes = [
            models.Index(
                "type", models.F("updated").desc(), models.F("document").desc(),
                name="searchentry_type_updated",
            ),
            models.Index(
                fields=["type", "sort_title", "document"], name="searchentry_type_title"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"entry of document {self.pk}"


class SearchFacet(models.Model):
    """One facet value of a document (a document has many, e.g. several themes)."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="facets"
    )
    name = models.CharField(max_length=30)
    value = models.CharField(max_length=100)

    class Meta:
        app_label = "core"
        indexes = [
            models.Index(fields=["name", "value", "document"], name="searchfacet_value")
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SearchFacetTotal(models.Model):
    """How many documents of a type have a facet value, kept by the indexer.

    The list page without words nor filters reads its counts here instead of
    counting every document. ``name`` and ``value`` empty: documents of the
    type in all.
    """

    type = models.CharField(max_length=30)
    name = models.CharField(max_length=30)
    value = models.CharField(max_length=100)
    count = models.BigIntegerField(default=0)

    class Meta:
        app_label = "core"
        constraints = [
            models.UniqueConstraint(
                fields=["type", "name", "value"], name="searchfacettotal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.name}={self.value}: {self.count}"
