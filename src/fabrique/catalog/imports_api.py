"""``POST /api/1/imports/``: preview (dry run) or apply an import of commons
from a publiccode.yml, a codemeta.json or an OKH manifest (file or address)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
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


@router.post(
    "/imports/",
    response={200: ImportOut, **ERRORS},
    auth=WRITE_AUTH,
    throttle=write_throttle,
)
def create_import(
    request: HttpRequest,
    url: Form[str] = "",
    format: Form[str] = "",
    apply: Form[bool] = False,
    file: File[UploadedFile | None] = None,
) -> Any:
    """Import commons from a metadata file: ``file`` (upload) or ``url``.

    Formats: publiccode.yml (also a repository address: the file is looked
    for at its root), codemeta.json, OKH manifests (okh.toml, legacy okh.yml).
    Without ``apply`` nothing is written: the answer shows, for each commons,
    whether it would be created or updated and which fields change, or in
    ``problems`` why the source cannot be imported. With ``apply=true`` the
    commons are saved (one revision each, the source in its comment), or the
    answer is a 422 saying why not; importing the same source again updates
    them.
    """
    source = url
    try:
        if file is not None:
            if file.size and file.size > imports.MAX_BYTES:
                raise ApiError(
                    413, f"The file is larger than {imports.MAX_BYTES} bytes."
                )
            data = file.read(imports.MAX_BYTES + 1)
            name = file.name or "upload"
            source = f"upload:{name}"
        elif url:
            data, name = imports.fetch(url)
            source = url
        else:
            raise imports.ImportFailed("Send a file or a url.")
        result = imports.preview(
            data, name=name, source=source, format_name=format or None
        )
        applied = imports.apply(result, user=caller(request)) if apply else None
    except imports.ImportFailed as exc:
        if apply:
            raise ApiError(422, str(exc)) from None
        return {
            "format": format,
            "source": source,
            "valid": False,
            "applied": False,
            "items": [],
            "problems": [str(exc)],
        }
    return describe(result, applied)
