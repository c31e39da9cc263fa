"""The gateway behaves like API Gateway's HTTP API with a Cognito JWT authorizer: routing, the
payload 2.0 event, claims as strings, response mapping, and the status codes API Gateway uses."""

from __future__ import annotations

import base64
import http.client
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from local.context import FunctionRegistry
from local.gateway import Gateway
from local.jwt_authorizer import claim_to_string
from local.routes import RouteTable
from local.stack import LocalStack
from local.testing import CognitoUser, create_user
from shared.resources import LEADS_FUNCTION, FunctionSpec, RouteSpec

Handler = Callable[[dict[str, Any], Any], Any]


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Stand-in handler: returns what it received."""
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(
            {
                "event": event,
                "context": {
                    "function_name": context.function_name,
                    "memory_limit_in_mb": context.memory_limit_in_mb,
                    "aws_request_id": context.aws_request_id,
                    "remaining": context.get_remaining_time_in_millis(),
                    "arn": context.invoked_function_arn,
                },
            }
        ),
    }


class StandIns:
    """The resolver the test gateway uses: ``echo`` unless a test swaps in something else."""

    def __init__(self) -> None:
        self.current: Handler = echo
        self.resolved: list[str] = []

    def resolve(self, function: FunctionSpec, route: RouteSpec) -> Handler:
        self.resolved.append(route.route_key)
        return lambda event, context: self.current(event, context)


@pytest.fixture(scope="module")
def stand_ins() -> StandIns:
    return StandIns()


@pytest.fixture(scope="module")
def gateway(local_stack: LocalStack, stand_ins: StandIns) -> Iterator[Gateway]:
    server = Gateway(
        jwks_url=local_stack.jwks_url,
        issuer=local_stack.issuer,
        client_ids=[local_stack.client_id],
        resolver=stand_ins.resolve,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def reset_stand_in(stand_ins: StandIns) -> Iterator[None]:
    yield
    stand_ins.current = echo


@pytest.fixture(scope="module")
def user(local_stack: LocalStack) -> CognitoUser:
    return create_user(local_stack)


@pytest.fixture(scope="module")
def session() -> requests.Session:
    return requests.Session()


def _get(session: requests.Session, gateway: Gateway, path: str, token: str | None = None, **kw: Any) -> Any:
    headers = dict(kw.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return session.get(gateway.url + path, headers=headers, timeout=10, **kw)


def _event(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    event: dict[str, Any] = response.json()["event"]
    return event


# --- tokens crafted with moto's own signing key, so each check fails for its stated reason --------

_MOTO_KEY = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(load_resource("cognitoidp/resources/jwks-private.json")))


def _claims(stack: LocalStack, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": stack.issuer,
        "sub": str(uuid.uuid4()),
        "client_id": stack.client_id,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], key: Any = _MOTO_KEY, kid: str = "dummy", alg: str = "RS256") -> str:
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _assert_unauthorized(response: requests.Response, description: str | None = None) -> None:
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer")
    if description is not None:
        assert f'error_description="{description}"' in challenge


def test_crafted_control_token_is_accepted(
    gateway: Gateway, session: requests.Session, local_stack: LocalStack
) -> None:
    """The positive control for every negative case below: same key, same claims, accepted."""
    assert _get(session, gateway, "/v1/leads", _sign(_claims(local_stack))).status_code == 200


def test_missing_token_is_401(gateway: Gateway, session: requests.Session) -> None:
    response = _get(session, gateway, "/v1/leads")
    _assert_unauthorized(response)
    assert response.headers["www-authenticate"] == "Bearer"


def test_garbage_token_is_401(gateway: Gateway, session: requests.Session) -> None:
    _assert_unauthorized(_get(session, gateway, "/v1/leads", "not-a-jwt"), "the token is invalid")
    _assert_unauthorized(_get(session, gateway, "/v1/leads", "a.b.c"), "the token is invalid")


def test_token_signed_by_another_key_is_401(
    gateway: Gateway, session: requests.Session, local_stack: LocalStack
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    same_kid = _sign(_claims(local_stack), key=other)
    unknown_kid = _sign(_claims(local_stack), key=other, kid="someone-else")
    _assert_unauthorized(_get(session, gateway, "/v1/leads", same_kid), "the token is invalid")
    _assert_unauthorized(_get(session, gateway, "/v1/leads", unknown_kid), "the token is invalid")


def test_hs256_with_public_key_is_401(gateway: Gateway, session: requests.Session, local_stack: LocalStack) -> None:
    """Algorithm confusion: an HMAC token keyed with the public JWKS must not pass as RS256."""
    forged = jwt.api_jws.PyJWS().encode(
        json.dumps(_claims(local_stack)).encode(),
        b"a-shared-secret-of-thirty-two-bytes!",
        algorithm="HS256",
        headers={"kid": "dummy"},
    )
    _assert_unauthorized(_get(session, gateway, "/v1/leads", forged), "the token is invalid")


def test_expired_token_is_401(gateway: Gateway, session: requests.Session, local_stack: LocalStack) -> None:
    now = int(time.time())
    expired = _sign(_claims(local_stack, iat=now - 7200, exp=now - 60))
    _assert_unauthorized(_get(session, gateway, "/v1/leads", expired), "the token has expired")


def test_not_yet_valid_token_is_401(gateway: Gateway, session: requests.Session, local_stack: LocalStack) -> None:
    future = _sign(_claims(local_stack, nbf=int(time.time()) + 600))
    _assert_unauthorized(_get(session, gateway, "/v1/leads", future), "the token is not valid yet")


def test_token_without_exp_is_401(gateway: Gateway, session: requests.Session, local_stack: LocalStack) -> None:
    _assert_unauthorized(_get(session, gateway, "/v1/leads", _sign(_claims(local_stack, exp=None))))


def test_wrong_issuer_is_401(gateway: Gateway, session: requests.Session, local_stack: LocalStack) -> None:
    other_pool = _sign(_claims(local_stack, iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"))
    _assert_unauthorized(_get(session, gateway, "/v1/leads", other_pool), "the token has an invalid issuer")


def test_wrong_audience_is_401(gateway: Gateway, session: requests.Session, local_stack: LocalStack) -> None:
    crafted = _sign(_claims(local_stack, client_id="another-client"))
    _assert_unauthorized(_get(session, gateway, "/v1/leads", crafted), "the token does not have a valid audience")


def test_real_token_of_another_app_client_is_401(
    gateway: Gateway, session: requests.Session, local_stack: LocalStack, user: CognitoUser
) -> None:
    cognito = local_stack.client("cognito-idp")
    other = cognito.create_user_pool_client(
        UserPoolId=local_stack.user_pool_id,
        ClientName="other-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    try:
        tokens = cognito.initiate_auth(
            ClientId=other,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.email, "PASSWORD": user.password},
        )["AuthenticationResult"]
        _assert_unauthorized(_get(session, gateway, "/v1/leads", tokens["AccessToken"]))
        _assert_unauthorized(_get(session, gateway, "/v1/leads", tokens["IdToken"]))
    finally:
        cognito.delete_user_pool_client(UserPoolId=local_stack.user_pool_id, ClientId=other)


def test_real_access_token_passes_its_claims_and_scopes_as_strings(
    gateway: Gateway, session: requests.Session, local_stack: LocalStack, user: CognitoUser
) -> None:
    event = _event(_get(session, gateway, "/v1/leads", user.access_token))
    authorizer = event["requestContext"]["authorizer"]["jwt"]
    claims = authorizer["claims"]
    assert claims["sub"] == user.sub
    assert claims["token_use"] == "access"
    assert all(isinstance(value, str) for value in claims.values())
    assert claims["exp"].isdigit()
    assert claims["iat"].isdigit()
    assert claims["client_id"] == local_stack.client_id
    assert authorizer["scopes"] == ["aws.cognito.signin.user.admin"]
    # Without the "Bearer " prefix API Gateway takes the header value as the token.
    raw = session.get(gateway.url + "/v1/leads", headers={"Authorization": user.access_token}, timeout=10)
    assert raw.status_code == 200


def _assert_insufficient_scope(response: requests.Response) -> None:
    """API Gateway's answer to a valid token without the route's authorization scope."""
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    assert response.headers["www-authenticate"] == (
        'Bearer scope="aws.cognito.signin.user.admin" error="insufficient_scope" '
        'error_description="expected scopes: [aws.cognito.signin.user.admin]"'
    )


def test_an_id_token_cannot_call_the_api(
    gateway: Gateway, session: requests.Session, user: CognitoUser, stand_ins: StandIns
) -> None:
    """Only access tokens call the API, locally by the rule API Gateway applies in AWS (the
    route's authorization scope); the function is never invoked."""
    stand_ins.resolved.clear()
    _assert_insufficient_scope(_get(session, gateway, "/v1/leads", user.id_token))
    _assert_insufficient_scope(_get(session, gateway, "/v1/me", user.id_token))
    assert stand_ins.resolved == []
    assert _get(session, gateway, "/v1/leads", user.access_token).status_code == 200


def test_a_token_without_the_scope_or_not_for_access_is_refused(
    gateway: Gateway, session: requests.Session, local_stack: LocalStack
) -> None:
    assert _get(session, gateway, "/v1/leads", _sign(_claims(local_stack))).status_code == 200
    _assert_insufficient_scope(_get(session, gateway, "/v1/leads", _sign(_claims(local_stack, scope=None))))
    other_scope = _sign(_claims(local_stack, scope="openid email"))
    _assert_insufficient_scope(_get(session, gateway, "/v1/leads", other_scope))
    id_use = _sign(_claims(local_stack, token_use="id"))
    _assert_insufficient_scope(_get(session, gateway, "/v1/leads", id_use))


def test_claims_are_flattened_like_api_gateway() -> None:
    assert claim_to_string(1700000000) == "1700000000"
    assert claim_to_string(True) == "true"
    assert claim_to_string(["admins", "users"]) == "[admins users]"
    assert claim_to_string("x") == "x"


def test_public_route_needs_no_token_and_gets_no_authorizer(gateway: Gateway, session: requests.Session) -> None:
    event = _event(_get(session, gateway, "/v1/health"))
    assert "authorizer" not in event["requestContext"]
    assert event["routeKey"] == "GET /v1/health"


def test_unknown_route_and_wrong_method_are_404(gateway: Gateway, session: requests.Session, user: CognitoUser) -> None:
    for response in (
        _get(session, gateway, "/v1/nothing-here"),
        _get(session, gateway, "/v1/leads/a/b", user.access_token),
        _get(session, gateway, "/v1/leads/", user.access_token),  # {param} never matches an empty segment
        session.put(gateway.url + "/v1/leads", timeout=10),
    ):
        assert response.status_code == 404
        assert response.json() == {"message": "Not Found"}


def test_event_shape_for_a_path_with_parameters(
    gateway: Gateway, session: requests.Session, user: CognitoUser, stand_ins: StandIns
) -> None:
    response = _get(
        session,
        gateway,
        "/v1/leads/lead%20one?b=x%20y&a=1&a=2&empty=",
        user.access_token,
        headers={"X-Custom": "one", "Cookie": "c1=v1; c2=v2", "User-Agent": "tests/1"},
    )
    event = _event(response)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /v1/leads/{lead_id}"
    assert event["rawPath"] == "/v1/leads/lead one"  # HTTP APIs deliver the path decoded
    assert event["rawQueryString"] == "b=x%20y&a=1&a=2&empty="
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x y", "empty": ""}
    assert event["pathParameters"] == {"lead_id": "lead one"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-custom"] == "one"
    assert all(name == name.lower() for name in event["headers"])
    assert event["isBase64Encoded"] is False
    assert "body" not in event
    context = event["requestContext"]
    assert context["stage"] == "$default"
    assert context["routeKey"] == "GET /v1/leads/{lead_id}"
    assert context["http"] == {
        "method": "GET",
        "path": "/v1/leads/lead one",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "tests/1",
    }
    assert context["accountId"] == "123456789012"
    assert abs(context["timeEpoch"] / 1000 - time.time()) < 60
    assert response.headers["apigw-requestid"] == context["requestId"]
    lambda_context = response.json()["context"]
    assert lambda_context["function_name"] == "leads"
    assert lambda_context["memory_limit_in_mb"] == LEADS_FUNCTION.memory_mb
    assert 0 < lambda_context["remaining"] <= LEADS_FUNCTION.timeout_s * 1000
    assert "GET /v1/leads/{lead_id}" in stand_ins.resolved


def test_duplicate_headers_are_comma_joined(gateway: Gateway) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    connection.putrequest("GET", "/v1/health")
    connection.putheader("X-Dup", "a")
    connection.putheader("X-Dup", "b")
    connection.endheaders()
    response = connection.getresponse()
    event = json.loads(response.read())["event"]
    connection.close()
    assert event["headers"]["x-dup"] == "a,b"


def test_text_bodies_are_plain_and_binary_bodies_base64(
    gateway: Gateway, session: requests.Session, user: CognitoUser
) -> None:
    auth = {"Authorization": f"Bearer {user.access_token}"}
    text = session.post(gateway.url + "/v1/leads", json={"name": "x"}, headers=auth, timeout=10)
    assert _event(text)["body"] == '{"name": "x"}'
    assert _event(text)["isBase64Encoded"] is False

    binary = bytes(range(256))
    headers = {**auth, "Content-Type": "application/pdf"}
    sent = session.post(gateway.url + "/v1/leads", data=binary, headers=headers, timeout=10)
    event = _event(sent)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == binary


def test_body_over_10_mb_is_413(gateway: Gateway) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    connection.putrequest("POST", "/v1/leads")
    connection.putheader("Content-Length", str(10 * 1024 * 1024 + 1))
    connection.putheader("Content-Type", "application/json")
    connection.endheaders()  # the body is never sent: the gateway answers from the header
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read()) == {"message": "Request Entity Too Large"}
    connection.close()


def test_response_mapping(gateway: Gateway, session: requests.Session, stand_ins: StandIns) -> None:
    stand_ins.current = lambda e, c: {"bare": [1, 2]}
    bare = _get(session, gateway, "/v1/health")
    assert bare.status_code == 200
    assert bare.headers["content-type"] == "application/json"
    assert bare.json() == {"bare": [1, 2]}

    png = b"\x89PNG\r\n\x1a\n\x00"
    stand_ins.current = lambda e, c: {
        "statusCode": 201,
        "headers": {"content-type": "image/png", "x-extra": "1"},
        "cookies": ["a=1; Path=/", "b=2; HttpOnly"],
        "body": base64.b64encode(png).decode(),
        "isBase64Encoded": True,
    }
    created = _get(session, gateway, "/v1/health")
    assert created.status_code == 201
    assert created.content == png
    assert created.headers["x-extra"] == "1"
    assert created.raw.headers.getlist("set-cookie") == ["a=1; Path=/", "b=2; HttpOnly"]

    stand_ins.current = lambda e, c: {"statusCode": 204}
    empty = _get(session, gateway, "/v1/health")
    assert empty.status_code == 204
    assert empty.content == b""


@pytest.mark.parametrize(
    "behaviour",
    [
        pytest.param(lambda e, c: 1 / 0, id="exception"),
        pytest.param(lambda e, c: {"statusCode": "200"}, id="status-not-int"),
        pytest.param(lambda e, c: {"statusCode": 200, "body": {"not": "a string"}}, id="body-not-str"),
        pytest.param(lambda e, c: {"statusCode": 200, "body": object()}, id="unserializable"),
    ],
)
def test_handler_failures_are_500(
    gateway: Gateway, session: requests.Session, stand_ins: StandIns, behaviour: Handler
) -> None:
    stand_ins.current = behaviour
    response = _get(session, gateway, "/v1/health")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_log_has_route_key_status_duration_and_no_request_data(
    gateway: Gateway,
    session: requests.Session,
    stand_ins: StandIns,
    user: CognitoUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail(event: dict[str, Any], context: Any) -> None:
        raise ValueError(f"bad phone +919812345678 for {user.email}")

    with caplog.at_level("INFO", logger="local_aws"):
        _get(session, gateway, "/v1/leads/secret-lead-id?q=private-query", user.access_token)
        stand_ins.current = fail
        _get(session, gateway, "/v1/leads/secret-lead-id", user.access_token)
        _get(session, gateway, "/v1/no/such/secret-path")
    lines = [r.getMessage() for r in caplog.records if r.name == "local_aws.gateway"]
    assert any(line.startswith("GET /v1/leads/{lead_id} 200 ") and line.endswith("ms") for line in lines)
    assert any(line.startswith("GET /v1/leads/{lead_id} 500 ") for line in lines)
    assert any("ValueError" in line for line in lines)
    assert any(line.startswith("GET - 404 ") for line in lines)
    for secret in ("secret-lead-id", "private-query", "secret-path", "919812345678", user.email, user.access_token):
        assert secret not in caplog.text


def test_default_resolver_imports_lazily_and_isolates_failures(local_stack: LocalStack) -> None:
    """A route whose module cannot be imported is a 500; the others keep working."""
    here = FunctionSpec(
        name="here",
        module="tests.integration.test_local_lambda_edge",
        description="a module with handler()",
        routes=(RouteSpec("GET", "/v1/here", public=True),),
    )
    ghost = FunctionSpec(
        name="ghost",
        module="functions.does_not_exist_anywhere",
        description="missing",
        routes=(RouteSpec("GET", "/v1/ghost", public=True),),
    )
    server = Gateway(
        jwks_url=local_stack.jwks_url,
        issuer=local_stack.issuer,
        client_ids=[local_stack.client_id],
        registry=FunctionRegistry((here, ghost)),
        routes=[(here, r) for r in here.routes] + [(ghost, r) for r in ghost.routes],
    )
    server.start()
    try:
        assert requests.get(server.url + "/v1/here", timeout=10).json() == {"imported": True, "function": "here"}
        assert requests.get(server.url + "/v1/ghost", timeout=10).status_code == 500
    finally:
        server.stop()


def test_literal_segments_win_over_parameters() -> None:
    fn = FunctionSpec(name="f", module="m", description="")
    table = RouteTable(
        [
            (fn, RouteSpec("GET", "/v1/leads/{lead_id}")),
            (fn, RouteSpec("GET", "/v1/leads/export")),
            (fn, RouteSpec("GET", "/v1/{anything}/export")),
        ]
    )
    assert table.match("GET", "/v1/leads/export")[1].path == "/v1/leads/export"  # type: ignore[index]
    assert table.match("GET", "/v1/leads/42")[2] == {"lead_id": "42"}  # type: ignore[index]
    assert table.match("GET", "/v1/other/export")[2] == {"anything": "other"}  # type: ignore[index]
    assert table.match("POST", "/v1/leads/42") is None


def test_docs_page_is_powertools_swagger_ui_and_loads_nothing_from_elsewhere(
    gateway: Gateway, session: requests.Session
) -> None:
    page = _get(session, gateway, "/v1/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle(" in page.text  # Powertools' bundled Swagger UI, inlined
    # Nothing to fetch: no external script, stylesheet or image, and the browser is told so.
    assert re.findall(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.text) == []
    header = page.headers["content-security-policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'sha256-")  # the page's own blocks, by hash
    assert "unsafe-inline" not in header
    assert "http" not in header


def test_docs_page_shows_the_document_openapi_json_serves(gateway: Gateway, session: requests.Session) -> None:
    """Powertools' ``?format=json`` is the document embedded in the page: the API's, with its
    security scheme and public routes, not one built from the docs resolver's own routes."""
    openapi = pytest.importorskip("functions.openapi")
    embedded = _get(session, gateway, "/v1/docs", params={"format": "json"})
    assert embedded.status_code == 200
    assert embedded.json() == json.loads(openapi.openapi_json())
    assert embedded.json()["components"]["securitySchemes"]


def test_openapi_document_is_the_functions_document(gateway: Gateway, session: requests.Session) -> None:
    openapi = pytest.importorskip("functions.openapi")
    response = _get(session, gateway, "/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(openapi.openapi_json())


# --- routing as API Gateway routes: the path is percent-decoded once, then matched as it is ------


def _raw_get(gateway: Gateway, target: str, token: str | None = None) -> tuple[int, Any]:
    """A request with exactly this request target (no client-side normalization)."""
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    connection.putrequest("GET", target, skip_accept_encoding=True)
    if token is not None:
        connection.putheader("Authorization", f"Bearer {token}")
    connection.endheaders()
    response = connection.getresponse()
    body = json.loads(response.read() or b"null")
    connection.close()
    return response.status, body


@pytest.mark.parametrize("target", ["//v1/health", "///v1/health", "/v1//health", "//v1/leads"])
def test_repeated_slashes_are_not_collapsed_and_match_no_route(
    gateway: Gateway, user: CognitoUser, target: str
) -> None:
    assert _raw_get(gateway, target, user.access_token) == (404, {"message": "Not Found"})


def test_the_path_is_percent_decoded_before_routing(gateway: Gateway, user: CognitoUser) -> None:
    status, body = _raw_get(gateway, "/v1/%68ealth")
    assert status == 200
    assert body["event"]["routeKey"] == "GET /v1/health"
    # An encoded slash is a slash once decoded: it separates segments, as API Gateway reads it.
    status, body = _raw_get(gateway, "/v1/leads%2Fabc", user.access_token)
    assert status == 200
    assert body["event"]["routeKey"] == "GET /v1/leads/{lead_id}"
    assert body["event"]["pathParameters"] == {"lead_id": "abc"}
    assert body["event"]["rawPath"] == "/v1/leads/abc"
    assert _raw_get(gateway, "/v1/leads/a%2Fb", user.access_token)[0] == 404  # three segments after decoding


def test_the_path_is_decoded_once_not_twice(gateway: Gateway, user: CognitoUser) -> None:
    status, body = _raw_get(gateway, "/v1/leads/%2541", user.access_token)
    assert status == 200
    assert body["event"]["pathParameters"] == {"lead_id": "%41"}
    assert body["event"]["rawPath"] == "/v1/leads/%41"
    assert _raw_get(gateway, "/v1/%2568ealth")[0] == 404  # "%68ealth" is not "health"
