"""The body checks every API function runs before routing (shared/core/request_checks.py), on the
two shapes of event API Gateway can send: a text body (``isBase64Encoded: false``) and a
base64-encoded one. Hostile bodies get a 4xx with the error shape, never a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from shared.core.request_checks import MAX_BODY_DEPTH, refusal_for_body, refusal_for_media_type


def _text_event(body: str, content_type: str = "application/json") -> dict[str, Any]:
    return {"headers": {"content-type": content_type}, "body": body, "isBase64Encoded": False}


def _base64_event(body: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"headers": {"content-type": content_type}, "body": base64.b64encode(body).decode(), "isBase64Encoded": True}


def _error(response: dict[str, Any] | None) -> tuple[int, str]:
    assert response is not None
    return response["statusCode"], json.loads(response["body"])["error"]["code"]


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_body_nested_100000_deep_is_400_not_a_recursion_error(opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    deep = "{" + '"x":' + opening * 100_000 + "1" + closing * 100_000 + "}"
    assert _error(refusal_for_body(_text_event(deep))) == (400, "too_deeply_nested")
    assert _error(refusal_for_body(_base64_event(deep.encode()))) == (400, "too_deeply_nested")


def test_nesting_is_refused_beyond_the_limit_and_accepted_up_to_it() -> None:
    def nested(depth: int) -> str:  # depth counts the body object itself
        return '{"a":' * depth + "1" + "}" * depth

    assert refusal_for_body(_text_event(nested(MAX_BODY_DEPTH))) is None
    assert _error(refusal_for_body(_text_event(nested(MAX_BODY_DEPTH + 1)))) == (400, "too_deeply_nested")
    # brackets inside strings are text, not nesting
    assert refusal_for_body(_text_event(json.dumps({"note": "[" * 1000 + "{" * 1000}))) is None


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"name": "Ravi \xff Kumar"}', id="invalid byte"),
        pytest.param(b'{"name": "Ravi \xc3"}', id="truncated sequence"),
        pytest.param(b'{"name": "\xed\xa0\x80"}', id="encoded surrogate"),
        pytest.param(b'{"name": "\xc0\xaf"}', id="overlong encoding"),
        pytest.param('{"name": "Zoë"}'.encode("latin-1"), id="latin-1 text"),
    ],
)
def test_invalid_utf8_is_400_invalid_encoding_in_either_event_shape(raw: bytes) -> None:
    # base64: the bytes as sent
    assert _error(refusal_for_body(_base64_event(raw))) == (400, "invalid_encoding")
    # text: what a replacing decoder makes of them (U+FFFD where the bytes were)
    replaced = raw.decode("utf-8", errors="replace")
    assert "\ufffd" in replaced
    assert _error(refusal_for_body(_text_event(replaced))) == (400, "invalid_encoding")


def test_valid_utf8_in_either_event_shape_passes() -> None:
    text = json.dumps({"name": "Zoë Ångström 李小龙 रवि"}, ensure_ascii=False)
    assert refusal_for_body(_text_event(text)) is None
    assert refusal_for_body(_base64_event(text.encode())) is None


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=latin-1",
        "application/json; charset=ISO-8859-1",
        "application/json;charset=utf-16",
        'application/json; charset="windows-1252"',
    ],
)
def test_a_declared_charset_other_than_utf8_is_415(content_type: str) -> None:
    event = _text_event('{"name": "x"}', content_type)
    assert _error(refusal_for_media_type(event)) == (415, "unsupported_charset")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        'application/json; charset="utf-8"',
    ],
)
def test_json_without_a_charset_or_with_utf8_is_accepted(content_type: str) -> None:
    assert refusal_for_media_type(_text_event('{"name": "x"}', content_type)) is None
