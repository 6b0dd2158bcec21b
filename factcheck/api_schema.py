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
        "The request is invalid.",
        "invalid_input",
        'stance: "agrees" is not one of supports, refutes, context.',
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


class QueryKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "reviews.api.published.QueryKeyAuthentication"
    name = "queryKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "query", "name": "key"}


_ERROR_DESCRIPTIONS = {
    "400": "The request is invalid: the message says what to change.",
    "401": "No or wrong credentials: send 'Authorization: Token <token>'.",
    "403": "The caller's role may not do this.",
    "404": "It does not exist, or the caller may not see it.",
    "409": "The move is not possible in the current state (or the lease was lost).",
    "412": (
        "If-Match matches no current ETag (compared strongly): the verdict changed since it "
        "was read. The answer's ETag is the current one."
    ),
    "413": "The request body is too large.",
    "415": "The request body is not JSON: send it with Content-Type: application/json.",
    "428": "If-Match is missing.",
    "429": "Too many requests for this token: retry after Retry-After seconds.",
}
_READ_ERRORS = ("400", "401", "403", "404", "429")
_WRITE_ERRORS = (*_READ_ERRORS, "409", "413", "415")
_VERDICT_WRITE_ERRORS = (*_WRITE_ERRORS, "412", "428")
_ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "A strong entity tag of what was answered (or of the current version).",
}
# A path parameter the URL pattern limits to digits is an id: an integer, not a string with a
# pattern (which generated clients would make callers format themselves).
_DIGITS = {"type": "string", "pattern": "^\\d+$"}


def add_error_responses(result, generator, request, public):
    """Document the error answers every operation can give, in the one error shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "details"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {},
                    },
                }
            },
        },
    )
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method == "get":
                codes = _READ_ERRORS
            elif "/verdict/" in path and method in ("patch", "post"):
                codes = _VERDICT_WRITE_ERRORS
            else:
                codes = _WRITE_ERRORS
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _ERROR_DESCRIPTIONS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
            if "412" in responses:
                # The refusal carries the current ETag, so the caller can retry without a read.
                responses["412"].setdefault("headers", {}).setdefault("ETag", _ETAG_HEADER)
    return result


def describe_path_ids_and_etags(result, generator, request, public):
    """Path ids as integers, and the ETag header on every read that sends one (the views of
    factcheck.conditional)."""
    from factcheck.conditional import ConditionalGetMixin

    conditional = {
        # As the schema writes the paths: REST framework's `{pk}` becomes `{id}`.
        (path.replace("{pk}", "{id}"), method.lower())
        for path, _regex, method, view in generator.endpoints
        if issubclass(getattr(view, "cls", object), ConditionalGetMixin)
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema") == _DIGITS:
                    parameter["schema"] = {"type": "integer"}
            if method == "get" and (path, method) in conditional:
                for code, response in operation.get("responses", {}).items():
                    if code.startswith("2"):
                        response.setdefault("headers", {}).setdefault("ETag", _ETAG_HEADER)
    return result


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`; tokens come from `manage.py issue_token`.",
        }
