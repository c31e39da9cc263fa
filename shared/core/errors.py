"""Typed domain errors, each carrying its HTTP status and stable error code.

Mapped to responses in exactly one place (shared.core.api); messages are written for the client and
never include the values that caused them.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "The request could not be processed."
    details: list[dict[str, str | int]] | None = None
    headers: dict[str, str] | None = None

    def __init__(
        self,
        message: str | None = None,
        code: str | None = None,
        *,
        details: list[dict[str, str | int]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if code:
            self.code = code
        if details:
            self.details = details
        if headers:
            self.headers = headers


class InvalidInput(DomainError):
    status = 422
    code = "validation_error"
    message = "The request is not valid."


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    message = "Authentication failed."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "This action is not allowed."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class PreconditionFailed(DomainError):
    """A write that named the version it read (If-Match, or a body ``version``) found another one:
    somebody changed the object since. The details carry the current version."""

    status = 412
    code = "precondition_failed"
    message = "The object changed since you read it; read it again and re-apply your change."

    def __init__(self, current_version: int | None) -> None:
        details: list[dict[str, str | int]] = [{"field": "version", "type": "stale"}]
        if current_version is not None:
            details[0]["current_version"] = current_version
        super().__init__(details=details)


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    message = "Too many requests; try again later."


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"
    message = "A service the request depends on is unavailable; try again."
