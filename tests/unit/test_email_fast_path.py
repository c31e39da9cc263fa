"""The plain-address fast path of ``normalize_email`` answers exactly what email-validator does."""

from __future__ import annotations

import string

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core import emails
from shared.core.emails import InvalidEmail, normalize_email

LOCAL = st.text(alphabet=string.ascii_letters + string.digits + "._%+-!#$&'*/=?^`{|}~\"", min_size=1, max_size=70)
LABEL = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=66)
TLD = st.one_of(
    st.sampled_from(["com", "in", "IO", "museum", "test", "local", "onion", "arpa", "x", "c0m", "xn--p1ai", "a" * 64]),
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8),
)


def _validator(text: str) -> str | None:
    if len(text) > emails.EMAIL_MAX:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _ours(text: str) -> str | None:
    try:
        return normalize_email(text)
    except InvalidEmail:
        return None


@given(LOCAL, st.lists(LABEL, min_size=1, max_size=3), TLD)
@settings(max_examples=1000, deadline=None)
def test_any_address_gets_the_same_answer_both_ways(local: str, labels: list[str], tld: str) -> None:
    text = f"{local}@{'.'.join([*labels, tld])}"
    assert _ours(text) == _validator(text)


@given(st.text(max_size=80))
@settings(max_examples=500, deadline=None)
def test_any_text_at_all_gets_the_same_answer_both_ways(text: str) -> None:
    assert _ours(text) == _validator(text)


def test_plain_addresses_skip_the_validator_and_others_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []
    real = emails.validate_email

    def counting_validator(text: str, **options: object) -> object:
        called.append(text)
        return real(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(emails, "validate_email", counting_validator)
    assert normalize_email("Ravi.Kumar+crm@Example.co.in") == "ravi.kumar+crm@example.co.in"
    assert called == []
    assert normalize_email("ravi@例え.jp") == _validator("ravi@例え.jp")
    with pytest.raises(InvalidEmail):
        normalize_email("ravi@server.local")  # special-use: the validator refuses it
    assert called == ["ravi@例え.jp", "ravi@server.local"]
