"""Typed domain errors, each carrying its HTTP status and stable error code.

Mapped to responses in exactly one place (shared.core.api); messages are written for the client and
never include the values that caused them.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, message: str | None = None, code: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if code:
            self.code = code


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


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    message = "Too many requests; try again later."


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"
    message = "A service the request depends on is unavailable; try again."
