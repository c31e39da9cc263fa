"""What a route declares in the OpenAPI document: its responses (success model, error statuses with
the shared error model) and the links a client can follow from its success body."""

from __future__ import annotations

from types import UnionType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from shared.core.models import ErrorResponse, Unauthorized

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader

_DESCRIPTIONS = {
    400: "Malformed request (e.g. the body is not JSON or not UTF-8, nests deeper than 32 levels, or a bad cursor)",
    401: "Missing, invalid or revoked token, or wrong credentials",
    403: "Not allowed",
    404: "No such object for this user",
    409: "Conflicts with the current state",
    410: "The checkpoint is too old: sync again from scratch",
    412: "The object changed since you read it (If-Match or version): the details carry its current version",
    415: "The body is declared as something other than application/json, or in a charset other than UTF-8",
    422: "The request does not match its schema",
    429: "Too many requests of yours on this route: try again after Retry-After seconds",
}


RETRY_AFTER_HEADER: OpenAPIResponseHeader = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 1},
}

ETAG = "ETag"
ETAG_HEADER: OpenAPIResponseHeader = {
    "description": 'The object\'s version as a strong entity tag, e.g. "3": send it as If-Match to change it',
    "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
}


def link(route_key: str, description: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link to the operation ``route_key`` (``"GET /v1/leads/{lead_id}"``): each of its
    ``parameters`` gets a runtime expression, e.g. ``lead_id="$response.body#/lead_id"``."""
    method, path = route_key.split(" ", 1)
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method.lower()}", "parameters": parameters, "description": description}


def responses(
    *statuses: int,
    ok: type[BaseModel] | UnionType | None = None,
    created: type[BaseModel] | None = None,
    accepted: type[BaseModel] | None = None,
    deleted: bool = False,
    links: dict[str, dict[str, Any]] | None = None,
    etag: bool = False,
) -> dict[int, OpenAPIResponse]:
    """OpenAPI responses of a route: its success model (``ok`` may be a union of models: one of
    them) and error statuses (with the error model).
    ``deleted``: 204 without a body. ``links`` (see :func:`link`): the operations a client can call
    next with the success body. ``etag``: the success response carries the object's version as
    its ETag."""
    result: dict[int, OpenAPIResponse] = {}
    if ok is not None:
        result[200] = {"description": "OK", "content": {"application/json": {"model": ok}}}
    if created is not None:
        result[201] = {"description": "Created", "content": {"application/json": {"model": created}}}
    if accepted is not None:
        result[202] = {"description": "Accepted", "content": {"application/json": {"model": accepted}}}
    if deleted:
        # An empty map, not none: without "content" Powertools documents the handler's return type,
        # which would promise a JSON null where the response has no body and no Content-Type.
        result[204] = {"description": "Deleted", "content": {}}
    if links or etag:
        if len(result) != 1:
            raise ValueError("links and ETag belong to a route's one success response")
        success = next(iter(result.values()))
        if links:
            success["links"] = links
        if etag:
            success["headers"] = {ETAG: ETAG_HEADER}
    # Every route validates something (a body, a path or query parameter): 422 is always possible;
    # any request may carry a body declared as non-JSON: 415.
    for status in sorted({*statuses, 415, 422}):
        model = Unauthorized if status == 401 else ErrorResponse
        result[status] = {"description": _DESCRIPTIONS[status], "content": {"application/json": {"model": model}}}
        if status == 429:
            result[status]["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
    return result
