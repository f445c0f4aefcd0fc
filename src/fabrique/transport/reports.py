"""Report pages (of a version, of an on-demand job) and the rule catalogue.

The report is the ``report.json`` of the version's or job's folder (layout in
:mod:`fabrique.transport.storage`); what each notice code means comes from
the engine's rule registry, the same source as ``docs/gtfs/rules.md``.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from fabrique.core.concurrency import limit_concurrency
from fabrique.core.permissions import can_view
from fabrique.core.ratelimit import client_ip, ratelimit
from fabrique.gtfs.catalogue import MOBILITYDATA_RULES, rules_by_topic
from fabrique.gtfs.rules.registry import RULES, Rule
from fabrique.gtfs.rules.texts import RuleText, rule_text
from fabrique.transport import ondemand, storage
from fabrique.transport.models import JobStatus, ValidationJob, Version
from fabrique.transport.services import TransportError

SEVERITIES = ("ERROR", "WARNING", "INFO")
SEVERITY_LABELS = {
    "ERROR": _("Errors"),
    "WARNING": _("Warnings"),
    "INFO": _("Information"),
}
SEVERITY_NAMES = {"ERROR": _("error"), "WARNING": _("warning"), "INFO": _("info")}
# Topics of the registry, as the catalogue names them, for translation.
TOPICS = {
    "Files and CSV": _("Files and CSV"),
    "System": _("System"),
    "Values": _("Values"),
    "Keys": _("Keys"),
    "Agencies": _("Agencies"),
    "Stops": _("Stops"),
    "Routes": _("Routes"),
    "Trips": _("Trips"),
    "Stop times": _("Stop times"),
    "Calendar and validity": _("Calendar and validity"),
    "Shapes": _("Shapes"),
    "Feed information": _("Feed information"),
    "Transfers, frequencies and pathways": _("Transfers, frequencies and pathways"),
    "Fares": _("Fares"),
}
# The feed's counts (keys of MobilityData's report summary), for translation.
COUNT_LABELS = {
    "Agencies": _("Agencies"),
    "Blocks": _("Blocks"),
    "Routes": _("Routes"),
    "Shapes": _("Shapes"),
    "Stops": _("Stops"),
    "Trips": _("Trips"),
}
# Names of the sample columns every rule shares (MobilityData's field names),
# for translation; a rule's own columns are GTFS field names and stay as such.
SAMPLE_COLUMN_LABELS = {
    "filename": _("File"),
    "childFilename": _("Child file"),
    "csvRowNumber": _("Row"),
    "fieldName": _("Column"),
    "childFieldName": _("Child column"),
    "fieldValue": _("Value"),
    "parentFilename": _("Parent file"),
    "parentFieldName": _("Parent column"),
}
# Sample columns shown first, in this order; the others follow as they come.
FIRST_COLUMNS = (
    "filename",
    "childFilename",
    "csvRowNumber",
    "fieldName",
    "childFieldName",
    "fieldValue",
)
SAMPLES_PER_PAGE = 25


def topic_label(topic: str) -> str:
    return str(TOPICS.get(topic, topic))


def localised(rule: Rule) -> RuleText:
    """``rule``'s texts in the page's language (English where not written)."""
    return rule_text(rule, get_language() or settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class SampleColumn:
    """A column of a sample table: its key in report.json and its label."""

    key: str
    label: str

    @property
    def translated(self) -> bool:
        return self.key in SAMPLE_COLUMN_LABELS


# Reading the report ------------------------------------------------------------


def read_report(directory: Path) -> dict[str, Any] | None:
    """The report.json of a version or job folder; ``None`` when absent."""
    path = directory / storage.REPORT_JSON
    try:
        with path.open(encoding="utf-8") as handle:
            report = json.load(handle)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:
        raise Http404(f"unreadable report: {exc}") from exc
    if not isinstance(report, dict) or not isinstance(report.get("notices"), list):
        raise Http404("the report has no notices")
    return report


def sample_columns(samples: list[dict[str, Any]]) -> list[str]:
    """Column names of a sample table: file, row, field, value, then the rest."""
    seen: dict[str, None] = {}
    for sample in samples:
        for key in sample:
            seen.setdefault(key, None)
    first = [c for c in FIRST_COLUMNS if c in seen]
    return first + [c for c in seen if c not in FIRST_COLUMNS]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:g}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass
class SamplePage:
    """One page of a notice's sample table."""

    code: str
    columns: list[str]
    rows: list[list[str]]
    number: int
    pages: int
    stored: int
    total: int
    first: int = 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def headers(self) -> list[SampleColumn]:
        """The columns with their labels: translated names, or the field's."""
        return [
            SampleColumn(c, str(SAMPLE_COLUMN_LABELS.get(c, c))) for c in self.columns
        ]

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def sample_page(notice: dict[str, Any], number: int = 1) -> SamplePage:
    """Page ``number`` (from 1, clamped) of a notice's stored samples."""
    samples = [s for s in notice.get("sampleNotices") or [] if isinstance(s, dict)]
    columns = sample_columns(samples)
    paginator = Paginator(samples, SAMPLES_PER_PAGE)
    page = paginator.get_page(number)
    return SamplePage(
        code=str(notice.get("code", "")),
        columns=columns,
        rows=[[_cell(s.get(c)) for c in columns] for s in page.object_list],
        number=page.number,
        pages=paginator.num_pages,
        stored=len(samples),
        total=int(notice.get("totalNotices") or 0),
        first=page.start_index(),
    )


