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
