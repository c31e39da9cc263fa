"""Helpers the integration and end-to-end tests share: an HTTP client and canary-marked test users."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.plugins.log_canary import register_canary

POLICY_VERSION = "2024-06-01"


def unique_phone() -> str:
    """A valid Indian mobile number nobody else in the run has (E.164)."""
    return f"+9198{secrets.randbelow(10**8):08d}"


@dataclass
class Api:
    base_url: str
    token: str | None = None
    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.session.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def as_user(self, token: str) -> Api:
        return Api(self.base_url, token, self.session)


@dataclass
class TestUser:
    __test__ = False  # not a pytest test class

    user_id: str
    name: str
    email: str
    phone: str
    password: str
    tokens: dict[str, Any]
    api: Api


def new_identity() -> dict[str, str]:
    """Registration details, every value registered as a canary no log may contain."""
    tag = secrets.token_hex(4)
    return {
        "name": register_canary(f"Canaryname {tag}", "user name"),
        "email": register_canary(f"canary.{tag}@example.com", "user email"),
        "phone": register_canary(unique_phone(), "user phone"),
        "password": register_canary(f"Pw-{secrets.token_urlsafe(12)}9a", "password"),
        "policy_version": POLICY_VERSION,
    }


def register_tokens(tokens: dict[str, Any]) -> None:
    for kind in ("id_token", "access_token", "refresh_token"):
        if tokens.get(kind):
            register_canary(tokens[kind], kind)


def create_user(api: Api) -> TestUser:
    identity = new_identity()
    registered = api.post("/v1/auth/register", json=identity)
    assert registered.status_code == 201, registered.text
    confirmed = api.post("/v1/auth/confirm", json={"email": identity["email"], "code": "123456"})
    assert confirmed.status_code == 200, confirmed.text
    login = api.post("/v1/auth/login", json={"email": identity["email"], "password": identity["password"]})
    assert login.status_code == 200, login.text
    tokens = login.json()
    register_tokens(tokens)
    return TestUser(
        user_id=registered.json()["user_id"],
        name=identity["name"],
        email=identity["email"],
        phone=identity["phone"],
        password=identity["password"],
        tokens=tokens,
        api=api.as_user(tokens["access_token"]),
    )


def new_lead_body(**overrides: Any) -> dict[str, Any]:
    tag = secrets.token_hex(3)
    body: dict[str, Any] = {
        "name": register_canary(f"Leadname {tag}", "lead name"),
        "phone": register_canary(unique_phone(), "lead phone"),
        "email": register_canary(f"lead.{tag}@example.com", "lead email"),
        "company": "Acme Traders",
        "source": "phonebook",
    }
    body.update(overrides)
    return body


def enable_features(user: TestUser, **switches: bool) -> dict[str, Any]:
    """Turn preferences switches on (or off) for ``user``; returns the saved document."""
    current = user.api.get("/v1/me/preferences").json()
    body = {k: v for k, v in current.items() if k != "updated_at"} | switches
    response = user.api.request("PUT", "/v1/me/preferences", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def upload_file(form: dict[str, Any], content: bytes, filename: str = "upload.bin") -> requests.Response:
    """POST a file through a presigned S3 form with a plain HTTP client, as the app does."""
    return requests.post(form["url"], data=form["fields"], files={"file": (filename, content)}, timeout=30)


def put_object_versions(local_stack: Any, key: str, count: int, content: bytes = b"%PDF-1.4\n") -> None:
    """``count`` more stored versions of one key in the uploads bucket, written straight to moto:
    what a client re-posting its upload form ``count`` times leaves, without the HTTP round trips."""
    s3 = local_stack.client("s3")
    for _ in range(count):
        s3.put_object(Bucket=local_stack.bucket_names["uploads"], Key=key, Body=content, ContentType="application/pdf")


def count_object_versions(local_stack: Any, prefix: str) -> int:
    """Versions and delete markers under ``prefix`` in the uploads bucket, every page."""
    s3 = local_stack.client("s3")
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=local_stack.bucket_names["uploads"], Prefix=prefix)
    return sum(len(page.get("Versions", [])) + len(page.get("DeleteMarkers", [])) for page in pages)


# The smallest real files of each kind (valid headers; enough for magic-byte checks).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


TOTP_STEP_S = 30


def totp_code(secret: str, at: float | None = None) -> str:
    """The authenticator app's code for a base32 ``secret`` (RFC 6238: SHA-1, 6 digits, 30 s)."""
    import base64
    import time

    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    totp = TOTP(key, 6, SHA1(), TOTP_STEP_S, enforce_key_length=False)
    return totp.generate(int(time.time() if at is None else at)).decode()


def fresh_totp_code(secret: str) -> str:
    """A code that stays valid while a request or two is served: the verifier accepts the current
    30-second step only, so a code read in a step's last seconds waits for the next step."""
    import time

    if TOTP_STEP_S - time.time() % TOTP_STEP_S < 5:
        time.sleep(TOTP_STEP_S - time.time() % TOTP_STEP_S + 0.1)
    return totp_code(secret)


def wrong_totp_code(secret: str) -> str:
    """A well-formed code that is not the current one."""
    return f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
