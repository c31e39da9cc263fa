"""Request and job code never Scans: its cost must grow with the user's data, not the table.
The one Scan (listing a restored copy's partitions) lives in ops/restore.py, operator code that
no Lambda function loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from shared.resources import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]
DISASTER_RECOVERY = ROOT / "ops" / "restore.py"


def is_scan(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    if node.func.attr == "scan":
        return True
    return node.func.attr == "get_paginator" and any(
        isinstance(arg, ast.Constant) and arg.value == "scan" for arg in node.args
    )


def scans_in(path: Path) -> list[int]:
    """Lines calling ``.scan(...)`` or ``.get_paginator("scan")``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node.lineno for node in ast.walk(tree) if is_scan(node) and isinstance(node, ast.Call)]


def test_only_disaster_recovery_scans() -> None:
    sources = [*(ROOT / "functions").rglob("*.py"), *(ROOT / "shared").rglob("*.py")]
    found = {str(path.relative_to(ROOT)): scans_in(path) for path in sources}
    assert {path: lines for path, lines in found.items() if lines} == {}
    assert scans_in(DISASTER_RECOVERY)  # control: the check sees the one Scan there is


def test_no_lambda_function_loads_the_disaster_recovery_module() -> None:
    modules = ", ".join(spec.module for spec in FUNCTIONS)
    probe = f"import sys, {modules}; print(any(m.split('.')[0] == 'ops' for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
