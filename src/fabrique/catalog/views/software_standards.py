"""A commons in the standards of its kind: publiccode.yml and codemeta.json for
software, an Open Know-How manifest (okh.toml) for hardware; and the page
that imports commons from such files.

Other kinds get a 404. A commons that lacks a field the standard requires
(a licence, a repository) gets a 409 that says which.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from fabrique.catalog import imports
from fabrique.catalog.models import Commons, CommunityMembership, Kind
from fabrique.catalog.services import CatalogError
from fabrique.core.permissions import can_view
from fabrique.standards import StandardsError, codemeta, okh, publiccode


def commons_fields(commons: Commons) -> dict[str, Any]:
    """The fields of a commons as the standards engine reads them."""
    holders = (
        commons.memberships.filter(
            role=CommunityMembership.Role.HOLDER,
            status=CommunityMembership.Status.ACTIVE,
        )
        .select_related("actor", "user")
        .order_by("created")
    )
    names: list[str] = []
    for membership in holders:
        if membership.actor is not None:
            name = membership.actor.name
        elif membership.user is not None:
            name = membership.user.public_name
        else:
            continue
        if name and name not in names:
            names.append(name)
    return {
        "kind": commons.kind,
        "title": commons.title,
        "summary": commons.summary,
        "description": commons.description,
        "licence": commons.licence,
        "maturity": commons.maturity,
        "repository_url": commons.repository_url,
        "documentation_url": commons.documentation_url,
        "demo_url": commons.demo_url,
        "download_url": commons.download_url,
        "tags": list(commons.tags),
        # Names only: contact addresses are not published.
        "contacts": [{"name": name, "email": ""} for name in names],
    }


def _export(
    request: HttpRequest,
    slug: str,
    kind: str,
    render: Callable[[Commons, dict[str, Any]], str],
    content_type: str,
) -> HttpResponse:
    commons = get_object_or_404(Commons, slug=slug)
    if commons.kind != kind or not can_view(request.user, commons):
        raise Http404
    try:
        body = render(commons, commons_fields(commons))
    except StandardsError as exc:
        return HttpResponse(
            str(exc), status=409, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def publiccode_yml(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(
        request,
        slug,
        Kind.SOFTWARE,
        lambda _commons, fields: publiccode.from_commons(fields),
        "application/yaml; charset=utf-8",
    )


@require_GET
def codemeta_json(request: HttpRequest, slug: str) -> HttpResponse:
    def render(commons: Commons, fields: dict[str, Any]) -> str:
        document = codemeta.from_commons(fields)
        document["identifier"] = request.build_absolute_uri(commons.get_absolute_url())
        return json.dumps(document, ensure_ascii=False, indent=2)

    return _export(
        request, slug, Kind.SOFTWARE, render, "application/ld+json; charset=utf-8"
    )


@require_GET
def okh_toml(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(
        request,
        slug,
        Kind.HARDWARE,
        lambda _commons, fields: okh.from_commons(fields),
        "application/toml; charset=utf-8",
    )


# Import page ------------------------------------------------------------------

SESSION_KEY = "commons_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Metadata file"),
        required=False,
        help_text=_("publiccode.yml, codemeta.json, okh.toml or okh.yml"),
    )
    url = forms.URLField(
        label=_("or its address"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "The address of the file, or of a code repository holding a "
            "publiccode.yml at its root."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Choose a file or give an address."))
        return data


def _read(form: ImportForm) -> tuple[bytes, str, str]:
    upload = form.cleaned_data.get("file")
    if upload:
        if upload.size > imports.MAX_BYTES:
            raise imports.ImportFailed(
                _("The file is too large (at most %(size)s bytes).")
                % {"size": imports.MAX_BYTES}
            )
        name = upload.name or "upload"
        return upload.read(), name, f"upload:{name}"
    url = form.cleaned_data["url"]
    data, name = imports.fetch(url)
    return data, name, url


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload or point at a metadata file, see what it would change, confirm."""
    form = ImportForm()
    result = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "apply":
        stored = request.session.get(SESSION_KEY)
        if not stored:
            messages.error(request, _("Nothing to import any more: start again."))
            return redirect("catalog:commons_import")
        try:
            result = imports.preview(
                base64.b64decode(stored["data"]),
                name=stored["name"],
                source=stored["source"],
            )
            saved = imports.apply(result, user=request.user)
        except (imports.ImportFailed, CatalogError, ValidationError) as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            del request.session[SESSION_KEY]
            messages.success(
                request,
                ngettext(
                    "%(count)s commons imported.",
                    "%(count)s commons imported.",
                    len(saved),
                )
                % {"count": len(saved)},
            )
            return redirect(saved[0])
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data, name, source = _read(form)
                result = imports.preview(data, name=name, source=source)
            except imports.ImportFailed as exc:
                form.add_error(None, str(exc))
            else:
                request.session[SESSION_KEY] = {
                    "data": base64.b64encode(data).decode("ascii"),
                    "name": name,
                    "source": source,
                }
        if result is None:
            status = 400
    return render(
        request,
        "catalog/import.html",
        {"form": form, "result": result, "items": _display(result)},
        status=status,
    )


FIELD_LABELS = {
    "kind": _("Kind"),
    "title": _("Title"),
    "summary": _("Summary"),
    "description": _("Description"),
    "licence": _("Licence"),
    "maturity": _("Maturity"),
    "repository_url": _("Repository"),
    "documentation_url": _("Documentation"),
    "demo_url": _("Demo"),
    "download_url": _("Download"),
    "tags": _("Tags"),
}


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _display(result: imports.Preview | None) -> list[dict[str, Any]]:
    if result is None:
        return []
    return [
        {
            "action": item.action,
            "existing": item.existing,
            "title": item.fields.get("title", ""),
            "rows": [
                {
                    "label": FIELD_LABELS.get(c.field, c.field),
                    "old": _show(c.old),
                    "new": _show(c.new),
                }
                for c in item.changes
            ],
            "warnings": item.warnings,
            "errors": [
                f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in item.errors.items()
            ],
        }
        for item in result.items
    ]
