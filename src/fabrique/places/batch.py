"""CSV uploads through the batch geocoder, shared by both URL sets.

A file within the synchronous budget (``GEOCODER_CSV_SYNC_ROWS`` rows and
``GEOCODER_CSV_SYNC_SECONDS`` seconds, with at most
``GEOCODER_CSV_SYNC_AT_ONCE`` such files at once on the whole site) is
answered at once, as Addok does. Anything bigger becomes a background job
(:mod:`fabrique.places.jobs`): the request only copies the file, so no web
worker is ever held for long.
"""

from __future__ import annotations

import io
import tempfile
import time
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from fabrique.core import concurrency
from fabrique.geocoder.batch import Progress, reverse_csv, search_csv
from fabrique.geocoder.errors import GeocoderError

from . import jobs
from .engine import IndexUnavailable, get_index
from .params import FILTERS

SPOOL_BYTES = 8 * 1024 * 1024
SYNC_SCOPE = "geocoder-csv-sync"
DEFAULT_ENCODING = "utf-8-sig"


class CsvFailure(Exception):
    """The upload cannot be geocoded; ``title`` and ``description`` as Addok."""

    def __init__(self, status: int, title: str, description: str) -> None:
        super().__init__(description)
        self.status, self.title, self.description = status, title, description


class OverBudget(Exception):
    """A synchronous geocoding took longer than its budget."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def count_lines(handle: IO[bytes]) -> int:
    """Lines in a binary file (a bound on its rows), read in chunks."""
    handle.seek(0)
    lines = 0
    last = b""
    while chunk := handle.read(1024 * 1024):
        lines += chunk.count(b"\n")
        last = chunk
    handle.seek(0)
    return lines + (1 if last and not last.endswith(b"\n") else 0)


def geocode_file(
    source: IO[bytes],
    target: IO[bytes],
    params: Any,
    *,
    is_reverse: bool,
    name: str,
    progress: Progress | None = None,
) -> str:
    """Geocode ``source`` into ``target`` with Addok's form fields; return the
    output encoding.

    As Addok, the default encoding (``utf-8-sig``) is also the output's: the
    result starts with a byte-order mark, which spreadsheets need to read
    UTF-8. ``with_bom`` adds one to another UTF encoding.
    """
    encoding = params.get("encoding") or DEFAULT_ENCODING
    try:
        codec = io.TextIOWrapper(source, encoding=encoding, newline="")  # type: ignore[type-var]
    except LookupError:
        raise CsvFailure(
            400, "Invalid parameter", f"Unknown encoding {encoding!r}."
        ) from None
    plain = encoding.lower().replace("_", "-")
    out_encoding = "utf-8" if plain == DEFAULT_ENCODING else encoding
    text = io.TextIOWrapper(target, encoding=out_encoding, newline="")  # type: ignore[type-var]
    try:
        bom = plain == DEFAULT_ENCODING or _flag(params.get("with_bom"))
        if out_encoding.lower().startswith("utf") and bom:
            text.write("\ufeff")
        _run(codec, text, params, is_reverse=is_reverse, name=name, progress=progress)
        text.flush()
    finally:
        codec.detach()
        text.detach()
    return out_encoding


def geocode_upload(
    upload: UploadedFile | None, params: Any, *, is_reverse: bool, client: str
) -> FileResponse | jobs.Job:
    """Geocode an uploaded CSV row by row: the result file, or a queued job.

    ``params`` holds Addok's form fields: repeated ``columns``, ``delimiter``,
    ``encoding``, ``with_bom``, ``lat``/``lon`` columns, and ``type``,
    ``postcode``, ``citycode`` naming the columns that filter each row.
    Raises :class:`CsvFailure`, and :class:`concurrency.Busy` when the client
    already has as many jobs as allowed.
    """
    if upload is None:
        raise CsvFailure(400, "Missing file", 'Send the CSV as the "data" field.')
    limit = settings.GEOCODER_CSV_MAX_BYTES
    if upload.size and upload.size > limit:
        raise CsvFailure(
            413,
            "File too large",
            f"The file has {upload.size:,} bytes; at most {limit:,} are accepted.",
        )
    _check_encoding(params)
    name = upload.name or "data.csv"
    rows = max(0, count_lines(upload.file) - 1)
    if rows <= int(settings.GEOCODER_CSV_SYNC_ROWS):
        at_once = int(settings.GEOCODER_CSV_SYNC_AT_ONCE)
        held = concurrency.acquire(SYNC_SCOPE, "site", at_once, lease=120)
        if held is not None:
            try:
                return _answer_now(upload, params, is_reverse=is_reverse, name=name)
            except OverBudget:
                pass
            finally:
                concurrency.release(held)
    lease = concurrency.acquire(
        jobs.JOB_SCOPE,
        client,
        int(settings.GEOCODER_CSV_JOBS_PER_CLIENT),
        lease=int(settings.GEOCODER_JOB_LEASE_SECONDS),
    )
    if lease is None:
        raise concurrency.Busy(
            jobs.JOB_SCOPE, int(settings.GEOCODER_CSV_JOBS_PER_CLIENT), 60
        )
    spooled = getattr(upload, "temporary_file_path", None)
    return jobs.create(
        upload.file,  # type: ignore[arg-type]
        spooled_path=spooled() if spooled else None,
        filename=name,
        params=params,
        is_reverse=is_reverse,
        rows=rows,
        lease=lease,
    )


def _check_encoding(params: Any) -> None:
    encoding = params.get("encoding") or DEFAULT_ENCODING
    try:
        "".encode(encoding)
    except LookupError:
        raise CsvFailure(
            400, "Invalid parameter", f"Unknown encoding {encoding!r}."
        ) from None


def _answer_now(
    upload: UploadedFile, params: Any, *, is_reverse: bool, name: str
) -> FileResponse:
    deadline = time.monotonic() + float(settings.GEOCODER_CSV_SYNC_SECONDS)

    def progress(rows: int) -> None:
        if time.monotonic() > deadline:
            raise OverBudget

    # Spooled to disk past SPOOL_BYTES; the response closes it once sent.
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")  # noqa: SIM115
    try:
        upload.file.seek(0)
        out_encoding = geocode_file(
            upload.file,  # type: ignore[arg-type]
            target,
            params,
            is_reverse=is_reverse,
            name=name,
            progress=progress,
        )
    except BaseException:
        target.close()
        upload.file.seek(0)
        raise
    target.seek(0)
    return result_response(
        target, name.rsplit(".", 1)[0] + ".geocoded.csv", out_encoding
    )


def result_response(handle: IO[bytes], filename: str, encoding: str) -> FileResponse:
    """A geocoded CSV as an attachment, open to other sites as Addok's."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=f"text/csv; charset={encoding}",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _run(
    source: Any,
    target: Any,
    params: Any,
    *,
    is_reverse: bool,
    name: str,
    progress: Progress | None,
) -> None:
    delimiter = params.get("delimiter") or None
    filters = {k: params[k] for k in FILTERS if params.get(k)}
    encoding = params.get("encoding") or DEFAULT_ENCODING
    try:
        index = get_index()
        if is_reverse:
            reverse_csv(
                index,
                source,
                target,
                delimiter=delimiter,
                filters=filters,
                name=name,
                progress=progress,
            )
        else:
            search_csv(
                index,
                source,
                target,
                columns=params.getlist("columns") or None,
                delimiter=delimiter,
                filters=filters,
                lat_column=params.get("lat"),
                lon_column=params.get("lon"),
                name=name,
                progress=progress,
            )
    except GeocoderError as exc:
        raise CsvFailure(400, "Invalid CSV", str(exc)) from None
    except UnicodeDecodeError as exc:
        raise CsvFailure(
            400, f'Unable to decode with encoding "{encoding}"', str(exc)
        ) from None
    except UnicodeEncodeError as exc:
        raise CsvFailure(400, "Wrong encoding", str(exc)) from None
    except IndexUnavailable as exc:
        raise CsvFailure(503, "Service Unavailable", str(exc)) from None
