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

from benchmarks.cold_start import (
    FLOOR_PARTS,
    LIBRARY_MODULES,
    LIBRARY_NEEDS,
    ROOT,
    SKELETON_GROUPS,
    common_parts,
    floor_parts,
    probe_env,
    skeleton_code,
    skeleton_group,
)
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


@pytest.mark.parametrize("group", list(SKELETON_GROUPS))
def test_a_skeleton_sits_on_a_floor_every_function_of_its_group_has(group: str) -> None:
    """A skeleton is measured over the floor its group shares: a part one member lacks would
    count library time as ours for that member, and a part left out would count it as skeleton."""
    members = [spec for spec in FUNCTIONS if skeleton_group(spec) == group]
    assert members
    parts = set(common_parts(members))
    assert all(parts <= set(floor_parts(spec)) for spec in members)
    assert parts == set.intersection(*(set(floor_parts(spec)) for spec in members))


def test_the_skeleton_code_imports_what_it_is_given_and_builds_what_every_member_builds() -> None:
    code = skeleton_code(frozenset({"shared.core.api", "shared.core.clock"}), api=True)
    assert {line for line in code.splitlines() if line.startswith("import ")} == {
        "import shared.core.api",
        "import shared.core.clock",
    }
    assert "load_settings()" in code
    assert "build_resolver(Router())" in code
    assert "build_resolver" not in skeleton_code(frozenset({"shared.core.clock"}), api=False)
