"""API Gateway's JWT authorizer (Cognito user pool as issuer), verified with PyJWT."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import jwt


class Unauthorized(Exception):
    """The request fails the JWT authorizer; ``description`` goes into ``www-authenticate``."""

    def __init__(self, description: str | None) -> None:
        super().__init__(description)
        self.description = description

    @property
    def www_authenticate(self) -> str:
        if self.description is None:
            return "Bearer"
        return f'Bearer scope="" error="invalid_token" error_description="{self.description}"'


def claim_to_string(value: object) -> str:
    """API Gateway hands JWT claims to Lambda as strings: ``1700000000``, ``true``, ``[a b]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(claim_to_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if value is None:
        return ""
    return str(value)


class JwtAuthorizer:
    """API Gateway's JWT authorizer: RS256 signature from the issuer's JWKS, ``iss``, ``exp``,
    ``nbf``, ``iat`` and audience (``aud`` of ID tokens or ``client_id`` of access tokens)."""

    def __init__(self, jwks_url: str, issuer: str, audiences: Sequence[str]) -> None:
        self.issuer = issuer
        self.audiences = frozenset(audiences)
        self._jwks = jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=300, timeout=5)

    def authorize(self, authorization: str | None) -> dict[str, Any]:
        """Verified claims, or ``Unauthorized`` with API Gateway's description of the failure."""
        if not authorization or not authorization.strip():
            raise Unauthorized(None)
        token = authorization.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise Unauthorized("the token is not valid yet") from None
        except jwt.InvalidIssuerError:
            raise Unauthorized("the token has an invalid issuer") from None
        except (jwt.PyJWTError, jwt.PyJWKClientError, ValueError):
            raise Unauthorized("the token is invalid") from None
        audience = claims.get("aud", claims.get("client_id"))
        audiences = set(audience) if isinstance(audience, list) else {audience}
        if not audiences & self.audiences:
            raise Unauthorized("the token does not have a valid audience") from None
        return claims
