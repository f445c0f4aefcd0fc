"""Transport pages: the dataset list, a dataset, a version and its diff, forms.

Reads are public (datasets hidden by moderation excepted). Writes need an
account; adding resources and versions needs to hold the dataset or belong to
its publisher (:func:`fabrique.transport.services.can_manage`).

Uploads are bounded while they arrive: :class:`LimitedUploadHandler` stops
reading a file past ``TRANSPORT_MAX_UPLOAD``, so a huge upload never reaches
the disk. Because upload handlers must be set before the request body is
read, the upload views are CSRF-exempt on the outside and CSRF-checked inside,
as Django's documentation shows.
"""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from fabrique.catalog.models import Actor
from fabrique.core import discussions, follows, queue
from fabrique.core.permissions import can_moderate
from fabrique.transport import following, services, storage
from fabrique.transport.forms import (
    DatasetFilterForm,
    DatasetForm,
    ResourceForm,
    ReuseForm,
    VersionUploadForm,
)
from fabrique.transport.models import (
    Dataset,
    Resource,
    ResourceFormat,
    Version,
    VersionStatus,
)

EXPIRING_DAYS = 30
HISTORY_LIMIT = 50


# Uploads -------------------------------------------------------------------


class LimitedUploadHandler(FileUploadHandler):
    """Stops an upload as soon as it passes the transport size limit."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.transport_upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _limit_uploads(request: HttpRequest) -> None:
    limit = settings.TRANSPORT_MAX_UPLOAD
    request.transport_upload_too_large = False  # type: ignore[attr-defined]
    request.upload_handlers.insert(0, LimitedUploadHandler(request, limit))


def _upload_refused(request: HttpRequest) -> str:
    if getattr(request, "transport_upload_too_large", False):
        return services.too_large_message(settings.TRANSPORT_MAX_UPLOAD)
    return ""


# Helpers -------------------------------------------------------------------


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _has_partials() -> bool:
    """Whether the map and calendar partials (their template tags) exist."""
    return importlib.util.find_spec(
        "fabrique.transport.templatetags.transport_partials"
    ) is not None and _template_exists("transport/_map.html")


def report_url(version: Version) -> str:
    try:
        return reverse("transport:report", args=[version.pk])
    except NoReverseMatch:  # the report pages are not mounted
        return f"/transport/versions/{version.pk}/rapport/"


def _dataset_or_404(request: HttpRequest, slug: str) -> Dataset:
    return get_object_or_404(
        services.visible_datasets(request.user), commons__slug=slug
    )


def _version_or_404(request: HttpRequest, pk: int) -> Version:
    version = get_object_or_404(
        Version.objects.select_related(
            "resource__dataset__commons", "resource__dataset__publisher", "created_by"
        ),
        pk=pk,
    )
    if version.resource.dataset.commons.hidden and not can_moderate(request.user):
        raise Http404
    return version


def validity_state(valid_from: Any, valid_until: Any) -> str:
    """``valid``, ``expiring``, ``expired``, ``future`` or ``unknown``."""
    if valid_until is None:
        return "unknown"
    today = timezone.localdate()
    if valid_until < today:
        return "expired"
    if valid_from is not None and valid_from > today:
        return "future"
    if valid_until <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "valid"


# Dataset list ----------------------------------------------------------------


def _filtered(rows: QuerySet[Dataset], data: dict[str, Any]) -> QuerySet[Dataset]:
    today = timezone.localdate()
    if data.get("q"):
        rows = rows.filter(
            Q(commons__title__icontains=data["q"])
            | Q(coverage__icontains=data["q"])
            | Q(commons__summary__icontains=data["q"])
        )
    if data.get("format"):
        rows = rows.filter(
            Exists(
                Resource.objects.filter(dataset=OuterRef("pk"), format=data["format"])
            )
        )
    if data.get("publisher"):
        rows = rows.filter(publisher__slug=data["publisher"])
    validity = data.get("validity")
    if validity == "valid":
        rows = rows.filter(valid_until__gte=today).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today)
        )
    elif validity == "expiring":
        rows = rows.filter(
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=EXPIRING_DAYS),
        )
    elif validity == "expired":
        rows = rows.filter(valid_until__lt=today)
    if data.get("errors") == "yes":
        rows = rows.filter(has_errors=True)
    elif data.get("errors") == "no":
        rows = rows.filter(has_errors=False, valid_until__isnull=False)
    return rows


def dataset_list(request: HttpRequest) -> HttpResponse:
    publishers = [
        (slug, name)
        for slug, name in Actor.objects.filter(
            hidden=False, transport_datasets__isnull=False
        )
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    ]
    form = DatasetFilterForm(request.GET or None, publishers=publishers)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # unknown values are dropped, the rest still filters
        data = {k: v for k, v in form.cleaned_data.items() if v}
    rows = _filtered(services.visible_datasets(request.user), data).order_by(
        "-updated", "-pk"
    )
    paginator = Paginator(rows, settings.FABRIQUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    state = [(k, str(v)) for k, v in data.items()]

    def page_url(number: int) -> str:
        params = state + ([("page", str(number))] if number > 1 else [])
        return f"?{urlencode(params)}" if params else request.path

    items = [
        {
            "dataset": dataset,
            "validity": validity_state(dataset.valid_from, dataset.valid_until),
        }
        for dataset in page.object_list
    ]
    return render(
        request,
        "transport/dataset_list.html",
        {
            "form": form,
            "page": page,
            "items": items,
            "total": paginator.count,
            "filtered": bool(data),
            "previous_url": page_url(page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": page_url(page.next_page_number()) if page.has_next() else "",
            "can_create": request.user.is_authenticated,
        },
    )


# Dataset page ----------------------------------------------------------------


def _ready_gtfs(dataset: Dataset) -> QuerySet[Version]:
    return (
        Version.objects.filter(
            resource__dataset=dataset,
            resource__format=ResourceFormat.GTFS,
            status=VersionStatus.READY,
        )
        .select_related("resource")
        .order_by("-created", "-pk")
    )


def _stored(version: Version) -> bool:
    return (version.directory / storage.STORE_DIR / "manifest.json").is_file()


MAX_STOP_CHOICES = 3000
DEPARTURES_LIMIT = 30


def _stop_choices(version: Version) -> list[tuple[str, str]]:
    """Stations and stops outside stations, by name, for the departures form."""
    collection = services.read_json(version, storage.STOPS_GEOJSON) or {}
    choices = []
    for feature in collection.get("features", [])[: MAX_STOP_CHOICES * 3]:
        props = feature.get("properties") or {}
        if props.get("location_type") not in (0, 1, None) or props.get(
            "parent_station"
        ):
            continue
        name = props.get("stop_name") or props.get("stop_id")
        if props.get("location_type") == 1:
            name = _("%(name)s (station)") % {"name": name}
        choices.append((str(props.get("stop_id")), str(name)))
    choices.sort(key=lambda c: (c[1].casefold(), c[0]))
    return choices[:MAX_STOP_CHOICES]


def _departures(request: HttpRequest, version: Version) -> dict[str, Any]:
    """The departures form and, when a stop is chosen, a page of its departures.

    ``after`` (a time of the day) and ``skip`` (departures at that very time
    already shown) place the page; the links to the next and previous pages
    carry them.
    """
    from fabrique.gtfs import query
    from fabrique.gtfs.errors import GTFSError
    from fabrique.transport import departures

    today = timezone.localdate()
    stop_id = (request.GET.get("stop") or request.GET.get("stop_id") or "")[:200]
    day_text = request.GET.get("date", "")[:10]
    after_text = request.GET.get("after", "")[:8]
    context: dict[str, Any] = {
        "stops": _stop_choices(version),
        "stop_id": stop_id,
        "day": today,
        "after": after_text[:5],
        "rows": None,
        "error": "",
        "next_url": "",
        "previous_url": "",
        "api_url": "",
    }
    if day_text:
        try:
            context["day"] = date.fromisoformat(day_text)
        except ValueError:
            context["error"] = _("%(value)s is not a date.") % {"value": day_text}
            return context
    after = 0
    if after_text:
        try:
            after = query.parse_time(after_text)
        except query.QueryError:
            after = -1
        if not 0 <= after < query.DAY:
            context["error"] = _(
                "%(value)s is not a time of the day (HH:MM, before 24:00)."
            ) % {"value": after_text}
            return context
    try:
        skip = max(int(request.GET.get("skip") or 0), 0)
    except ValueError:
        skip = 0
    if not stop_id:
        return context
    store_dir = version.directory / storage.STORE_DIR
    try:
        found = departures.page(
            store_dir,
            stop_id,
            context["day"],
            after=after,
            skip=min(skip, query.MAX_LIMIT),
            limit=DEPARTURES_LIMIT,
            with_previous=True,
        )
    except query.NotFound:
        context["error"] = _("This feed has no stop %(id)s.") % {"id": stop_id}
        return context
    except GTFSError as exc:
        context["error"] = str(exc)
        return context
    for row in found.rows:
        row["platform"] = found.platforms.get(str(row["stop_id"]), "")
    context["rows"] = found.rows
    base = [("stop", stop_id), ("date", context["day"].isoformat())]

    def link(position: tuple[int, int] | None) -> str:
        if position is None:
            return ""
        when, skipped = position
        params = [*base, ("after", departures.cursor_text(when))]
        if skipped:
            params.append(("skip", str(skipped)))
        return f"?{urlencode(params)}#departures"

    context["next_url"] = link(found.next)
    context["previous_url"] = link(found.previous)
    try:
        context["api_url"] = (
            reverse("api:dataset_departures", args=[version.resource.dataset.slug])
            + "?"
            + urlencode(
                [("stop", stop_id), ("date", context["day"].isoformat())]
                + ([("after", after_text)] if after_text else [])
            )
        )
    except NoReverseMatch:
        context["api_url"] = ""
    return context


def dataset_detail(
    request: HttpRequest, slug: str, reuse_form: ReuseForm | None = None
) -> HttpResponse:
    dataset = _dataset_or_404(request, slug)
    resources = list(
        dataset.resources.prefetch_related(
            Prefetch(
                "versions",
                queryset=Version.objects.select_related("created_by").order_by(
                    "-number"
                ),
            )
        )
    )
    manage = services.can_manage(request.user, dataset)
    downloads = following.downloads_by_resource(dataset)
    for resource in resources:
        resource.downloads = downloads.get(resource.pk, 0)  # type: ignore[attr-defined]
        versions = list(resource.versions.all())
        resource.history = versions[:HISTORY_LIMIT]  # type: ignore[attr-defined]
        resource.more_versions = max(len(versions) - HISTORY_LIMIT, 0)  # type: ignore[attr-defined]
        resource.pending = [v for v in versions if v.is_pending]  # type: ignore[attr-defined]
        resource.upload_form = VersionUploadForm(prefix=f"r{resource.pk}")  # type: ignore[attr-defined]
        for version in resource.history:  # type: ignore[attr-defined]
            version.report_url = report_url(version)  # type: ignore[attr-defined]
    ready = list(_ready_gtfs(dataset)[:10])
    version = ready[0] if ready else None
    # The map, calendar and departures come from the latest version stored
    # (a newer one may be checked but unusable).
    network = next((v for v in ready if _stored(v)), None)
    summary = services.read_json(network, storage.SUMMARY_JSON) if network else None
    context = {
        "dataset": dataset,
        "commons": dataset.commons,
        "resources": resources,
        "version": version,
        "summary": summary,
        "report_url": report_url(version) if version else "",
        "validity": validity_state(dataset.valid_from, dataset.valid_until),
        "can_manage": manage,
        "resource_form": ResourceForm() if manage else None,
        "has_partials": _has_partials(),
        "network_version": network,
        "realtime_layers": _realtime_layers(resources),
        "departures": _departures(request, network) if network else None,
        "max_upload_mb": settings.TRANSPORT_MAX_UPLOAD // 1024**2,
        **_engagement(request, dataset, reuse_form),
    }
    return render(request, "transport/dataset_detail.html", context)


def _realtime_layers(resources: list[Resource]) -> list[dict[str, Any]]:
    """Map layers of the located vehicles of each followed GTFS-RT feed."""
    return [
        {
            "url": f"/api/1/transport/resources/{r.pk}/realtime/vehicles.geojson",
            "kind": "points",
            "label": _("Vehicles (%(title)s)") % {"title": r.title},
            "color": "#b3261e",
            "detail_property": "routeId",
        }
        for r in resources
        if r.format == ResourceFormat.GTFS_RT and r.url
    ]


def _report_url(obj: Any) -> str:
    try:
        return reverse("core:report", args=[obj._meta.label_lower, obj.pk])
    except NoReverseMatch:
        return ""


def _engagement(
    request: HttpRequest, dataset: Dataset, reuse_form: ReuseForm | None = None
) -> dict[str, Any]:
    """Follow, discussions, reuses, report link, frequency and coverage."""
    commons = dataset.commons
    reuses = following.reuses_of(dataset)
    for reuse in reuses:
        reuse.report_url = _report_url(reuse)  # type: ignore[attr-defined]
    return {
        "following": follows.is_following(request.user, commons),
        "followers": follows.followers_count(commons),
        "discussions": discussions.discussions_of(commons)[:5],
        "reuses": reuses,
        "reuse_form": (reuse_form or ReuseForm())
        if request.user.is_authenticated
        else None,
        "dataset_report_url": _report_url(commons),
        "frequency": following.dataset_frequency(dataset),
        "coverage": following.temporal_coverage(dataset),
    }


@require_POST
@login_required
def dataset_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow the dataset (its commons): new versions, errors, expiry."""
    from fabrique.catalog import services as catalog_services

    dataset = _dataset_or_404(request, slug)
    if request.POST.get("action") == "unfollow":
        catalog_services.unfollow(dataset.commons, user=request.user)
        messages.success(
            request, _("You no longer follow %(name)s.") % {"name": dataset.title}
        )
    else:
        catalog_services.follow(dataset.commons, user=request.user)
        messages.success(
            request,
            _(
                "You follow %(name)s: you will hear of its new versions, new "
                "errors and, 30 and 7 days before, of the end of its data."
            )
            % {"name": dataset.title},
        )
    return redirect(f"{dataset.get_absolute_url()}#follow")


