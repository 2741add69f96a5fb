"""RFC 9457 problem details: the one shape every API error takes.

Domain errors, DRF's own exceptions, unknown URLs and crashes under /api/ all become
`application/problem+json` here, each with a stable machine `code`, the request id and,
for bad input, the errors by field.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from stratadesk.core.errors import DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:stratadesk:problem:"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}

# DRF exception class -> our stable code, where DRF's own code is not the one we want.
_DRF_CODES = {
    exceptions.ParseError: "malformed_body",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def problem(
    request,
    status_code: int,
    code: str,
    detail: str,
    *,
    fields: dict | None = None,
    extra: dict | None = None,
) -> dict:
    body = {
        "type": TYPE_PREFIX + code,
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "instance": request.path if request is not None else "",
        "code": code,
        "request_id": getattr(request, "request_id", ""),
    }
    if fields:
        body["errors"] = [
            {"field": field, "detail": str(message)}
            for field, messages in fields.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    if extra:
        body.update(extra)
    return body


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub": [messages]}."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            if isinstance(key, int):
                # DRF keys a list's item errors by index: lines[0].unit_price.
                flat.update(_flatten(value, f"{prefix}[{key}]"))
                continue
            name = "body" if key == "non_field_errors" else str(key)
            flat.update(
                _flatten(value, f"{prefix}{name}" if not prefix else f"{prefix}.{name}")
            )
        return flat
    if isinstance(detail, list) and detail and not isinstance(detail[0], (dict, list)):
        return {prefix or "body": [str(item) for item in detail]}
    if isinstance(detail, list):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}[{index}]"))
        return flat
    return {prefix or "body": [str(detail)]}


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every handled error as problem+json."""
    request = context.get("request")
    headers = {}

    if isinstance(exc, DomainError):
        status_code, code, detail = exc.status, exc.code, exc.message
        body = problem(
            request,
            status_code,
            code,
            detail,
            fields=exc.fields,
            extra=_public_data(exc.data),
        )
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        body = problem(
            request,
            422,
            "validation_failed",
            "Some fields are not valid.",
            fields=fields,
        )
        status_code = 422
    elif isinstance(exc, Http404):
        status_code = 404
        body = problem(request, 404, "not_found", "No such object.")
    elif isinstance(exc, RequestDataTooBig):
        status_code = 413
        body = problem(
            request, 413, "payload_too_large", "The request body is too large."
        )
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        code = _code_for(exc)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if isinstance(
            exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated
        ):
            status_code = 401
            headers["WWW-Authenticate"] = 'Bearer realm="stratadesk"'
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
            detail = "Too many requests for this key; retry after the time given."
        if isinstance(exc, exceptions.MethodNotAllowed):
            view = context.get("view")
            if view is not None:
                headers["Allow"] = ", ".join(view.allowed_methods)
        body = problem(request, status_code, code, str(detail))
    else:
        return None

    if status_code >= 500:
        logger.error("api error", extra={"code": body["code"]})
    return Response(
        body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def _code_for(exc) -> str:
    for exc_type, code in _DRF_CODES.items():
        if isinstance(exc, exc_type):
            return code
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _public_data(data: dict) -> dict:
    # Only plain values a caller can use, e.g. the existing ticket of a duplicate.
    return {k: v for k, v in data.items() if isinstance(v, str | int | bool)}


def problem_json(request, status_code: int, code: str, detail: str) -> JsonResponse:
    """A problem response outside DRF: unknown API URLs and crashes."""
    return JsonResponse(
        problem(request, status_code, code, detail),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


@csrf_exempt
def unknown_url(request, *args, **kwargs):
    # Exempt, or a POST to a mistyped URL would get Django's HTML CSRF page.
    return problem_json(request, 404, "not_found", "No such API URL.")


def server_error(request, *args, **kwargs):
    """Django's handler500 for /api/: a crash answered as problem+json."""
    return problem_json(
        request,
        500,
        "server_error",
        "The server failed; quote the request id when reporting it.",
    )
