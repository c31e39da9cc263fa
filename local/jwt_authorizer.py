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


class InsufficientScope(Exception):
    """A valid token without any of the route's authorization scopes: API Gateway's 403."""

    def __init__(self, required: Sequence[str]) -> None:
        super().__init__("insufficient scope")
        self.required = tuple(required)

    @property
    def www_authenticate(self) -> str:
        scopes = " ".join(self.required)
        return f'Bearer scope="{scopes}" error="insufficient_scope" error_description="expected scopes: [{scopes}]"'


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
    ``nbf``, ``iat``, audience (``aud`` of ID tokens or ``client_id`` of access tokens), then the
    route's authorization scopes against the token's ``scope`` claim (any one of them)."""

    def __init__(self, jwks_url: str, issuer: str, audiences: Sequence[str]) -> None:
        self.issuer = issuer
        self.audiences = frozenset(audiences)
        self._jwks = jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=300, timeout=5)

    def authorize(self, authorization: str | None, scopes: Sequence[str] = ()) -> dict[str, Any]:
        """Verified claims; ``Unauthorized`` (401) with API Gateway's description of the failure, or
        ``InsufficientScope`` (403) for a valid token that carries none of ``scopes``.

        API Gateway checks the scope only. Cognito puts one in access tokens and none in ID tokens,
        so here a token must also say it is an access token: the same rule for every token Cognito
        issues, and no crafted token with a scope but ``token_use: id`` gets through."""
        claims = self._verified(authorization)
        granted = claims.get("scope")
        granted_scopes = set(granted.split()) if isinstance(granted, str) else set()
        if scopes and (claims.get("token_use") != "access" or not granted_scopes & set(scopes)):
            raise InsufficientScope(scopes)
        return claims

    def _verified(self, authorization: str | None) -> dict[str, Any]:
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
