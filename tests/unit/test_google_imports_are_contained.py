"""Only the Sheets import's API and OAuth callback load Google's libraries: every other function
starts without them, the import's workflow steps included (they call the Sheets API over urllib3
with a bearer token)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shared.resources import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]
IMPORT_FUNCTIONS = {"imports", "google_oauth"}
PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("google", "google_auth_oauthlib",
      "googleapiclient", "oauthlib", "requests_oauthlib"))))
"""


@pytest.mark.parametrize("spec", [f for f in FUNCTIONS if f.name not in IMPORT_FUNCTIONS], ids=lambda f: f.name)
def test_non_import_functions_never_import_google_libraries(spec) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, spec.module], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_probe_sees_google_libraries_where_they_are_used() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "functions.google_oauth"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "google.auth" in json.loads(result.stdout.strip().splitlines()[-1])
