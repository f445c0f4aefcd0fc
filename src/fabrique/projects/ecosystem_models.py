"""Tables that let the ecosystem see itself without recounting it.

``GraphEdge`` holds every relation of the ecosystem graph (actors, commons,
projects, challenges), kept current by :mod:`fabrique.projects.graph` when the
objects behind it are written. ``EcosystemCount`` holds the dashboards'
counters, updated by :mod:`fabrique.projects.aggregates` in the same
transaction as the write that changes them. Both can be rebuilt from scratch
(``fabrique manage ecosystem_rebuild``) after bulk loads that bypass signals.
"""

from __future__ import annotations

from django.db import models


class GraphEdge(models.Model):
    """One relation between two nodes, each named by a type and an id.

    ``origin`` names the object whose edges are written together (say
    ``project:12``): refreshing an origin deletes its edges and writes them
    again, so an edge never outlives what it stands for.
    """

    src_type = models.CharField(max_length=10)
    src_id = models.IntegerField()
    dst_type = models.CharField(max_length=10)
    dst_id = models.IntegerField()
    relation = models.CharField(max_length=16)
    weight = models.PositiveIntegerField(default=1)
    origin = models.CharField(max_length=64, db_index=True)
    # The domain of interest of the challenge at one end, if any.
    domain_id = models.IntegerField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["src_type", "src_id"], name="graphedge_src"),
            models.Index(fields=["dst_type", "dst_id"], name="graphedge_dst"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.src_type}:{self.src_id} {self.relation} "
            f"{self.dst_type}:{self.dst_id}"
        )


class EcosystemCount(models.Model):
    """One counter of the dashboards: a metric, an optional object, a key.

    ``ref`` is the id of the object counted about (a commons) or 0;
    ``last`` is the newest date behind the counter where that matters
    (a contributor's latest confirmed contribution).
    """

    metric = models.CharField(max_length=20)
    ref = models.IntegerField(default=0)
    key = models.CharField(max_length=64, blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    last = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "ref", "key"], name="ecosystemcount_unique"
            )
        ]
        indexes = [models.Index(fields=["metric", "value"], name="ecocount_top")]

    def __str__(self) -> str:
        return f"{self.metric}[{self.ref}:{self.key}] = {self.value}"
