"""``POST /api/1/imports/`` (a file) and ``POST /api/1/imports/url/`` (an
address): preview (dry run) or apply an import of commons from a
publiccode.yml, a codemeta.json or an OKH manifest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from fabrique.api.auth import WRITE_AUTH
from fabrique.api.common import caller
from fabrique.api.errors import ERRORS, ApiError
from fabrique.api.ratelimit import write_throttle
from fabrique.catalog import imports

router = Router(tags=["imports"])


class ChangeOut(Schema):
    field: str
    old: Any = None
    new: Any = None


class ItemOut(Schema):
    action: str
    commons: str | None = None
    source: str
    key: str
    fields: dict[str, Any]
    changes: list[ChangeOut]
    warnings: list[str]
    errors: dict[str, str]


class ImportOut(Schema):
    format: str
    source: str
    valid: bool
    applied: bool
    items: list[ItemOut]
    problems: list[str] = []


def describe(result: imports.Preview, applied: list[Any] | None) -> dict[str, Any]:
    items = []
    for i, item in enumerate(result.items):
        saved = applied[i] if applied else item.existing
        items.append(
            {
                "action": item.action,
                "commons": saved.slug if saved is not None else None,
                "source": item.uri,
                "key": item.key,
                "fields": item.fields,
                "changes": [vars(c) for c in item.changes],
                "warnings": item.warnings,
                "errors": item.errors,
            }
        )
    return {
        "format": result.format,
        "source": result.source,
        "valid": result.valid,
        "applied": applied is not None,
        "items": items,
    }


class UrlImportIn(Schema):
    url: str = Field(..., max_length=2000, description="http(s) address.")
    format: str = Field("", max_length=20, description="Guessed when empty.")
    apply: bool = False


def _run(
    request: HttpRequest,
    read: Callable[[], tuple[bytes, str, str]],
    format_name: str,
    apply: bool,
    source: str,
) -> dict[str, Any]:
    try:
        data, name, source = read()
        result = imports.preview(
            data, name=name, source=source, format_name=format_name or None
        )
        applied = imports.apply(result, user=caller(request)) if apply else None
    except imports.ImportFailed as exc:
        if apply:
            raise ApiError(422, str(exc)) from None
        return {
            "format": format_name,
            "source": source,
            "valid": False,
            "applied": False,
            "items": [],
            "problems": [str(exc)],
        }
    return describe(result, applied)


@router.post(
    "/imports/",
    response={200: ImportOut, **ERRORS},
    auth=WRITE_AUTH,
    throttle=write_throttle,
)
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Form[str] = "",
    apply: Form[bool] = False,
) -> Any:
    """Import commons from an uploaded metadata file.

    Formats: publiccode.yml, codemeta.json, OKH manifests (okh.toml, legacy
    okh.yml). Without ``apply`` nothing is written: the answer shows, for
    each commons, whether it would be created or updated and which fields
    change, or in ``problems`` why the file cannot be imported. With
    ``apply=true`` the commons are saved (one revision each, the source in
    its comment), or the answer is a 422 saying why not. An uploaded file is
    known by the repository it names: importing it again updates the commons.
    """

    def read() -> tuple[bytes, str, str]:
        if file.size and file.size > imports.MAX_BYTES:
            raise ApiError(413, f"The file is larger than {imports.MAX_BYTES} bytes.")
        name = file.name or "upload"
        return file.read(imports.MAX_BYTES + 1), name, f"upload:{name}"

    return _run(request, read, format, apply, f"upload:{file.name or 'upload'}")


@router.post(
    "/imports/url/",
    response={200: ImportOut, **ERRORS},
    auth=WRITE_AUTH,
    throttle=write_throttle,
)
def create_import_from_url(request: HttpRequest, payload: UrlImportIn) -> Any:
    """Import commons from the metadata file at an address.

    The address of a code repository is looked into for a publiccode.yml (or
    codemeta.json, okh.toml) at its root. The address is fetched with the
    transport fetcher's rules (http(s) only, deadline, size cap, private
    hosts refused) and remembered: importing it again updates the commons.
    Same answer as ``POST /imports/``.
    """

    def read() -> tuple[bytes, str, str]:
        data, name = imports.fetch(payload.url)
        return data, name, payload.url

    return _run(request, read, payload.format, payload.apply, payload.url)
