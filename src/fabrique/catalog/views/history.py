"""History of a commons or an actor: revisions, diff of any two, revert."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog import services
from fabrique.catalog.conflicts import labels_for
from fabrique.catalog.models import Actor, Commons
from fabrique.core.diff import as_text, diff_contents
from fabrique.core.permissions import can_view
from fabrique.core.revisions import EditConflict, revisions_of

MODELS: dict[str, type[Commons] | type[Actor]] = {"commons": Commons, "actor": Actor}


def _object(request: HttpRequest, kind: str, slug: str) -> Commons | Actor:
    obj = get_object_or_404(MODELS[kind], slug=slug)
    if not can_view(request.user, obj):
        raise Http404
    return obj


def _fields(obj: Commons | Actor) -> list[str]:
    return [*obj.REVISION_FIELDS, *getattr(obj, "REVISION_M2M", ())]


def _readable(model: type[Commons] | type[Actor], content: dict[str, Any]) -> dict:
    """Revision content with choice values shown by their labels."""
    readable = dict(content)
    for field in model._meta.concrete_fields:
        if field.choices and field.name in readable:
            labels = {value: str(label) for value, label in field.flatchoices}
            readable[field.name] = labels.get(
                readable[field.name], readable[field.name]
            )
    return readable


def history(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    obj = _object(request, kind, slug)
    page = Paginator(revisions_of(obj).order_by("-number"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "catalog/history.html",
        {
            "object": obj,
            "kind": kind,
            "ns": f"catalog:{kind}",
            "page": page,
            "can_edit": services.can_edit(request.user, obj),
        },
    )


def revision_detail(
    request: HttpRequest, kind: str, slug: str, number: int
) -> HttpResponse:
    """The full content of one revision, as it was saved."""
    obj = _object(request, kind, slug)
    revision = revisions_of(obj).filter(number=number).first()
    if revision is None:
        raise Http404(_("No such revision."))
    labels = labels_for(type(obj))
    content = _readable(type(obj), revision.content)
    rows = [
        {
            "name": name,
            "label": labels.get(name, name),
            "text": as_text(content.get(name)),
            "markdown": name in services.MARKDOWN_FIELDS,
        }
        for name in _fields(obj)
    ]
    return render(
        request,
        "catalog/revision.html",
        {
            "object": obj,
            "kind": kind,
            "ns": f"catalog:{kind}",
            "revision": revision,
            "rows": rows,
            "can_edit": services.can_edit(request.user, obj),
        },
    )


def _number(request: HttpRequest, name: str) -> int:
    try:
        return int(request.GET.get(name, ""))
    except ValueError as exc:
        raise Http404(_("Give two revision numbers to compare.")) from exc


def diff(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    obj = _object(request, kind, slug)
    old_n, new_n = sorted((_number(request, "from"), _number(request, "to")))
    found = {r.number: r for r in revisions_of(obj).filter(number__in=[old_n, new_n])}
    if old_n not in found or new_n not in found:
        raise Http404(_("No such revision."))
    old, new = found[old_n], found[new_n]
    model = type(obj)
    rows = diff_contents(
        _readable(model, old.content),
        _readable(model, new.content),
        labels=labels_for(model),
        fields=_fields(obj),
    )
    return render(
        request,
        "catalog/diff.html",
        {
            "object": obj,
            "kind": kind,
            "ns": f"catalog:{kind}",
            "old": old,
            "new": new,
            "changed": [row for row in rows if row.changed],
            "unchanged": [row for row in rows if not row.changed],
            "can_edit": services.can_edit(request.user, obj),
        },
    )


@login_required
@require_POST
def revert(request: HttpRequest, kind: str, slug: str, number: int) -> HttpResponse:
    obj = _object(request, kind, slug)
    if not services.can_edit(request.user, obj):
        raise PermissionDenied
    try:
        base = int(request.POST.get("base_revision", obj.revision))
    except ValueError:
        base = obj.revision
    try:
        change = services.revert(
            obj, user=request.user, number=number, base_revision=base
        )
    except EditConflict as conflict:
        messages.error(
            request,
            _(
                "Not restored: this page was saved as revision %(current)s since you "
                "loaded the history. Check the latest changes, then try again."
            )
            % {"current": conflict.current},
        )
        return redirect(f"catalog:{kind}_history", slug=obj.slug)
    except services.CatalogError as error:
        messages.error(request, str(error))
        return redirect(f"catalog:{kind}_history", slug=obj.slug)
    messages.success(
        request,
        _("Revision %(number)s restored as revision %(new)s.")
        % {"number": number, "new": change.revision.number},
    )
    return redirect(obj)
