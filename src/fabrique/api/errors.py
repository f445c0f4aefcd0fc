"""One error envelope for every API error: ``{"error": {code, message, details}}``.

Every failure of a route — validation, authentication, permission, missing
object, edit conflict, rate limit, malformed input, unexpected exception —
goes through :func:`install_handlers`, so clients parse one shape.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)

from fabrique.core.revisions import EditConflict
from fabrique.core.storage import (
    is_storage_full,
    log_storage_full,
    storage_full_response,
)

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
    503: "storage_full",
}


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    """The error envelope of every API error."""

    error: ErrorBody


#: The error answers every route may give, for its ``response`` mapping.
ERRORS: dict[int, type[ErrorOut]] = dict.fromkeys(
    (400, 401, 403, 404, 409, 422, 429), ErrorOut
)


class ApiError(Exception):
    """An error a route raises on purpose; rendered in the envelope."""

    def __init__(
        self, status: int, message: str, *, code: str = "", details: Any = None
    ) -> None:
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details
        super().__init__(message)


def envelope(status: int, message: str, *, code: str = "", details: Any = None) -> dict:
    return {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": message,
            "details": details,
        }
    }


def error_response(
    status: int, message: str, *, code: str = "", details: Any = None
) -> JsonResponse:
    return JsonResponse(
        envelope(status, message, code=code, details=details), status=status
    )


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja prefixes locations with the source ("body", "query", "file"…) and
    # the parameter name; clients want the field as they sent it.
    parts = [str(part) for part in loc]
    if parts and parts[0] in {
        "body",
        "query",
        "path",
        "header",
        "cookie",
        "form",
        "file",
    }:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "filters", "data"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Turn pydantic/ninja errors into ``[{field, message, type}]``."""
    return [
        {
            "field": _field_path(error.get("loc", ())),
            "message": str(error.get("msg", "invalid value")),
            "type": str(error.get("type", "value_error")),
        }
        for error in errors
    ]


def _is_malformed_body(errors: list[dict[str, Any]]) -> bool:
    return any(
        error.get("type") in {"json_invalid", "model_attributes_type"}
        or "Cannot parse request body" in str(error.get("msg", ""))
        for error in errors
    )


def install_handlers(api: NinjaAPI) -> None:
    """Render every exception raised under ``api`` in the error envelope."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = error_response(
            exc.status, exc.message, code=exc.code, details=exc.details
        )
        wait = exc.details.get("retry_after") if isinstance(exc.details, dict) else None
        if exc.status == 429 and isinstance(wait, int):
            response["Retry-After"] = str(max(1, wait))
        return response

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if _is_malformed_body(exc.errors):
            return error_response(
                400,
                "The request body is not valid JSON.",
                details=validation_details(exc.errors),
            )
        return error_response(
            422,
            "Some fields are invalid.",
            details=validation_details(exc.errors),
        )

    def on_django_validation(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            details = [
                {"field": field, "message": message, "type": "value_error"}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            details = [
                {"field": "body", "message": message, "type": "value_error"}
                for message in exc.messages
            ]
        return error_response(422, "Some fields are invalid.", details=details)

    def on_authentication(
        request: HttpRequest, exc: AuthenticationError
    ) -> HttpResponse:
        response = error_response(
            401,
            "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="fabrique"'
        return response

    def on_authorisation(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = str(exc) if isinstance(exc, AuthorizationError) else ""
        if not message or message == "Forbidden":
            message = "You may not do this."
        return error_response(403, message)

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = getattr(request, "_api_retry_after", None) or exc.wait
        response = error_response(
            429,
            "Too many write requests; slow down.",
            details={"retry_after": wait},
        )
        if wait is not None:
            response["Retry-After"] = str(max(1, int(wait)))
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc.message)
        if exc.status_code == 400 and "parse request body" in message:
            message = "The request body is not valid JSON."
        return error_response(exc.status_code, message)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, str(exc) or "Not found.")

    def on_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
        return error_response(
            409,
            f"This object was changed since revision {exc.base}; "
            f"the current revision is {exc.current}. Reload it, merge your "
            "changes and send them again with the current base_revision.",
            code="edit_conflict",
            details={"base_revision": exc.base, "current_revision": exc.current},
        )

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(
            413,
            "The request body is larger than the "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes accepted.",
        )

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        if is_storage_full(exc):
            log_storage_full(request, exc)
            return storage_full_response(request)
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "Internal error; it has been logged.")

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(AuthorizationError, on_authorisation)
    api.add_exception_handler(PermissionDenied, on_authorisation)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(EditConflict, on_conflict)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(Exception, on_exception)
