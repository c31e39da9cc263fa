"""``EmailAddress`` (the email field of request bodies, shared/core/emails.py) answers exactly as
pydantic's ``EmailStr`` with a 254-character limit: the same values accepted and returned, the same
error types, the same JSON schema (the OpenAPI document)."""

from __future__ import annotations

import string
from typing import Annotated, Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import EmailStr, Field, TypeAdapter, ValidationError

from shared.core.emails import EmailAddress

OURS: TypeAdapter[str] = TypeAdapter(EmailAddress)
PYDANTICS: TypeAdapter[str] = TypeAdapter(Annotated[EmailStr, Field(max_length=254)])

ADDRESSES = st.one_of(
    st.builds(
        "{}@{}.{}".format,
        st.text(alphabet=string.ascii_letters + string.digits + "._%+-!#'\" ", min_size=0, max_size=70),
        st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=0, max_size=70),
        st.sampled_from(["com", "in", "test", "local", "x", "c0m", "xn--p1ai", "a" * 64, ""]),
    ),
    st.text(max_size=300),
    st.sampled_from(
        ["Ravi <ravi@example.com>", "ravi@example.com", "RAVI@EXAMPLE.COM", "a" * 250 + "@x.io", "é@exämple.com"]
    ),
)


def _answer(adapter: TypeAdapter[str], value: Any) -> tuple[str, Any]:
    try:
        return "ok", adapter.validate_python(value)
    except ValidationError as exc:
        return "error", [(error["type"], error["loc"]) for error in exc.errors()]


@settings(max_examples=400, deadline=None)
@given(ADDRESSES)
def test_every_value_gets_the_answer_email_str_gives(value: str) -> None:
    assert _answer(OURS, value) == _answer(PYDANTICS, value)


def test_non_strings_are_refused_alike() -> None:
    for value in (None, 42, b"a@example.com", ["a@example.com"]):
        assert _answer(OURS, value) == _answer(PYDANTICS, value)


def test_the_schema_is_email_str_s() -> None:
    assert OURS.json_schema() == PYDANTICS.json_schema()
