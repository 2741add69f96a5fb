"""The OpenAPI document: bearer security and the problem answers of every operation.

drf-spectacular describes each view's success answers from its serializers. The
errors every operation can give are the same everywhere, so they are added here once
rather than repeated on each view: a schema-driven client, or fuzzer, then knows that
a 422 or a 429 is part of the contract and what its body looks like.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine code."},
        "request_id": {"type": "string"},
        "ticket_url": {
            "type": "string",
            "description": "For duplicate_external_ref: the existing ticket.",
        },
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "detail": {"type": "string"},
                },
                "required": ["field", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance", "code"],
}

# Answers any operation may give, and the extra ones of operations with a body.
COMMON = {
    "400": "The request could not be read.",
    "401": "No key, or a key that is not valid, expired or revoked.",
    "403": "The key or token may not do this.",
    "404": "No such object, or one the caller may not see.",
    "405": "This method is not allowed here.",
    "406": "Only JSON answers are offered.",
    "409": "A conflict: a stale version, a duplicate, or a retry still running.",
    "413": "The request body is too large.",
    "415": "The body is not of a media type this operation reads.",
    "422": "The body, parameters or headers are not valid; see errors by field.",
    "429": "Too many requests for this key; see Retry-After.",
    "500": "The server failed; the request id identifies it in the logs.",
}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook; see the module docstring."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    # Request bodies refuse fields they do not know; the document says so. A move
    # is the exception: its gate fields go beside `to`, and differ by move.
    for name, schema in schemas.items():
        strict = name.endswith("Request") and not name.startswith("Transition")
        if strict and schema.get("type") == "object":
            schema["additionalProperties"] = False

    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in COMMON.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": PROBLEM}},
                    },
                )
    return result


class BearerScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular how BearerAuthentication appears in the document."""

    target_class = "stratadesk.api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A client key (sdc_...) or a staff token (sdt_...).",
        }
