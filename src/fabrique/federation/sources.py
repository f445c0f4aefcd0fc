"""Harvest sources in the web, for the instance's administrators: the list
with each source's last run, the form, "run now" / "dry run" (queued for the
worker) and deletion after confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.core import queue
from fabrique.core.permissions import require_admin
from fabrique.federation import tasks
from fabrique.federation.forms import HarvestSourceForm, schedule_label
from fabrique.federation.models import HarvestRun, HarvestSource


@require_admin
def source_list(request: HttpRequest) -> HttpResponse:
    """Every harvest source with its last run."""
    latest = HarvestRun.objects.filter(source=OuterRef("pk")).order_by(
        "-started", "-pk"
    )
    sources = list(
        HarvestSource.objects.select_related("instance").annotate(
            last_run_pk=Subquery(latest.values("pk")[:1])
        )
    )
    runs = HarvestRun.objects.in_bulk([s.last_run_pk for s in sources])  # type: ignore[attr-defined]
    for source in sources:
        source.last_run = runs.get(source.last_run_pk)  # type: ignore[attr-defined]
        source.schedule = schedule_label(source.every_seconds)  # type: ignore[attr-defined]
    return render(request, "federation/sources.html", {"sources": sources})


def _form_page(request: HttpRequest, source: HarvestSource | None) -> HttpResponse:
    form = HarvestSourceForm(
        request.POST if request.method == "POST" else None, instance=source
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(
            request,
            (
                _("The source “%(name)s” is saved.")
                if source
                else _(
                    "The source “%(name)s” is added: it is harvested on its schedule, "
                    "or now with “Run now”."
                )
            )
            % {"name": saved.name},
        )
        return redirect("federation:sources")
    return render(
        request, "federation/source_form.html", {"form": form, "source": source}
    )


@require_admin
def source_create(request: HttpRequest) -> HttpResponse:
    """Add a harvest source."""
    return _form_page(request, None)


@require_admin
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a harvest source."""
    return _form_page(request, get_object_or_404(HarvestSource, pk=pk))


@require_POST
@require_admin
def source_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a harvest of the source now (``mode=dry``: a dry run, which
    writes nothing but its report)."""
    source = get_object_or_404(HarvestSource, pk=pk)
    dry = request.POST.get("mode") == "dry"
    taken = queue.enqueue(tasks.harvest_source, source.pk, dry_run=dry)
    if dry:
        text = _(
            "A dry run of “%(name)s” is queued: its report will show what "
            "would change, and nothing is written."
        )
    else:
        text = _("A harvest of “%(name)s” is queued: its report will appear here.")
    if not taken:
        text += " " + _("The task queue does not answer: it will run once it does.")
    messages.success(request, text % {"name": source.name})
    return redirect("federation:sources")


@require_admin
def source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a source after confirmation; its commons stay, no longer updated."""
    source = get_object_or_404(HarvestSource, pk=pk)
    if request.method == "POST":
        name = source.name
        source.delete()
        messages.success(
            request, _("The source “%(name)s” is deleted.") % {"name": name}
        )
        return redirect("federation:sources")
    return render(
        request,
        "federation/source_delete.html",
        {
            "source": source,
            "harvested": source.commons.count(),  # type: ignore[attr-defined]
            "runs": source.runs.count(),  # type: ignore[attr-defined]
        },
    )
