"""One read of the stored row per save, shared by the pre_save handlers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext

from fabrique.catalog.models import Commons
from fabrique.projects import aggregates
from tests.catalog.factories import make_commons

pytestmark = pytest.mark.django_db


def _reads_of_the_row(queries: list[dict[str, str]]) -> int:
    table = Commons._meta.db_table
    return sum(
        1
        for query in queries
        if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"]
    )


def test_the_handlers_of_a_save_read_the_stored_row_once():
    commons = make_commons(kind="software")
    commons.kind = "data"
    with CaptureQueriesContext(connection) as captured:
        commons.save()
    # The dashboard counters and the page-cache token both compare with it.
    assert _reads_of_the_row(captured.captured_queries) == 1
    assert aggregates.stored() == aggregates.recount()


def test_a_failed_save_leaves_no_stored_row_to_the_next():
    commons = make_commons(kind="software")

    def fail(sender, instance, **kwargs):
        raise RuntimeError("refused")

    pre_save.connect(fail, sender=Commons, dispatch_uid="test-presave-fail")
    try:
        commons.kind = "data"
        with pytest.raises(RuntimeError):
            commons.save()
    finally:
        pre_save.disconnect(sender=Commons, dispatch_uid="test-presave-fail")
    other = Commons.objects.get(pk=commons.pk)
    other.kind = "hardware"
    other.save()
    commons.kind = "data"
    commons.save()  # from "hardware" as stored now, not "software" as read before
    assert aggregates.stored() == aggregates.recount()
    assert Commons.objects.get(pk=commons.pk).kind == "data"
