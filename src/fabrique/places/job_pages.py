"""The page of a batch geocoding job and the download of its result."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import jobs
from .batch import result_response


def _job(job_id: uuid.UUID) -> jobs.Job:
    job = jobs.load(job_id)
    if job is None:
        raise Http404("no such batch geocoding job, or it has expired")
    return job


@require_GET
def batch_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """Status and progress of a job; the download link once it is done."""
    job = _job(job_id)
    return render(
        request,
        "places/batch_job.html",
        {"job": job, "hours": settings.GEOCODER_JOB_HOURS},
    )


@require_GET
def batch_result(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The geocoded file of a finished job."""
    job = _job(job_id)
    if job.status != jobs.DONE:
        raise Http404("this job has no result (yet)")
    try:
        handle = job.result_path.open("rb")
    except FileNotFoundError:
        raise Http404("this job has no result") from None
    return result_response(handle, job.result_name, job.out_encoding)
