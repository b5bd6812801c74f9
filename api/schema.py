"""OpenAPI post-processing: every operation documents the problem+json errors it can answer."""

from __future__ import annotations

from typing import Any

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["field", "message", "code"],
            },
        },
    },
    "required": ["type", "title", "status"],
}

COMMON = {
    "400": "Invalid input (field errors in `errors`).",
    "401": "Not signed in, or an expired or revoked token.",
    "403": "The caller's role may not do this (or a signed-in session has not yet given its second factor).",
    "404": "Not found (or outside the caller's scope: the same answer).",
    "405": "Method not allowed.",
    "409": "Conflict (e.g. an Idempotency-Key still in flight, a client_uuid reused for other content).",
    "412": "If-Match does not match the current version.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "422": "The Idempotency-Key was used with a different request.",
    "429": "Too many requests.",
}
READ_ONLY = ("400", "401", "403", "404", "405", "429")


def postprocess_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in result.get("paths", {}).items():
        idempotent = not path.endswith("/auth/token/")
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = READ_ONLY if method == "get" else tuple(COMMON)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code, {"description": COMMON[code], "content": {"application/problem+json": {"schema": ref}}}
                )
            if idempotent and method in ("post", "patch"):
                operation.setdefault("parameters", []).append(
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "description": "Retries with the same key and body replay the first answer.",
                        "schema": {"type": "string", "maxLength": 255, "pattern": "^[!-~]+$"},
                    }
                )
    return result
