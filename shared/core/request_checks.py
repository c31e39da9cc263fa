"""Answers given before the router runs, for every API function: a revoked account's tokens, a
body declared as something other than JSON, and a body that is not ONE JSON object of valid
Unicode. They return API Gateway's response shape, so the handler can answer without routing."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from shared.core.api import JSON, SECURITY_HEADERS
from shared.core.clock import utcnow


def _bare_error(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON, **SECURITY_HEADERS},
        "body": json.dumps({"error": {"code": code, "message": message}}),
        "isBase64Encoded": False,
    }


def refusal_before_routing(event: dict[str, Any]) -> dict[str, Any] | None:
    """Answers given before the router runs: a revoked account's tokens, a body declared as
    something other than JSON (Powertools would fail on it with a 500), and a body that is not
    ONE JSON object of valid Unicode."""
    return refusal_for_revoked_token(event) or refusal_for_media_type(event) or refusal_for_body(event)


def refusal_for_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """Every request body is ONE JSON object. Powertools would read a one-element list as that
    element; refusing lists here is what makes "no route accepts a contact list" true. Lone
    surrogates (valid JSON escapes, invalid text) are refused before they reach a data store."""
    raw = event.get("body")
    if not raw:
        return None
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(raw).decode()
        except (binascii.Error, UnicodeDecodeError):
            return _bare_error(400, "malformed_json", "The request body is not valid JSON.")
    if not raw.strip():
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return _bare_error(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(parsed, dict):
        return _bare_error(422, "body_must_be_object", "The request body must be one JSON object.")
    try:
        json.dumps(parsed, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return _bare_error(400, "invalid_unicode", "The request body contains invalid Unicode.")
    return None


def refusal_for_media_type(event: dict[str, Any]) -> dict[str, Any] | None:
    headers = event.get("headers") or {}
    declared = str(headers.get("content-type", "")).split(";")[0].strip().lower()
    if event.get("body") and declared and declared != JSON:
        return _bare_error(415, "unsupported_media_type", "Send the body as application/json.")
    return None


def refusal_for_revoked_token(event: dict[str, Any]) -> dict[str, Any] | None:
    """A deleted account's tokens stay valid JWTs until they expire; API Gateway cannot know.
    Every authenticated request checks the revocation marker (one GetItem) before anything else
    runs — validation included. A request that writes reads it consistently, so nothing can be
    written with them from the moment of deletion; one that only reads accepts the eventually
    consistent read's lag of about a second, for half the read units (shared/core/identity.py)."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt", {}).get("claims") or {}
    sub = claims.get("sub")
    if not sub:
        return None
    # Imported by the first authenticated request: a function with public routes only (health)
    # never loads boto3 for it.
    from shared.core.identity import READ_ONLY_METHODS, revocations

    method = str(((event.get("requestContext") or {}).get("http") or {}).get("method", "")).upper()
    if not revocations().is_revoked(str(sub), utcnow(), consistent=method not in READ_ONLY_METHODS):
        return None
    return _bare_error(401, "account_deleted", "This account has been deleted.")
