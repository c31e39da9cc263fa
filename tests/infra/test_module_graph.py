"""The infra modules import each other without a cycle, type-only imports included: the stack
composes the constructs and hands them to nag and checkov, and nothing imports the stack back."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

pytestmark = pytest.mark.infra

INFRA = Path(__file__).resolve().parents[2] / "infra"


def _infra_imports(path: Path) -> set[str]:
    """Every ``infra.*`` module ``path`` imports, wherever the import statement is."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    return {name for name in imported if name.startswith("infra.")}


def _graph() -> dict[str, set[str]]:
    return {f"infra.{path.stem}": _infra_imports(path) for path in INFRA.glob("*.py") if path.stem != "__init__"}


def test_infra_modules_import_each_other_without_a_cycle() -> None:
    graph = _graph()
    assert graph["infra.stack"] >= {"infra.nag", "infra.checkov"}  # the walk sees the imports
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import cycle: {' → '.join(error.args[1])}")


def test_only_the_synth_entry_point_imports_the_stack() -> None:
    importers = {module for module, imported in _graph().items() if "infra.stack" in imported}
    assert importers == {"infra.synth"}
