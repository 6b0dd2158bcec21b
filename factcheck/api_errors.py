"""One JSON error shape for every API response that is not a success:

{"error": {"code": "...", "message": "...", "details": {...}}}
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, StaleVersion


def error_body(code: str, message: str, details: dict | list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _message_from_detail(detail) -> str:
    if isinstance(detail, dict):
        parts = []
        for field, value in detail.items():
            text = _message_from_detail(value)
            parts.append(text if field in ("non_field_errors", "detail") else f"{field}: {text}")
        return " ".join(parts)
    if isinstance(detail, list):
        return " ".join(_message_from_detail(item) for item in detail)
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
        if isinstance(exc, StaleVersion):
            # The caller can retry against the current version without another read.
            response["ETag"] = f'"{exc.details["current_version"]}"'
        return response
    if isinstance(exc, RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        return Response(
            error_body(
                "request_too_large",
                f"The request body is larger than {limit_mb:g} MB. Send less, or split it.",
            ),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found: it does not exist or you may not see it.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body("invalid_input", _message_from_detail(exc.detail), details)
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str | dict | list):
            message = _message_from_detail(exc.detail)
            code = getattr(exc.detail, "code", code) or code
        else:
            message = str(exc)
        body = error_body(str(code), message)
    response.data = body
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["error"]["message"] = (
            "Authentication required: send 'Authorization: Token <token>' "
            "(see `manage.py issue_token`)."
            if body["error"]["code"] == "not_authenticated"
            else body["error"]["message"]
        )
    return response


@csrf_exempt  # token-authenticated clients send no CSRF token; nothing is written here
def api_not_found(request, *args, **kwargs):
    """For paths under the API that match no endpoint."""
    from django.http import JsonResponse

    return JsonResponse(
        error_body("not_found", f"No API endpoint at {request.path}. See /api/v1/docs/."),
        status=404,
    )


@csrf_exempt  # Google's clients send no CSRF token (pages.create is a POST); nothing is written
def google_api_not_served(request, *args, **kwargs):
    """For paths of Google Fact Check Tools' API other than claims:search."""
    from django.http import JsonResponse

    return JsonResponse(
        error_body(
            "not_implemented",
            f"{request.path} is not served here: of Google Fact Check Tools' API, this "
            "service answers only GET /v1alpha1/claims:search.",
        ),
        status=501,
    )
