"""Google's libraries stay inside the Sheets import (issue 6, cold-start budgets).

Each function module is imported ONCE, in a fresh interpreter as a cold start is (so an import
anywhere below the handler, however indirect, is seen), and both rules are read from that probe:

- an API function outside the Sheets import imports no ``google`` module: only the import's own
  functions may pay for google-auth;
- only the import's API (``imports``) and OAuth callback (``google_oauth``) load Google's
  libraries (google, google_auth_oauthlib, googleapiclient, oauthlib, requests_oauthlib): every
  other function starts without them, the workflow steps included (they call the Sheets API
  over urllib3 with a bearer token).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from benchmarks.cold_start import Sample, probe, probe_env
from shared.resources import API_FUNCTIONS, FUNCTIONS, FunctionSpec

# The Sheets import's own functions (start, OAuth callback, workflow steps).
SHEETS_FUNCTIONS = {spec.name for spec in FUNCTIONS if "google_client" in spec.needs or "import_key" in spec.needs}
NON_SHEETS_API = [spec for spec in API_FUNCTIONS if spec.name not in SHEETS_FUNCTIONS]
# The only functions that may load Google's OAuth libraries.
OAUTH_FUNCTIONS = {"imports", "google_oauth"}
NON_OAUTH = [spec for spec in FUNCTIONS if spec.name not in OAUTH_FUNCTIONS]


@cache
def loaded(module: str) -> Sample:
    """One fresh interpreter per module for the whole run, whichever rules read it."""
    return probe(module)


@pytest.mark.parametrize("spec", NON_SHEETS_API, ids=lambda spec: spec.name)
def test_api_function_module_imports_no_google_module(spec: FunctionSpec) -> None:
    assert loaded(spec.module).google == ()


@pytest.mark.parametrize("spec", NON_OAUTH, ids=lambda spec: spec.name)
def test_non_import_functions_never_import_google_libraries(spec: FunctionSpec) -> None:
    assert loaded(spec.module).google_libraries == ()


def test_only_the_sheets_import_functions_are_exempt() -> None:
    assert {"imports", "google_oauth", "import_prepare", "import_chunk"} == SHEETS_FUNCTIONS
    assert OAUTH_FUNCTIONS < SHEETS_FUNCTIONS  # the workflow steps are held to the stricter rule


def test_the_probe_sees_a_google_import_below_a_module(tmp_path: Path) -> None:
    """Control: the same probe reports a ``google`` package imported two levels down."""
    (tmp_path / "google").mkdir()
    (tmp_path / "google" / "__init__.py").write_text("")
    (tmp_path / "google" / "auth.py").write_text("")
    (tmp_path / "helper.py").write_text("import google.auth\n")
    (tmp_path / "handler_module.py").write_text("import helper\n")
    env = probe_env() | {"PYTHONPATH": str(tmp_path)}
    sample = probe("handler_module", env=env)
    assert sample.google == ("google", "google.auth")
    assert sample.google_libraries == ("google", "google.auth")


def test_the_probe_sees_google_libraries_where_they_are_used() -> None:
    """Control: the OAuth callback does load them, and the probe reports it."""
    libraries = loaded("functions.google_oauth").google_libraries
    assert "google.auth" in libraries
    assert "google_auth_oauthlib" in libraries
