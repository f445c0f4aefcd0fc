"""The search index as rows: one document per indexed object, its facet values.

Full-text columns live beside these tables and belong to the backend: an FTS5
virtual table on SQLite, a generated weighted ``tsvector`` column with a GIN
index on PostgreSQL (both created by migration ``core.0002``).
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
    # Searched texts by weight: a (titles) > b (summaries, tags) > c (bodies).
    text_a = models.TextField(blank=True)
    text_b = models.TextField(blank=True)
    text_c = models.TextField(blank=True)

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
