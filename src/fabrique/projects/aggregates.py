"""The dashboards' counters, kept current in the same transaction as each write.

Every counted object has a *signature*: the counters it adds to, with the
amount (a visible commons adds 1 to ``commons[kind|maturity]``; a confirmed
contribution adds 1 to its month, to its commons and to its contributor in
that commons). A write applies the difference between the signature after
and before it; a delete takes the signature away. Funding is counted per
commons instead: a pledge, a grant, an expense, an acknowledgement or a
funder hidden moves the figures of the commons concerned, recomputed from
its visible rows (a grant paid on a pledge changes what the pledge still
promises). Nothing is recounted per request, and :func:`recount` /
:func:`rebuild` compute everything from scratch for checks and bulk loads.

Metrics (``ref`` is a commons id where it says so, else 0):

- ``commons`` — key ``kind|maturity``: visible commons;
- ``challenges`` — key state: visible micro-challenges;
- ``contrib_month`` — key ``YYYY-MM`` (UTC): confirmed ledger entries;
- ``commons_contribs`` — ref commons: its confirmed entries with a person;
- ``contributor`` — ref commons, key user id: that person's confirmed entries
  (``last``: the newest one's date), the ground of active contributors and
  bus factor;
- ``funding`` — ref commons, key ``figure|currency``: ``pledge`` what
  pledges still promise, ``grant`` granted, ``received`` acknowledged by a
  holder, ``spent`` spent (hidden funders and rows left out);
- ``funding_total`` — ref commons, key currency: still promised plus granted
  (a paid pledge counts once).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Model
from django.db.models.signals import post_delete, post_save, pre_save

from fabrique.catalog.models import Actor, Commons
from fabrique.community.models import Challenge
from fabrique.core import versions
from fabrique.core.presave import row_before_save
from fabrique.projects.models import Contribution, EcosystemCount, Expense, Funding

Slot = tuple[str, int, str]  # metric, ref, key
#: Moves with every counted write: cached dashboards are stored under it (a
#: version of ``fabrique.core.versions``: writers do not queue on it).
VERSION = "dashboards"
Signature = Counter[Slot]


def _month(when: datetime.datetime) -> str:
    return when.astimezone(datetime.UTC).strftime("%Y-%m")


def signature(obj: Model) -> Signature:
    """The counters ``obj`` adds to, with the amounts."""
    sig: Signature = Counter()
    if isinstance(obj, Commons):
        if not obj.hidden:
            sig[("commons", 0, f"{obj.kind}|{obj.maturity}")] += 1
    elif isinstance(obj, Challenge):
        if not obj.hidden:
            sig[("challenges", 0, obj.state)] += 1
    elif (
        isinstance(obj, Contribution)
        and obj.status == Contribution.Status.CONFIRMED
        and obj.created
    ):
        sig[("contrib_month", 0, _month(obj.created))] += 1
        if obj.commons_id and obj.contributor_id:
            sig[("commons_contribs", obj.commons_id, "")] += 1
            sig[("contributor", obj.commons_id, str(obj.contributor_id))] += 1
    return sig


FUNDING_METRICS = ("funding", "funding_total")


def funding_slots(commons_ids: list[int] | None = None) -> Signature:
    """The funding counters of ``commons_ids`` (all commons: None), computed
    from the visible pledges, grants and expenses."""
    from fabrique.projects import funding

    found: Signature = Counter()
    ids = (
        commons_ids
        if commons_ids is not None
        else list(
            funding.visible().values_list("commons_id", flat=True).distinct().order_by()
        )
    )
    for ref in ids:
        for currency, m in funding.money(commons_id=ref).items():
            for figure, value in (
                ("pledge", m.pledged),
                ("grant", m.granted),
                ("received", m.received),
                ("spent", m.spent),
            ):
                if value:
                    found[("funding", ref, f"{figure}|{currency}")] = value  # type: ignore[assignment]
            if m.committed:
                found[("funding_total", ref, currency)] = m.committed  # type: ignore[assignment]
    return found


def refresh_funding(commons_ids: list[int]) -> None:
    """Bring the funding counters of ``commons_ids`` up to their rows."""
    ids = sorted(set(commons_ids))
    if not ids:
        return
    kept: Signature = Counter()
    for row in EcosystemCount.objects.filter(metric__in=FUNDING_METRICS, ref__in=ids):
        kept[(row.metric, row.ref, row.key)] = row.value  # type: ignore[assignment]
    apply(kept, funding_slots(ids))


def _add(slot: Slot, amount: Any) -> None:
    metric, ref, key = slot
    rows = EcosystemCount.objects.filter(metric=metric, ref=ref, key=key)
    # One statement for the common case: the counter exists; the new value
    # says whether it fell to zero (then it goes).
    with connection.cursor() as cursor:
        cursor.execute(ADD_SQL, [amount, metric, ref, key])
        found = cursor.fetchone()
    if found is not None:
        if Decimal(str(found[0])) == 0:
            rows.delete()
        return
    try:
        with transaction.atomic():
            EcosystemCount.objects.create(metric=metric, ref=ref, key=key, value=amount)
    except IntegrityError:  # another writer created it first
        rows.update(value=F("value") + amount)
        rows.filter(value=0).delete()


_COLUMNS = {
    name: connection.ops.quote_name(name) for name in ("value", "metric", "ref", "key")
}
ADD_SQL = (
    f"UPDATE {connection.ops.quote_name(EcosystemCount._meta.db_table)} "  # noqa: S608
    "SET {value} = {value} + %s WHERE {metric} = %s AND {ref} = %s AND {key} = %s "
    "RETURNING {value}"
).format(**_COLUMNS)


def _refresh_last(commons_id: int, user_id: int) -> None:
    """Set a contributor's newest confirmed date (it may go back on a delete)."""
    last = Contribution.objects.filter(
        commons_id=commons_id,
        contributor_id=user_id,
        status=Contribution.Status.CONFIRMED,
    ).aggregate(last=Max("created"))["last"]
    EcosystemCount.objects.filter(
        metric="contributor", ref=commons_id, key=str(user_id)
    ).update(last=last)


