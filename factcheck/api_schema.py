"""Shared pieces of the OpenAPI description: the one error shape and its status codes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(help_text="For a person: what went wrong."),
                "details": serializers.DictField(),
            },
        )
    },
)


def _error(description: str, code: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(code, value={"error": {"code": code, "message": message, "details": {}}})
        ],
    )


ERROR_RESPONSES = {
    400: _error(
        "The request is invalid.", "invalid_input", 'stance: "agrees" is not a valid choice.'
    ),
    401: _error(
        "No or wrong credentials.",
        "not_authenticated",
        "Authentication required: send 'Authorization: Token <token>'.",
    ),
    403: _error(
        "The caller's role may not do this.", "permission_denied", "Only editors may do this."
    ),
    404: _error("It does not exist, or the caller may not see it.", "not_found", "Not found."),
    429: _error(
        "Too many requests: retry after Retry-After seconds.", "throttled", "Request was throttled."
    ),
}

WRITE_ERROR_RESPONSES = {
    **ERROR_RESPONSES,
    409: _error(
        "The move is not possible in the current state.",
        "invalid_transition",
        "Cannot dismiss a claim: the claim is published.",
    ),
}

VERDICT_WRITE_ERROR_RESPONSES = {
    **WRITE_ERROR_RESPONSES,
    412: _error(
        "The verdict changed since it was read (If-Match is stale).",
        "stale_version",
        "The verdict changed since you loaded it.",
    ),
    428: _error(
        "If-Match is missing.",
        "precondition_required",
        "Send the verdict's ETag in an If-Match header.",
    ),
}


class QueryKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "reviews.api.published.QueryKeyAuthentication"
    name = "queryKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "query", "name": "key"}