@dataclass
class NoticeView:
    code: str
    severity: str
    total: int
    rule: Rule | None
    samples: SamplePage

    @property
    def topic(self) -> str:
        return topic_label(self.rule.topic) if self.rule else ""

    @property
    def text(self) -> RuleText | None:
        return localised(self.rule) if self.rule else None


@dataclass
class Section:
    severity: str
    label: str
    total: int
    notices: list[NoticeView] = field(default_factory=list)


def report_sections(report: dict[str, Any]) -> list[Section]:
    """The notices of a report grouped by severity, errors first."""
    sections = {s: Section(s, str(SEVERITY_LABELS[s]), 0) for s in SEVERITIES}
    for notice in report.get("notices", []):
        if not isinstance(notice, dict):
            continue
        severity = str(notice.get("severity", "INFO")).upper()
        section = sections.get(severity, sections["INFO"])
        code = str(notice.get("code", ""))
        total = int(notice.get("totalNotices") or 0)
        section.total += total
        section.notices.append(
            NoticeView(code, severity, total, RULES.get(code), sample_page(notice))
        )
    for section in sections.values():
        section.notices.sort(key=lambda n: (-n.total, n.code))
    return list(sections.values())


def find_notice(report: dict[str, Any], code: str) -> dict[str, Any]:
    for notice in report.get("notices", []):
        if isinstance(notice, dict) and notice.get("code") == code:
            return notice
    raise Http404("no such notice in this report")


def report_context(report: dict[str, Any]) -> dict[str, Any]:
    """What the report template needs from a report.json."""
    rules_by_topic()  # fills the registry
    summary = dict(report.get("summary") or {})
    try:
        summary["validated"] = parse_datetime(str(summary.get("validatedAt") or ""))
    except ValueError:  # shaped like a date, but not one
        summary["validated"] = None
    sections = report_sections(report)
    return {
        "report": report,
        "summary": summary,
        "feed_info": summary.get("feedInfo") or {},
        "agencies": summary.get("agencies") or [],
        "files": summary.get("files") or [],
        "counts": [
            (str(COUNT_LABELS.get(name, name)), count)
            for name, count in (summary.get("counts") or {}).items()
        ],
        "features": summary.get("gtfsFeatures") or [],
        "sections": sections,
        "totals": {s.severity: s.total for s in sections},
    }


# Version report ----------------------------------------------------------------


def _version(request: HttpRequest, pk: int) -> Version:
    version = get_object_or_404(
        Version.objects.select_related("resource__dataset__commons"), pk=pk
    )
    if not can_view(request.user, version.resource.dataset.commons):
        raise Http404("no such version")
    return version


