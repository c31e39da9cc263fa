"""The cold-start floors hold only libraries a function really loads (issue 14).

``benchmarks.cold_start`` judges each function against the floor of the libraries it needs, and
``LIBRARY_NEEDS`` names who needs the optional ones. A floor that held a library the function never
loads would excuse code of ours as library time: each function named there is imported in a fresh
interpreter, as a cold start does, and must have loaded the library.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

import pytest

from benchmarks.cold_start import FLOOR_PARTS, LIBRARY_MODULES, LIBRARY_NEEDS, ROOT, floor_parts, probe_env
from shared.resources import FUNCTIONS

SPECS = {spec.name: spec for spec in FUNCTIONS}
DECLARED = [(library, name) for library, functions in LIBRARY_NEEDS.items() for name in functions]


@cache
def loaded_modules(module: str) -> frozenset[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT,
        env=probe_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return frozenset(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(("library", "name"), DECLARED, ids=[f"{lib}-{name}" for lib, name in DECLARED])
def test_a_declared_library_is_loaded_by_the_function(library: str, name: str) -> None:
    assert LIBRARY_MODULES[library] in loaded_modules(SPECS[name].module)


@pytest.mark.parametrize(("library", "name"), DECLARED, ids=[f"{lib}-{name}" for lib, name in DECLARED])
def test_a_declared_library_is_in_the_functions_floor(library: str, name: str) -> None:
    assert library in floor_parts(SPECS[name])


def test_every_declaration_names_a_function_and_a_measured_library() -> None:
    assert set(LIBRARY_NEEDS) == set(LIBRARY_MODULES)
    assert set(LIBRARY_NEEDS) <= set(FLOOR_PARTS)
    assert {name for _, name in DECLARED} <= set(SPECS)


def test_a_function_without_a_declaration_is_judged_without_the_library() -> None:
    """health parses nothing and makes no id: its floor is Powertools, a model and the resolver."""
    assert floor_parts(SPECS["health"]) == ("powertools + a pydantic model", "resolver")
    assert "python-ulid" not in floor_parts(SPECS["erasure"])
