"""The edit flow shared by commons and actors: form, save, conflict, merge.

A save carries the revision the editor loaded (hidden ``base_revision``). If
someone saved since, the service raises ``EditConflict``; nothing is written
and the editor gets the conflict page: both versions side by side and a merge
form prefilled (their changes kept where only they changed a field), based on
the current revision so that saving it succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fabrique.catalog.conflicts import build_conflict
from fabrique.catalog.forms import RevisionedForm
from fabrique.catalog.models import Theme
from fabrique.catalog.services import CatalogError, can_edit
from fabrique.core.revisions import EditConflict, revisions_of, snapshot


def initial_for(obj: Any) -> dict[str, Any]:
    """Form initial values from the stored object, with its revision."""
    content = snapshot(obj)
    if "themes" in content:
        content["themes"] = list(obj.themes.all())
    content["base_revision"] = obj.revision
    return content


def _yours(form: RevisionedForm) -> dict[str, Any]:
    content = form.content()
    if "themes" in form.cleaned_data:
        content["themes"] = list(form.cleaned_data["themes"])
    return content


def _merge_initial(merged: dict[str, Any], base: int, comment: str) -> dict[str, Any]:
    initial = dict(merged)
    if "themes" in initial:
        initial["themes"] = list(Theme.objects.filter(slug__in=initial["themes"]))
    initial["base_revision"] = base
    initial["comment"] = comment
    return initial


def edit(
    request: HttpRequest,
    *,
    obj: Any,
    form_class: type[RevisionedForm],
    save: Callable[[RevisionedForm], Any],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Show, validate and save an edit form; ``obj`` is None for a creation.

    ``save(form)`` calls the service and returns the saved object.
    """
    if obj is not None and not can_edit(request.user, obj):
        if obj.hidden:
            raise PermissionDenied(_("This page is hidden by moderation."))
        raise PermissionDenied
    if request.method != "POST":
        form = form_class(initial=initial_for(obj) if obj is not None else None)
        return render(request, template, {**context, "form": form, "object": obj})
    form = form_class(request.POST)
    if form.is_valid():
        try:
            saved = save(form)
        except EditConflict as conflict:
            return conflict_page(request, obj, form, conflict, context)
        except (ValidationError, CatalogError) as error:
            messages_list = (
                error.messages if isinstance(error, ValidationError) else [str(error)]
            )
            for message in messages_list:
                form.add_error(None, message)
        else:
            messages.success(request, _("Saved. Thank you for completing this page."))
            return redirect(saved)
    return render(
        request, template, {**context, "form": form, "object": obj}, status=400
    )


def conflict_page(
    request: HttpRequest,
    obj: Any,
    form: RevisionedForm,
    conflict: EditConflict,
    context: dict[str, Any],
) -> HttpResponse:
    """Both versions side by side and a merge form based on the current one."""
    fields = [n for n in form.fields if n not in ("base_revision", "comment")]
    view = build_conflict(
        obj, base_revision=conflict.base, yours=_yours(form), fields=fields
    )
    merge_form = type(form)(
        initial=_merge_initial(
            view.merged, view.current_revision, form.cleaned_data.get("comment", "")
        )
    )
    _summary_as_textarea(merge_form)
    return render(
        request,
        "catalog/conflict.html",
        {
            **context,
            "object": type(obj).objects.get(pk=obj.pk),
            "conflict": view,
            "base_revision": conflict.base,
            "their_revisions": revisions_of(obj)
            .filter(number__gt=conflict.base)
            .order_by("number"),
            "form": merge_form,
        },
        status=409,
    )


def _summary_as_textarea(form: RevisionedForm) -> None:
    """The merged summary often holds two people's sentences: give it room."""
    field = form.fields.get("summary")
    if field is None:
        return
    widget = forms.Textarea(attrs={"rows": 3})
    widget.attrs.update(field.widget_attrs(widget))
    field.widget = widget
    if not field.help_text:
        field.help_text = _(
            "One or two sentences; reconcile both versions into one if needed."
        )
