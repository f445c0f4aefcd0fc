"""CSV uploads through the batch geocoder, shared by both URL sets."""

from __future__ import annotations

import io
import tempfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from fabrique.geocoder.batch import reverse_csv, search_csv
from fabrique.geocoder.errors import GeocoderError

from .engine import IndexUnavailable, get_index
from .params import FILTERS

SPOOL_BYTES = 8 * 1024 * 1024


class CsvFailure(Exception):
    """The upload cannot be geocoded; ``title`` and ``description`` as Addok."""

    def __init__(self, status: int, title: str, description: str) -> None:
        super().__init__(description)
        self.status, self.title, self.description = status, title, description


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def geocode_upload(
    upload: UploadedFile | None, params: Any, *, is_reverse: bool
) -> FileResponse:
    """Geocode an uploaded CSV row by row; answer the result file.

    ``params`` holds Addok's form fields: repeated ``columns``, ``delimiter``,
    ``encoding``, ``with_bom``, ``lat``/``lon`` columns, and ``type``,
    ``postcode``, ``citycode`` naming the columns that filter each row.
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
    encoding = params.get("encoding") or "utf-8-sig"
    try:
        codec = io.TextIOWrapper(upload.file, encoding=encoding, newline="")  # type: ignore[arg-type]
    except LookupError:
        raise CsvFailure(
            400, "Invalid parameter", f"Unknown encoding {encoding!r}."
        ) from None
    plain = encoding.lower().replace("_", "-") == "utf-8-sig"
    out_encoding = "utf-8" if plain else encoding
    # Spooled to disk past SPOOL_BYTES; the response closes it once sent.
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")  # noqa: SIM115
    text = io.TextIOWrapper(target, encoding=out_encoding, newline="")
    try:
        if out_encoding.lower().startswith("utf") and _flag(params.get("with_bom")):
            text.write("\ufeff")
        _run(codec, text, params, is_reverse=is_reverse, name=upload.name or "data")
        text.flush()
    except BaseException:
        text.close()
        raise
    finally:
        codec.detach()
    text.detach()
    target.seek(0)
    name = (upload.name or "data.csv").rsplit(".", 1)[0] + ".geocoded.csv"
    response = FileResponse(
        target,
        as_attachment=True,
        filename=name,
        content_type=f"text/csv; charset={out_encoding}",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _run(source: Any, target: Any, params: Any, *, is_reverse: bool, name: str) -> None:
    delimiter = params.get("delimiter") or None
    filters = {k: params[k] for k in FILTERS if params.get(k)}
    encoding = params.get("encoding") or "utf-8-sig"
    try:
        index = get_index()
        if is_reverse:
            reverse_csv(
                index, source, target, delimiter=delimiter, filters=filters, name=name
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
