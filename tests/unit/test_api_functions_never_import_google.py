"""API handlers never import Google's libraries (issue 6, cold-start budgets): only the Sheets
import work may pay for them. Each module is imported in a fresh interpreter, as a cold start is,
so an import anywhere below the handler — however indirect — is seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.cold_start import probe, probe_env
from shared.resources import API_FUNCTIONS, FUNCTIONS, FunctionSpec

# The Sheets import's own functions (start, OAuth callback, workflow steps) need google-auth;
# every other API function must not pay for it.
SHEETS_FUNCTIONS = {spec.name for spec in FUNCTIONS if "google_client" in spec.needs or "import_key" in spec.needs}
NON_SHEETS_API = [spec for spec in API_FUNCTIONS if spec.name not in SHEETS_FUNCTIONS]


@pytest.mark.parametrize("spec", NON_SHEETS_API, ids=lambda spec: spec.name)
def test_api_function_module_imports_no_google_module(spec: FunctionSpec) -> None:
    assert probe(spec.module).google == ()


def test_only_the_sheets_import_functions_are_exempt() -> None:
    assert {"imports", "google_oauth", "import_prepare", "import_chunk"} == SHEETS_FUNCTIONS


def test_the_probe_sees_a_google_import_below_a_module(tmp_path: Path) -> None:
    """Control: the same probe reports a ``google`` package imported two levels down."""
    (tmp_path / "google").mkdir()
    (tmp_path / "google" / "__init__.py").write_text("")
    (tmp_path / "google" / "auth.py").write_text("")
    (tmp_path / "helper.py").write_text("import google.auth\n")
    (tmp_path / "handler_module.py").write_text("import helper\n")
    env = probe_env() | {"PYTHONPATH": str(tmp_path)}
    assert probe("handler_module", env=env).google == ("google", "google.auth")
