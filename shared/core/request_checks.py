"""Answers given before the router runs, for every API function: a revoked account's tokens, a
body declared as something other than UTF-8 JSON, and a body that is not ONE JSON object of valid
UTF-8, at most ``MAX_BODY_DEPTH`` levels deep. They return API Gateway's response shape, so the
handler can answer without routing.

API Gateway hands a body to the function in one of two shapes: as text (``isBase64Encoded:
false``) or base64-encoded. Both are checked the same way: base64 bytes must be valid UTF-8, and
text must not hold U+FFFD, the character a replacing decoder leaves where invalid bytes were (no
client has a reason to send it), so invalid UTF-8 is refused whichever shape it arrives in."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from shared.core.api import JSON, SECURITY_HEADERS
from shared.core.clock import utcnow

# The body object is level 1; DynamoDB stores documents at most 32 levels deep, and no request
# model comes near it. Deeper bodies are refused before anything recurses into them.
MAX_BODY_DEPTH = 32
UTF8_CHARSETS = frozenset({"utf-8", "utf8"})
REPLACEMENT_CHARACTER = "\ufffd"


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
    element; refusing lists here is what makes "no route accepts a contact list" true. Invalid
    UTF-8 (in either event shape) and lone surrogates (valid JSON escapes, invalid text) are
    refused before they reach a data store, and so is nesting deeper than ``MAX_BODY_DEPTH``."""
    raw = event.get("body")
    if not raw:
        return None
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(raw, validate=True).decode("utf-8")
        except binascii.Error:
            return _bare_error(400, "malformed_json", "The request body is not valid JSON.")
        except UnicodeDecodeError:
            return _invalid_encoding()
    elif REPLACEMENT_CHARACTER in raw:
        return _invalid_encoding()
    if not raw.strip():
        return None
    try:
        parsed = json.loads(raw)
    except RecursionError:  # the parser's own limit (about 1,000 levels), reached first
        return _too_deeply_nested()
    except ValueError:
        return _bare_error(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(parsed, dict):
        return _bare_error(422, "body_must_be_object", "The request body must be one JSON object.")
    if nesting_depth(parsed, MAX_BODY_DEPTH) > MAX_BODY_DEPTH:
        return _too_deeply_nested()
    try:
        json.dumps(parsed, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return _bare_error(400, "invalid_unicode", "The request body contains invalid Unicode.")
    return None


def nesting_depth(value: Any, limit: int) -> int:
    """How many objects and arrays deep ``value`` goes (a scalar is 0, ``{}`` is 1), counted
    without recursion; stops counting once past ``limit``."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _invalid_encoding() -> dict[str, Any]:
    return _bare_error(400, "invalid_encoding", "The request body is not valid UTF-8.")


def _too_deeply_nested() -> dict[str, Any]:
    return _bare_error(
        400, "too_deeply_nested", f"The request body nests objects or arrays deeper than {MAX_BODY_DEPTH} levels."
    )


def refusal_for_media_type(event: dict[str, Any]) -> dict[str, Any] | None:
    """A body must be declared as JSON (or not declared), in UTF-8 (the only charset of JSON,
    RFC 8259): another declared charset is 415, never a guess at what the bytes mean."""
    headers = event.get("headers") or {}
    if not event.get("body"):
        return None
    declared, *parameters = str(headers.get("content-type", "")).split(";")
    declared = declared.strip().lower()
    if declared and declared != JSON:
        return _bare_error(415, "unsupported_media_type", "Send the body as application/json.")
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in UTF8_CHARSETS:
            return _bare_error(415, "unsupported_charset", "Send the body as UTF-8.")
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