@require_GET
def version_report(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    report = read_report(version.directory)
    dataset = version.resource.dataset
    try:
        dataset_url = dataset.get_absolute_url()
    except NoReverseMatch:  # the dataset pages are not mounted
        dataset_url = ""
    context: dict[str, Any] = {
        "version": version,
        "dataset": dataset,
        "dataset_url": dataset_url,
        "report_name": version.filename,
        "samples_url_name": "transport:report_samples",
        "samples_url_arg": version.pk,
        "json_url": reverse("transport:report_json", args=[version.pk]),
        "html_url": reverse("transport:report_html", args=[version.pk]),
    }
    if report is not None:
        context.update(report_context(report))
    return render(request, "transport/report.html", context)


def _samples(
    request: HttpRequest, report: dict[str, Any] | None, code: str, **ctx: Any
) -> HttpResponse:
    if report is None:
        raise Http404("no report yet")
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = sample_page(find_notice(report, code), number)
    return render(request, "transport/_report_samples.html", {"page": page, **ctx})


@require_GET
def version_samples(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    version = _version(request, pk)
    return _samples(
        request,
        read_report(version.directory),
        code,
        samples_url_name="transport:report_samples",
        samples_url_arg=version.pk,
    )


def _download(
    directory: Path, name: str, content_type: str, filename: str
) -> FileResponse:
    path = directory / name
    if not path.is_file():
        raise Http404("not written yet")
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def version_report_json(request: HttpRequest, pk: int) -> FileResponse:
    version = _version(request, pk)
    return _download(
        version.directory,
        storage.REPORT_JSON,
        "application/json",
        f"report-{version.pk}.json",
    )


@require_GET
def version_report_html(request: HttpRequest, pk: int) -> FileResponse:
    version = _version(request, pk)
    response = _download(
        version.directory,
        storage.REPORT_HTML,
        "text/html; charset=utf-8",
        f"report-{version.pk}.html",
    )
    return _standalone(response)


def _standalone(response: FileResponse) -> FileResponse:
    # The standalone report carries its own <style>: allow it, nothing else.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response


# On-demand validation pages ------------------------------------------------------


class ValidateForm(forms.Form):
    file = forms.FileField(
        label=_("A GTFS file (zip)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    url = forms.URLField(
        label=_("or the address of a GTFS file"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…/gtfs.zip"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("file") and data.get("url"):
            raise forms.ValidationError(
                _("Send either a file or an address, not both."), code="both"
            )
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError(
                _("Choose a GTFS file or enter its address."), code="none"
            )
        return data


def _validate_page(
    request: HttpRequest, form: ValidateForm, status: int = 200, refusal: str = ""
) -> HttpResponse:
    return render(
        request,
        "transport/validate.html",
        {
            "form": form,
            "refusal": refusal,
            "max_upload": ondemand.max_upload(),
            "job_hours": settings.TRANSPORT_JOB_HOURS,
            "rules_url": reverse("transport:rules"),
        },
        status=status,
    )


def _too_many_jobs(request: HttpRequest, exc: ondemand.TooManyJobs) -> HttpResponse:
    response = _validate_page(request, ValidateForm(), status=429, refusal=str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@csrf_exempt
@limit_concurrency(ondemand.RATE_SCOPE)
def validate(request: HttpRequest) -> HttpResponse:
    """Upload a file or give an address; no account needed."""
    if request.method == "POST" and ondemand.body_too_large(request):
        # Refused before the body is read: nothing of it is kept.
        return _validate_page(
            request, ValidateForm(), status=413, refusal=ondemand.too_large_message()
        )
    return _validate_protected(request)


@csrf_protect
@ratelimit(ondemand.RATE_SCOPE, ondemand.RATE_SETTING)
def _validate_protected(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        return _validate_page(request, ValidateForm())
    client = ondemand.client_key(client_ip(request))
    try:
        ondemand.check_client(client)  # before the file is stored and checked
    except ondemand.TooManyJobs as exc:
        return _too_many_jobs(request, exc)
    form = ValidateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _validate_page(request, form, status=422)
    try:
        if form.cleaned_data.get("file"):
            job = ondemand.start_from_upload(form.cleaned_data["file"], client=client)
        else:
            job = ondemand.start_from_url(form.cleaned_data["url"], client=client)
    except ondemand.TooManyJobs as exc:
        return _too_many_jobs(request, exc)
    except TransportError as exc:
        form.add_error(None, str(exc))
        return _validate_page(request, form, status=422)
    return redirect("transport:job", job_id=job.pk)


def _job(job_id: uuid.UUID) -> ValidationJob:
    job = ondemand.live_job(job_id)
    if job is None:
        raise Http404("no such validation, or it has expired")
    return job


def _job_context(job: ValidationJob) -> dict[str, Any]:
    return {
        "job": job,
        "report_name": job.filename or job.source_url,
        "samples_url_name": "transport:job_samples",
        "samples_url_arg": job.pk,
        "json_url": reverse("transport:job_report_json", args=[job.pk]),
        "html_url": reverse("transport:job_report_html", args=[job.pk]),
    }


@require_GET
def job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The job's progress while it runs, its report once done."""
    found = _job(job_id)
    context = _job_context(found)
    polling = bool(getattr(request, "htmx", False))
    if found.status == JobStatus.DONE:
        if polling:  # the status box asks: show the report in the whole page
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        report = read_report(found.directory)
        if report is not None and report.get("summary", {}).get("format") == "netex":
            from fabrique.transport.formats.views import notices_context

            context.update(
                {"summary": report["summary"], "notices": notices_context(report)}
            )
            return render(request, "transport/netex_job.html", context)
        if report is not None:
            context.update(report_context(report))
            return render(request, "transport/report.html", context)
    if polling:
        return render(request, "transport/_job_status.html", context)
    return render(request, "transport/job.html", context)


@require_GET
def job_samples(request: HttpRequest, job_id: uuid.UUID, code: str) -> HttpResponse:
    found = _job(job_id)
    return _samples(
        request,
        read_report(found.directory),
        code,
        samples_url_name="transport:job_samples",
        samples_url_arg=found.pk,
    )


@require_GET
def job_report_json(request: HttpRequest, job_id: uuid.UUID) -> FileResponse:
    found = _job(job_id)
    return _download(
        found.directory, storage.REPORT_JSON, "application/json", "report.json"
    )


@require_GET
def job_report_html(request: HttpRequest, job_id: uuid.UUID) -> FileResponse:
    found = _job(job_id)
    return _standalone(
        _download(
            found.directory,
            storage.REPORT_HTML,
            "text/html; charset=utf-8",
            "report.html",
        )
    )


# Rule catalogue ----------------------------------------------------------------


def _rule_matches(rule: Rule, query: str) -> bool:
    text = localised(rule)
    haystack = (
        f"{rule.code} {rule.description} {rule.doc} {text.description} {text.doc}"
    ).lower()
    return all(word in haystack for word in query.lower().split())


@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    """Every rule of the registry, by topic, with filters and a search box."""
    topics = rules_by_topic()
    severity = request.GET.get("severity", "").upper()
    severity = severity if severity in SEVERITIES else ""
    topic = request.GET.get("topic", "")
    topic = topic if topic in topics else ""
    query = request.GET.get("q", "").strip()[:100]
    groups = []
    shown = 0
    for name, declared in topics.items():
        if topic and name != topic:
            continue
        kept = [
            r
            for r in declared
            if (not severity or r.severity.value == severity)
            and (not query or _rule_matches(r, query))
        ]
        if kept:
            groups.append({"topic": name, "label": topic_label(name), "rules": kept})
            shown += len(kept)
    counts = {
        s: sum(1 for rs in topics.values() for r in rs if r.severity.value == s)
        for s in SEVERITIES
    }
    context = {
        "groups": groups,
        "shown": shown,
        "total": sum(counts.values()),
        "counts": [(s, SEVERITY_LABELS[s], counts[s]) for s in SEVERITIES],
        "topics": [(name, topic_label(name)) for name in topics],
        "severity": severity,
        "topic": topic,
        "q": query,
        "severities": [(s, SEVERITY_NAMES[s]) for s in SEVERITIES],
        "mobilitydata_url": MOBILITYDATA_RULES,
        "filtered": bool(severity or topic or query),
    }
    template = (
        "transport/_rules_list.html"
        if getattr(request, "htmx", False) and not request.htmx.boosted
        else "transport/rules.html"
    )
    return render(request, template, context)
