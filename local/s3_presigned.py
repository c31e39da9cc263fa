"""What S3 checks before it acts on a presigned request, for the local S3 front (local/s3_front.py).

moto accepts any presigned POST form and any presigned URL, whatever was changed in them; S3 does
not. These checks follow S3's documentation of POST policies ("Creating a POST policy",
sigv4-HTTPPOSTConstructPolicy) and of query-string authentication (sigv4-query-string-auth), and
the signatures are recomputed with botocore's own signers (``S3SigV4PostAuth``,
``S3SigV4QueryAuth``: the code that signed them), not with a second implementation of SigV4.

A check answers ``None`` (S3 would accept) or the ``Refusal`` S3 would send: its status and error
code, and a message that names fields and conditions, never their values (keys hold user ids,
and bodies are never looked at beyond their size).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from botocore.auth import S3SigV4PostAuth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
MAX_PRESIGN_EXPIRES_S = 7 * 24 * 3600  # S3 refuses X-Amz-Expires above a week
# Form fields that no policy condition has to name (S3: "except x-amz-signature, file, policy,
# and field names that have an x-ignore- prefix").
_UNCONDITIONED_FIELDS = {"policy", "x-amz-signature", "file"}
# Query parameters that make a request a presigned one (SigV4, or the SigV2 that is not signed here).
QUERY_AUTH_PARAMS = {"x-amz-algorithm", "x-amz-credential", "x-amz-signature", "signature", "awsaccesskeyid"}


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


def _access_denied(message: str) -> Refusal:
    return Refusal(403, "AccessDenied", message)


def _policy_refusal(detail: str) -> Refusal:
    return _access_denied(f"Invalid according to Policy: {detail}")


def _timestamp(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Scope:
    access_key: str
    date: str
    region: str
    service: str
    terminator: str


def _scope(credential: str) -> _Scope | None:
    parts = credential.split("/")
    return _Scope(*parts) if len(parts) == 5 else None


def _credentials(
    credential: str, amz_date: str, secrets: Mapping[str, str], region: str, token: str | None
) -> Credentials | Refusal:
    """The signer's credentials, once the credential scope names this region, S3 and the date."""
    scope = _scope(credential)
    if scope is None or _timestamp(amz_date) is None:
        return Refusal(400, "AuthorizationQueryParametersError", "The credential or date is malformed.")
    if scope.access_key not in secrets:
        return Refusal(403, "InvalidAccessKeyId", "The AWS access key id you provided does not exist in our records.")
    if (scope.date, scope.region, scope.service, scope.terminator) != (amz_date[:8], region, "s3", "aws4_request"):
        return Refusal(400, "AuthorizationQueryParametersError", "The credential scope does not match the request.")
    return Credentials(scope.access_key, secrets[scope.access_key], token)


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


# --- presigned POST (browser-based uploads) ----------------------------------------------------