@require_POST
@login_required
def reuse_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Declare a reuse of the dataset."""
    dataset = _dataset_or_404(request, slug)
    form = ReuseForm(request.POST)
    if form.is_valid():
        try:
            following.add_reuse(dataset, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Thank you: the reuse is listed."))
            return redirect(f"{dataset.get_absolute_url()}#reuses")
    request.method = "GET"
    response = dataset_detail(request, slug, reuse_form=form)
    response.status_code = 400
    return response


@login_required
def dataset_create(request: HttpRequest) -> HttpResponse:
    form = DatasetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.create_dataset(
                user=request.user,
                data=form.commons_data(),
                publisher=form.cleaned_data["publisher"],
                coverage=form.cleaned_data["coverage"],
            )
        except services.TransportError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Dataset created. Add its first resource: a file or an address."),
            )
            return redirect(dataset.get_absolute_url() + "#add-resource")
    return render(request, "transport/dataset_form.html", {"form": form})


@login_required
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _dataset_or_404(request, slug)
    services.require_manage(request.user, dataset)
    commons = dataset.commons
    initial = {
        "title": commons.title,
        "summary": commons.summary,
        "description": commons.description,
        "licence": commons.licence,
        "publisher": dataset.publisher,
        "coverage": dataset.coverage,
    }
    form = DatasetForm(request.POST or None, initial=initial, user=request.user)
    if dataset.publisher_id:
        queryset = form.fields["publisher"].queryset  # type: ignore[attr-defined]
        # The member's organisations plus the current publisher (which they may
        # have left): a distinct queryset cannot be OR-ed, so filter on its keys.
        form.fields["publisher"].queryset = Actor.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=queryset.values("pk")) | Q(pk=dataset.publisher_id)
        ).order_by("name")
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.commons_data().items() if getattr(commons, k) != v
        }
        try:
            services.update_dataset(
                dataset,
                user=request.user,
                base_revision=commons.revision,
                data=data,
                publisher=form.cleaned_data["publisher"],
                coverage=form.cleaned_data["coverage"],
            )
        except (services.TransportError, ValidationError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dataset saved."))
            return redirect(dataset.get_absolute_url())
    return render(
        request, "transport/dataset_form.html", {"form": form, "dataset": dataset}
    )


# Resources and versions --------------------------------------------------------


def _enqueue_fetch(resource: Resource) -> None:
    from fabrique.transport.tasks import fetch_resource_task

    # A queue that is down keeps the fetch until it answers.
    transaction.on_commit(lambda: queue.enqueue(fetch_resource_task, resource.pk))


@csrf_exempt
def resource_create(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        _limit_uploads(request)
    return _resource_create(request, slug)


@csrf_protect
@login_required
def _resource_create(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _dataset_or_404(request, slug)
    services.require_manage(request.user, dataset)
    form = ResourceForm(request.POST or None, request.FILES or None)
    refused = _upload_refused(request) if request.method == "POST" else ""
    if refused:
        form.add_error("file", refused)
    if request.method == "POST" and not refused and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                resource = services.add_resource(
                    dataset,
                    user=request.user,
                    title=data["title"],
                    format=data["format"],
                    url=data["url"],
                    fetch_every_hours=data["fetch_every_hours"],
                )
                if data.get("file"):
                    services.add_version_from_upload(
                        resource, data["file"], request.user
                    )
                elif resource.url:
                    _enqueue_fetch(resource)
        except services.TransportError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Resource added. Its first version is being checked.")
                if data.get("file") or resource.url
                else _("Resource added. Upload its first version below."),
            )
            return redirect(dataset.get_absolute_url())
    return render(
        request, "transport/resource_form.html", {"form": form, "dataset": dataset}
    )


@csrf_exempt
def version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        _limit_uploads(request)
    return _version_upload(request, pk)


@csrf_protect
@login_required
def _version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("dataset__commons"), pk=pk
    )
    dataset = resource.dataset
    if dataset.commons.hidden and not can_moderate(request.user):
        raise Http404
    services.require_manage(request.user, dataset)
    if request.method != "POST":
        return redirect(dataset.get_absolute_url())
    form = VersionUploadForm(request.POST, request.FILES, prefix=f"r{resource.pk}")
    refused = _upload_refused(request)
    if refused:
        messages.error(request, refused)
    elif not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            version = services.add_version_from_upload(
                resource, form.cleaned_data["file"], request.user
            )
        except services.DuplicateVersion as exc:
            messages.info(request, str(exc))
        except services.TransportError as exc:
            messages.error(
                request,
                _("The file was refused: %(reason)s") % {"reason": exc},
            )
        else:
            messages.success(
                request,
                _("Version %(number)s received; it is being checked.")
                % {"number": version.number},
            )
    return redirect(f"{dataset.get_absolute_url()}#resource-{resource.pk}")


@require_POST
@login_required
def resource_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("dataset__commons"), pk=pk
    )
    services.require_manage(request.user, resource.dataset)
    if not resource.url:
        messages.error(request, _("This resource has no address to fetch."))
    else:
        _enqueue_fetch(resource)
        messages.info(
            request,
            _(
                "Fetching the address. A new version appears here if its content "
                "changed."
            ),
        )
    return redirect(f"{resource.dataset.get_absolute_url()}#resource-{resource.pk}")


@require_POST
@login_required
def version_retry(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    try:
        services.retry_version(version, user=request.user)
    except services.TransportError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("The version is being checked again."))
    return redirect(version.get_absolute_url())


def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    resource = version.resource
    dataset = resource.dataset
    previous = (
        resource.versions.filter(number__lt=version.number).order_by("-number").first()
    )
    following = (
        resource.versions.filter(number__gt=version.number).order_by("number").first()
    )
    diff = version.diff or None
    against = None
    if diff and diff.get("against"):
        against = Version.objects.filter(pk=diff["against"].get("version")).first()
    sections = []
    if diff:
        for key, label in (
            ("routes", _("Routes")),
            ("stops", _("Stops")),
            ("trips", _("Trips")),
        ):
            part = diff.get(key) or {}
            counts = part.get("counts") or {}
            sections.append(
                {
                    "key": key,
                    "label": label,
                    "counts": counts,
                    "groups": [
                        (change, change_label, part.get(change) or [])
                        for change, change_label in (
                            ("added", _("added")),
                            ("removed", _("removed")),
                            ("changed", _("changed")),
                        )
                    ],
                    "total": sum(counts.values()) if counts else 0,
                }
            )
    context = {
        "version": version,
        "resource": resource,
        "dataset": dataset,
        "previous": previous,
        "following": following,
        "diff": diff,
        "against": against,
        "sections": sections,
        "validity_change": (diff or {}).get("validity"),
        "report_url": report_url(version),
        "summary": services.read_json(version, storage.SUMMARY_JSON),
        "can_manage": services.can_manage(request.user, dataset),
    }
    return render(request, "transport/version_detail.html", context)


def version_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx while a version is checked."""
    version = _version_or_404(request, pk)
    response = render(
        request,
        "transport/version_progress.html",
        {"version": version, "poll": version.is_pending},
    )
    if not version.is_pending and request.headers.get("HX-Request"):
        # Done: reload the page so the report, map and calendar appear.
        response["HX-Refresh"] = "true"
    return response


def version_file(request: HttpRequest, pk: int) -> FileResponse:
    """The version's original file, as received."""
    version = _version_or_404(request, pk)
    path = version.original_path
    if not path.is_file():
        raise Http404
    following.count_download(version)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
