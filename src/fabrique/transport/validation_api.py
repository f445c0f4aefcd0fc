"""On-demand validation under /api/1/transport/validations/.

No account is needed; calls are limited per client by
``RATELIMIT_TRANSPORT_VALIDATE`` (shared with the page). Send a GTFS zip as
the multipart field ``file``, or JSON ``{"url": "https://…"}``; poll the job
until its status is ``done`` or ``failed``; read the report.json.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.throttling import BaseThrottle

from fabrique.api.errors import ApiError, ErrorOut
from fabrique.core import concurrency
from fabrique.core.ratelimit import RateLimited, client_ip, hit, setting_rate
from fabrique.transport import ondemand, storage
from fabrique.transport.models import JobStatus, ValidationJob
from fabrique.transport.services import TransportError

router = Router(tags=["transport"])


class ValidationThrottle(BaseThrottle):
    """The page's limit of on-demand validations, per client address."""

    def allow_request(self, request: HttpRequest) -> bool:
        try:
            hit(
                ondemand.RATE_SCOPE,
                client_ip(request),
                setting_rate(ondemand.RATE_SETTING),
            )
        except RateLimited as exc:
            request._api_retry_after = exc.retry_after  # type: ignore[attr-defined]
            return False
        return True

    def wait(self) -> float | None:
        return None


class JobCreated(Schema):
    id: uuid.UUID
    status: str
    url: str


class JobOut(Schema):
    id: uuid.UUID
    status: str
    progress: int
    progress_message: str
    filename: str
    source_url: str
    size: int
    errors: int
    warnings: int
    infos: int
    error: str
    created: datetime
    finished: datetime | None
    expires_at: datetime
    report_url: str | None
    page_url: str


def _job_out(job: ValidationJob) -> dict[str, Any]:
    done = job.status == JobStatus.DONE
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "progress_message": job.progress_message,
        "filename": job.filename,
        "source_url": job.source_url,
        "size": job.size,
        "errors": job.errors,
        "warnings": job.warnings,
        "infos": job.infos,
        "error": job.error,
        "created": job.created,
        "finished": job.finished,
        "expires_at": job.expires_at,
        "report_url": reverse("api:transport_validation_report", args=[job.pk])
        if done
        else None,
        "page_url": reverse("transport:job", args=[job.pk]),
    }


def _live(job_id: str) -> ValidationJob:
    # A malformed id is a job that does not exist: 404, like an unknown one.
    job = ondemand.live_job(job_id)
    if job is None:
        raise ApiError(404, "No such validation, or it has expired.")
    return job


REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "url": {"type": "string", "format": "uri", "maxLength": 1000}
                },
                "required": ["url"],
            }
        },
    },
}


def _url_from_json(request: HttpRequest) -> str:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The request body is not valid JSON.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        raise ApiError(
            422,
            "Some fields are invalid.",
            details=[
                {
                    "field": "url",
                    "message": "an http(s) address is required",
                    "type": "missing",
                }
            ],
        )
    return data["url"]


@router.post(
    "/",
    response={
        202: JobCreated,
        400: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    throttle=[ValidationThrottle()],
    url_name="transport_validations",
    summary="Validate a GTFS feed (file or address)",
    description=(
        "Send a GTFS zip as the multipart field `file`, or JSON "
        '`{"url": "https://…"}`. Answers 202 with the job id; poll '
        "`GET /api/1/transport/validations/{id}/`. No account needed; limited "
        "per client (`RATELIMIT_TRANSPORT_VALIDATE`, "
        "`CONCURRENCY_HEAVY_PER_CLIENT` uploads at once, and "
        "`TRANSPORT_VALIDATIONS_PER_CLIENT` validations waiting or running: "
        "429 `too_many_validations` beyond)."
    ),
    openapi_extra={"requestBody": REQUEST_BODY},
)
def create_validation(request: HttpRequest) -> Status:
    if ondemand.body_too_large(request):
        raise ApiError(413, ondemand.too_large_message())
    try:
        with concurrency.slot(
            ondemand.RATE_SCOPE,
            client_ip(request),
            concurrency.client_limit(),
            lease=concurrency.lease_seconds(),
        ):
            return _create_validation(request)
    except concurrency.Busy as exc:
        raise ApiError(429, str(exc.message())) from None


def _create_validation(request: HttpRequest) -> Status:
    content_type = request.content_type or ""
    client = ondemand.client_key(client_ip(request))
    try:
        ondemand.check_client(client)  # before the body is read
        if content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                raise ApiError(
                    422,
                    "Some fields are invalid.",
                    details=[
                        {
                            "field": "file",
                            "message": "a GTFS zip is required",
                            "type": "missing",
                        }
                    ],
                )
            job = ondemand.start_from_upload(upload, client=client)
        else:
            job = ondemand.start_from_url(_url_from_json(request), client=client)
    except ondemand.TooManyJobs as exc:
        raise ApiError(
            429,
            str(exc),
            code="too_many_validations",
            details={"limit": exc.limit, "retry_after": exc.retry_after},
        ) from exc
    except TransportError as exc:
        raise ApiError(422, str(exc), code="invalid_feed") from exc
    return Status(
        202,
        {
            "id": job.pk,
            "status": job.status,
            "url": reverse("api:transport_validation", args=[job.pk]),
        },
    )


@router.get(
    "/{job_id}/",
    response={200: JobOut, 404: ErrorOut},
    url_name="transport_validation",
    summary="Status and progress of an on-demand validation",
)
def get_validation(request: HttpRequest, job_id: str) -> dict[str, Any]:
    return _job_out(_live(job_id))


@router.get(
    "/{job_id}/report/",
    response={200: dict[str, Any], 404: ErrorOut, 409: ErrorOut},
    url_name="transport_validation_report",
    summary="The report.json of a finished validation",
    description=(
        "MobilityData's report.json structure. 409 while the validation runs "
        "or when it failed (the job's `error` says why)."
    ),
)
def get_validation_report(request: HttpRequest, job_id: str) -> FileResponse:
    job = _live(job_id)
    if job.status == JobStatus.FAILED:
        raise ApiError(
            409, f"The validation failed: {job.error}", code="validation_failed"
        )
    path = job.directory / storage.REPORT_JSON
    if job.status != JobStatus.DONE or not path.is_file():
        raise ApiError(
            409,
            f"The validation is not finished (status {job.status}, "
            f"{job.progress}%); poll the job and try again.",
            code="not_ready",
        )
    return FileResponse(path.open("rb"), content_type="application/json")
