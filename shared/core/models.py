"""The bases of every request and response model, and the error shape every route shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, RootModel


class StrictInput(BaseModel):
    """Base of every request body: unknown fields are refused, strings are trimmed, and types are
    strict (``false`` is not ``0``, ``"1"`` is not ``1``) so the schema means what it says.
    Timestamps and enumerations opt out per field (``strict=False``): JSON carries them as strings."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Output):
    field: str = Field(description="Where the problem is, e.g. body.phone")
    type: str = Field(description="Machine-readable kind of problem, e.g. string_too_long")


class ErrorBody(Output):
    code: str = Field(description="Stable machine-readable error code")
    message: str = Field(description="Human-readable explanation; never echoes submitted values")
    details: list[ErrorDetail] | None = None


class ErrorResponse(Output):
    error: ErrorBody


class GatewayMessage(Output):
    """API Gateway's own error body (its JWT authorizer's 401, an unknown route's 404)."""

    message: str


class Unauthorized(RootModel[ErrorResponse | GatewayMessage]):
    """401: API Gateway's authorizer (``{"message"}``) or ours (``{"error"}``: a revoked account,
    wrong credentials)."""
