"""Monitoring and error reporting "do not have access to the payload of your data": an exception
raised while handling a request full of canary values reaches Sentry as type, stack and route only."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from functions import leads as leads_function
from shared.privacy import error_reporting


class CapturingTransport(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        for item in envelope.items:
            if item.type == "event":
                self.events.append(json.loads(item.get_bytes()))


class ExplodingRepository:
    def __init__(self, secret: str) -> None:
        self._secret = secret

    def create(self, user_id: str, lead: Any) -> None:
        raise RuntimeError(f"database said no to {self._secret} for {lead.name}")


@pytest.fixture
def sentry(monkeypatch: pytest.MonkeyPatch) -> Any:
    transport = CapturingTransport()
    assert error_reporting.init_error_reporting(dsn="https://public@sentry.invalid/1", transport=transport)
    yield transport
    sentry_sdk.init()  # no DSN: off again
    monkeypatch.setattr(error_reporting, "_enabled", False)


class Context:
    function_name = "leads"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:leads"
    aws_request_id = "req-1"
    log_group_name = "/aws/lambda/leads"
    log_stream_name = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def test_an_unexpected_error_reaches_sentry_without_any_request_value(
    sentry: Any, monkeypatch: pytest.MonkeyPatch, canary: Any, local_stack: Any
) -> None:
    name = canary("Canaryname Sentryleak", "lead name")
    phone = canary("+919812300077", "lead phone")
    email = canary("sentry.canary@example.com", "lead email")
    token = canary("eyJhbGciOiJSUzI1NiJ9.canarytoken.signature", "access token")
    secret = canary("db-secret-value-4242", "exception message")
    monkeypatch.setattr(leads_function, "lead_repository", lambda: ExplodingRepository(secret))
    event = {
        "version": "2.0",
        "routeKey": "POST /v1/leads",
        "rawPath": "/v1/leads",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "authorization": f"Bearer {token}", "cookie": f"c={phone}"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.com",
            "domainPrefix": "api",
            "http": {
                "method": "POST",
                "path": "/v1/leads",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
                "userAgent": "app",
            },
            "authorizer": {"jwt": {"claims": {"sub": "user-sentry-1", "email": email}, "scopes": None}},
            "requestId": "r1",
            "routeKey": "POST /v1/leads",
            "stage": "$default",
            "time": "30/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1796032800000,
        },
        "body": json.dumps({"name": name, "phone": phone, "email": email}),
        "isBase64Encoded": False,
    }
    response = leads_function.handler(event, Context())
    assert response["statusCode"] == 500
    assert secret not in response["body"]
    sentry_sdk.flush()

    assert len(sentry.events) == 1
    reported = sentry.events[0]
    exception = reported["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert any(frame.get("function") == "create_lead" for frame in exception["stacktrace"]["frames"])
    assert reported["tags"]["route"] == "POST /v1/leads"
    text = json.dumps(reported)
    for value in (name, phone, phone.removeprefix("+"), email, token, secret, "203.0.113.9", "user-sentry-1"):
        assert value not in text


def test_sentry_is_configured_to_collect_no_personal_data(sentry: Any) -> None:
    """Second line behind the scrubber: the SDK itself is told to collect nothing personal."""
    client = sentry_sdk.get_client()
    assert client.should_send_default_pii() is False
    collection = client.options["data_collection"]
    assert collection["user_info"] is False
    assert collection["http_bodies"] == []
    assert collection["stack_frame_variables"] is False
    assert collection["frame_context_lines"] == 0
    for key_values in (collection["cookies"], collection["url_query_params"], collection["http_headers"]["request"]):
        assert key_values["mode"] == "off"
    assert client.options["max_request_body_size"] == "never"
    assert client.options["include_local_variables"] is False