def version() -> int:
    """The dashboards' current version (read by their cache)."""
    return versions.current(VERSION)


def apply(before: Signature, after: Signature) -> None:
    """Move the counters from ``before`` to ``after`` of one write."""
    if before == after:
        return
    # No savepoint of its own inside the writer's transaction: a failure here
    # fails the write, which rolls back whole.
    with transaction.atomic(savepoint=False):
        versions.bump(VERSION)
        for slot in before.keys() | after.keys():
            delta = after.get(slot, 0) - before.get(slot, 0)
            if delta:
                _add(slot, delta)
            if slot[0] == "contributor":
                _refresh_last(slot[1], int(slot[2]))


# From scratch ----------------------------------------------------------------


def _all_rows() -> Iterator[Model]:
    yield from Commons.objects.only("kind", "maturity", "hidden").iterator(2000)
    yield from Challenge.objects.only("state", "hidden").iterator(2000)
    yield from Contribution.objects.only(
        "status", "created", "commons_id", "contributor_id"
    ).iterator(2000)


def recount() -> tuple[dict[Slot, Decimal], dict[Slot, datetime.datetime]]:
    """Every counter and contributor's last date, computed from the source tables."""
    totals: dict[Slot, Decimal] = defaultdict(Decimal)
    last: dict[Slot, datetime.datetime] = {}
    for obj in _all_rows():
        for slot, amount in signature(obj).items():
            totals[slot] += Decimal(amount)
            if slot[0] == "contributor":
                when = obj.created  # type: ignore[attr-defined]
                if slot not in last or when > last[slot]:
                    last[slot] = when
    for slot, amount in funding_slots().items():
        totals[slot] += Decimal(amount)
    return {s: v for s, v in totals.items() if v}, last


def stored() -> tuple[dict[Slot, Decimal], dict[Slot, datetime.datetime]]:
    """The counters as kept."""
    values: dict[Slot, Decimal] = {}
    last: dict[Slot, datetime.datetime] = {}
    for row in EcosystemCount.objects.iterator(5000):
        slot = (row.metric, row.ref, row.key)
        values[slot] = row.value
        if row.last is not None:
            last[slot] = row.last
    return values, last


def rebuild() -> int:
    """Replace every counter by a recount; return the number of counters."""
    values, last = recount()
    with transaction.atomic():
        EcosystemCount.objects.all().delete()
        versions.bump(VERSION)
        EcosystemCount.objects.bulk_create(
            (
                EcosystemCount(
                    metric=m, ref=r, key=k, value=v, last=last.get((m, r, k))
                )
                for (m, r, k), v in values.items()
            ),
            batch_size=5000,
        )
    return len(values)


# Signals -------------------------------------------------------------------

_COUNTED: tuple[type[Model], ...] = (Commons, Challenge, Contribution)
#: The fields :func:`signature` reads, by model (names and column names).
_SIGNED: dict[type[Model], frozenset[str]] = {
    Commons: frozenset({"hidden", "kind", "maturity"}),
    Challenge: frozenset({"hidden", "state"}),
    Contribution: frozenset(
        {"status", "created", "commons", "commons_id", "contributor", "contributor_id"}
    ),
}


def _unsigned(sender: Any, update_fields: Any) -> bool:
    """A save of named fields that :func:`signature` does not read moves no
    counter (an automatic entry growing by a few words, say): nothing to
    read before it nor to apply after it."""
    signed = _SIGNED.get(sender)
    return bool(
        update_fields is not None
        and signed is not None
        and not signed & set(update_fields)
    )


def _before_save(sender: Any, instance: Model, **kwargs: Any) -> None:
    if _unsigned(sender, kwargs.get("update_fields")):
        return
    old = None
    if instance.pk is not None and not kwargs.get("raw"):
        old = row_before_save(sender, instance)
    instance._counted = signature(old) if old else Counter()  # type: ignore[attr-defined]


def _after_save(sender: Any, instance: Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or _unsigned(sender, kwargs.get("update_fields")):
        return
    apply(getattr(instance, "_counted", Counter()), signature(instance))
    instance._counted = signature(instance)  # type: ignore[attr-defined]


def _after_delete(sender: Any, instance: Model, **kwargs: Any) -> None:
    apply(signature(instance), Counter())


def _funding_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if isinstance(instance, Expense):
        ids = list(
            Funding.objects.filter(pk=instance.grant_id).values_list(
                "commons_id", flat=True
            )
        )
    else:
        ids = [instance.commons_id]  # type: ignore[attr-defined]
    refresh_funding(ids)


def _funder_saved(sender: Any, instance: Actor, **kwargs: Any) -> None:
    """A funder hidden or shown moves the figures of the commons it funds."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    refresh_funding(
        list(
            Funding.objects.filter(funder=instance)
            .values_list("commons_id", flat=True)
            .distinct()
            .order_by()
        )
    )


def connect() -> None:
    """Keep the counters current as the ecosystem is written."""
    for model in _COUNTED:
        uid = f"aggregates.{model.__name__}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.del")
    for model in (Funding, Expense):
        uid = f"aggregates.{model.__name__}"
        post_save.connect(_funding_changed, sender=model, dispatch_uid=f"{uid}.post")
        post_delete.connect(_funding_changed, sender=model, dispatch_uid=f"{uid}.del")
    post_save.connect(_funder_saved, sender=Actor, dispatch_uid="aggregates.funder")
