"""Logs carry structure, never personal values (policy: monitoring sees no payloads)."""

import json

import pytest

from shared.privacy import Pii, get_logger, redact, safe_exception
from shared.privacy.pii import MASK


def test_pii_is_masked_when_formatted_printed_or_json_encoded() -> None:
    email = Pii("someone@example.com")
    assert str(email) == MASK
    assert f"{email}" == MASK
    assert "someone" not in repr(email)
    assert "someone" not in json.dumps({"v": email}, default=str)
    assert email.reveal() == "someone@example.com"


@pytest.mark.parametrize(
    "field",
    ["email", "phone", "name", "password", "refresh_token", "lat", "lng", "filename", "body", "notes", "q"],
)
def test_redact_masks_fields_named_as_personal(field: str) -> None:
    assert redact({field: "value-123"}) == {field: MASK}


def test_redact_walks_nested_structures_and_keeps_counts_and_ids() -> None:
    record = {"lead_id": "01ABC", "count": 3, "items": [{"phone": "+911234567890"}], "meta": {"email": "x@y.z"}}
    assert redact(record) == {"lead_id": "01ABC", "count": 3, "items": [{"phone": MASK}], "meta": {"email": MASK}}


def test_redacting_logger_never_writes_personal_fields_or_exception_messages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger = get_logger("privacy-test")
    logger.info("lead created", extra={"email": "leak-me@example.com", "lead_id": "01XYZ", "who": Pii("Ravi")})
    try:
        raise ValueError("input was leak-me-too@example.com")
    except ValueError as exc:
        logger.exception("failed", extra=safe_exception(exc))
    out = capsys.readouterr().out
    assert "leak-me" not in out
    assert "Ravi" not in out
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0]["lead_id"] == "01XYZ"
    assert lines[1]["exception_name"] == "ValueError"
    assert any("test_privacy_logging.py" in frame for frame in lines[1]["frames"])
