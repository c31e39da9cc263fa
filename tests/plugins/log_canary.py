"""Fails any test whose captured output contains a canary: a personal value or secret of a test user.

Active for the whole suite (``-p tests.plugins.log_canary`` in pyproject). Test users register
their name, email, phone, password and tokens as canaries; every test's captured stdout, stderr and
log records (of all phases, and of every thread, since capture is at file-descriptor level) are
searched for each canary in the forms a log line could carry it. A hit turns the test red with the
canary's label — never its value.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Generator

import pytest

_CANARIES: dict[str, str] = {}  # searchable form -> label


def _forms(value: str) -> set[str]:
    forms = {value, json.dumps(value)[1:-1], urllib.parse.quote(value), urllib.parse.quote_plus(value)}
    if value.startswith("+"):
        forms.add(value[1:])  # a phone without its plus sign
    return {form for form in forms if len(form) >= 6}


def register_canary(value: str, label: str) -> str:
    """Mark ``value`` as something no log may ever contain; returns it for convenience."""
    for form in _forms(value):
        _CANARIES[form] = label
    return value


def leaked_canaries(text: str) -> set[str]:
    return {label for form, label in _CANARIES.items() if form in text}


@pytest.fixture
def canary() -> Callable[[str, str], str]:
    return register_canary


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, None, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not _CANARIES:
        return
    leaks: set[str] = set()
    where: set[str] = set()
    for title, content in report.sections:
        if not title.endswith(f" {call.when}"):
            continue  # earlier phases were checked in their own reports
        found = leaked_canaries(content)
        if found:
            leaks |= found
            where.add(title)
    if leaks:
        report.outcome = "failed"
        report.longrepr = (
            f"personal data reached captured output during {call.when}: "
            f"{sorted(leaks)} in {sorted(where)} (values withheld)"
        )