def check_post_form(
    bucket: str,
    fields: Sequence[tuple[str, str]],
    file_size: int | None,
    secrets: Mapping[str, str],
    region: str,
    now: datetime,
) -> Refusal | None:
    """A POST Object form: its fields (in order, up to the file), the file's size (None: no file).

    The signature over the policy, the policy's expiration, every condition (exact, ``eq``,
    ``starts-with``, ``content-length-range``; ``bucket`` against the bucket posted to), and that
    every field is named by a condition.
    """
    values: dict[str, str] = {}
    for name, value in fields:
        values.setdefault(name.lower(), value)
    if "x-amz-signature" not in values or "policy" not in values:
        return _access_denied("Anonymous POST to a private bucket.")
    if "key" not in values:
        return Refusal(400, "InvalidArgument", "Bucket POST must contain a field named 'key'.")
    if file_size is None:
        return Refusal(400, "InvalidArgument", "POST requires exactly one file upload per request.")
    if values.get("x-amz-algorithm") != ALGORITHM:
        return Refusal(400, "InvalidArgument", "The x-amz-algorithm field must be AWS4-HMAC-SHA256.")
    credentials = _credentials(
        values.get("x-amz-credential", ""),
        values.get("x-amz-date", ""),
        secrets,
        region,
        values.get("x-amz-security-token"),
    )
    if isinstance(credentials, Refusal):
        return credentials
    signer = S3SigV4PostAuth(credentials, "s3", region)
    request = AWSRequest(method="POST")
    request.context["timestamp"] = values["x-amz-date"]
    if not _same(signer.signature(values["policy"], request), values["x-amz-signature"]):
        return Refusal(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")

    policy = _decode_policy(values["policy"])
    if policy is None:
        return Refusal(400, "InvalidPolicyDocument", "Invalid Policy: the policy is not a JSON document.")
    expiration = _expiration(policy.get("expiration"))
    if expiration is None:
        return Refusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value.")
    if now >= expiration:
        return _policy_refusal("Policy expired.")
    return _check_conditions(policy.get("conditions"), values, bucket, file_size)


def _decode_policy(encoded: str) -> dict[str, Any] | None:
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        return None
    return policy if isinstance(policy, dict) else None


def _expiration(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_conditions(conditions: Any, values: dict[str, str], bucket: str, file_size: int) -> Refusal | None:
    if not isinstance(conditions, list):
        return Refusal(400, "InvalidPolicyDocument", "Invalid Policy: Policy missing conditions.")
    available = values | {"bucket": bucket}
    named: set[str] = set()
    size_range: tuple[int, int] | None = None
    for condition in conditions:
        if isinstance(condition, dict) and len(condition) == 1:
            ((field, expected),) = condition.items()
            operator, field = "eq", str(field).lower()
        elif isinstance(condition, list) and len(condition) == 3 and condition[0] == "content-length-range":
            try:
                size_range = (int(condition[1]), int(condition[2]))
            except (TypeError, ValueError):
                return Refusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid content-length-range.")
            continue
        elif (
            isinstance(condition, list)
            and len(condition) == 3
            and condition[0] in ("eq", "starts-with")
            and isinstance(condition[1], str)
            and condition[1].startswith("$")
        ):
            operator, field, expected = condition[0], condition[1][1:].lower(), condition[2]
        else:
            return Refusal(400, "InvalidPolicyDocument", "Invalid Policy: a condition has an unknown form.")
        named.add(field)
        value = available.get(field)
        matched = value is not None and (
            value == expected if operator == "eq" else isinstance(expected, str) and value.startswith(expected)
        )
        if not matched:
            return _policy_refusal(f'Policy Condition failed: ["{operator}", "${field}"]')
    extra = sorted(
        name for name in values if name not in named | _UNCONDITIONED_FIELDS and not name.startswith("x-ignore-")
    )
    if extra:
        return _policy_refusal(f"Extra input fields: {', '.join(extra)}")
    if size_range is not None:
        low, high = size_range
        if file_size > high:
            return Refusal(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.")
        if file_size < low:
            return Refusal(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.")
    return None


# --- presigned URLs (query-string authentication) ----------------------------------------------


def is_presigned_query(query: str) -> bool:
    return any(name.lower() in QUERY_AUTH_PARAMS for name, _ in parse_qsl(query, keep_blank_values=True))


def check_presigned_query(
    method: str,
    host: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    secrets: Mapping[str, str],
    region: str,
    now: datetime,
) -> Refusal | None:
    """A presigned URL as received (path and query exactly as sent): SigV4 only, the credential
    scope, the expiry, and the signature over the method, path, query and signed headers."""
    params = dict(parse_qsl(raw_query, keep_blank_values=True))
    if params.get("X-Amz-Algorithm") != ALGORITHM:
        return Refusal(400, "AuthorizationQueryParametersError", "Only AWS4-HMAC-SHA256 presigned URLs are accepted.")
    required = ("X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature")
    if any(name not in params for name in required):
        return Refusal(400, "AuthorizationQueryParametersError", "A presigned URL parameter is missing.")
    amz_date = params["X-Amz-Date"]
    credentials = _credentials(
        params["X-Amz-Credential"], amz_date, secrets, region, params.get("X-Amz-Security-Token")
    )
    if isinstance(credentials, Refusal):
        return credentials
    try:
        expires = int(params["X-Amz-Expires"])
    except ValueError:
        expires = -1
    if not 0 <= expires <= MAX_PRESIGN_EXPIRES_S:
        return Refusal(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be between 0 and 604800.")
    signed_at = _timestamp(amz_date)
    assert signed_at is not None  # _credentials checked it
    if now > signed_at + timedelta(seconds=expires):
        return _access_denied("Request has expired")

    unsigned_query = "&".join(
        pair for pair in raw_query.split("&") if pair.partition("=")[0].lower() != "x-amz-signature"
    )
    signed_names = [name for name in params["X-Amz-SignedHeaders"].split(";") if name]
    lowered = {name.lower(): value for name, value in headers.items()}
    request = AWSRequest(
        method=method,
        url=f"http://{host}{raw_path}?{unsigned_query}",
        headers={name: lowered.get(name, "") for name in signed_names if name != "host"},
    )
    request.context["timestamp"] = amz_date
    signer = S3SigV4QueryAuth(credentials, "s3", region, expires=expires)
    if signer.signed_headers(signer.headers_to_sign(request)) != params["X-Amz-SignedHeaders"]:
        return Refusal(403, "SignatureDoesNotMatch", "The signed headers do not match the request.")
    canonical_request = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical_request), request)
    if not _same(expected, params["X-Amz-Signature"]):
        return Refusal(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    return None
