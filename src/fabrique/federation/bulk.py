"""Writing many harvested commons at once.

A full harvest creates commons by the thousand. Each is written as any new
commons is (its first revision, its "created" activity entry, its search
document, its place in the change feed, the counters and cached pages it
moves), but in a few statements per batch rather than a dozen per commons:
rows by ``bulk_create``, and what the save signals would do, done once for
the batch.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify

from fabrique.catalog.models import Commons, Theme
from fabrique.catalog.pageversions import page_version_name
from fabrique.catalog.services import RESERVED_SLUGS
from fabrique.catalog.views.pagecache import bump_many
from fabrique.core.models import Activity, Revision
from fabrique.core.revisions import snapshot, words_changed
from fabrique.core.search import index as search_index
from fabrique.core.search.registry import type_for_model
from fabrique.federation import changes
from fabrique.federation.models import RemoteCommons
from fabrique.projects import aggregates, graph_edges


def unique_slugs(titles: list[str]) -> list[str]:
    """A slug for each title, unused by any commons, reserved by none, and
    distinct from each other (as :func:`unique_slug` gives one)."""
    bases = [slugify(title)[:200] or "commons" for title in titles]
    taken = set(
        Commons.objects.filter(slug__in=set(bases)).values_list("slug", flat=True)
    )
    crowded = {base for base in bases if base in taken} | {
        base for base, n in Counter(bases).items() if n > 1
    }
    for base in crowded:
        taken |= set(
            Commons.objects.filter(slug__startswith=base + "-").values_list(
                "slug", flat=True
            )
        )
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in RESERVED_SLUGS or slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def create_harvested(
    items: list[tuple[Commons, list[Theme]]],
    *,
    comment: str,
    remotes: list[RemoteCommons],
) -> list[Commons]:
    """Create the unsaved, checked ``items`` (a commons and its themes) with
    ``remotes`` (their provenance, in the same order); return the commons.

    A harvest has no author: there is no one to credit in the ledger, and
    a commons just created has no follower, participant nor discussion to
    notify, so those handlers of a new activity entry have nothing to do.
    """
    if not items:
        return []
    found = [commons for commons, _ in items]
    with transaction.atomic():
        for commons, slug in zip(
            found, unique_slugs([c.title for c in found]), strict=True
        ):
            commons.slug = slug
            commons.revision = 1
        Commons.objects.bulk_create(found)
        through = Commons.themes.through
        through.objects.bulk_create(
            through(commons_id=commons.pk, theme_id=theme.pk)
            for commons, themes in items
            for theme in themes
        )
        kind = ContentType.objects.get_for_model(Commons)
        contents = [snapshot(c, {"themes": themes}) for c, themes in items]
        revisions = Revision.objects.bulk_create(
            Revision(
                content_type=kind,
                object_id=commons.pk,
                number=1,
                author=None,
                comment=comment[:300],
                content=content,
            )
            for commons, content in zip(found, contents, strict=True)
        )
        Activity.objects.bulk_create(
            _created(commons, kind, revision, content, comment)
            for commons, revision, content in zip(
                found, revisions, contents, strict=True
            )
        )
        for commons, remote in zip(found, remotes, strict=True):
            remote.commons = commons
        RemoteCommons.objects.bulk_create(remotes)
        # What the save signals of each commons would have done, once.
        pks = [c.pk for c in found]
        indexable = type_for_model(Commons)
        if indexable is not None:
            search_index.reindex(indexable.name, pks)
        counted: Counter[Any] = Counter()
        for commons in found:
            counted += aggregates.signature(commons)
        aggregates.apply(Counter(), counted)
        graph_edges.bump()
        bump_many([page_version_name(c.slug) for c in found])
        transaction.on_commit(lambda: changes.record_created(pks))
    return found


def _created(
    commons: Commons,
    kind: ContentType,
    revision: Revision,
    content: dict[str, Any],
    comment: str,
) -> Activity:
    """The activity entry of a new commons, as ``save_revision`` writes it."""
    added, removed = words_changed({}, content)
    return Activity(
        content_type=kind,
        object_id=commons.pk,
        actor=None,
        verb="created",
        summary=comment[:300],
        data={
            "revision": revision.number,
            "revision_id": revision.pk,
            "changed": [k for k in content if content[k] is not None],
            "words": [added, removed],
        },
    )
