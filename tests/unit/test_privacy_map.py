"""docs/privacy.md maps each enforceable sentence of the policy to the code that enforces it and
the test that proves it. This test fails when a named test or code reference does not exist, so
the map cannot silently rot."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "docs" / "privacy.md"
POLICY = ROOT / "docs" / "privacy-policy.txt"  # the version of the policy this code enforces
QUOTE = re.compile(r'^\| "([^|]*?)"', re.MULTILINE)
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
CODE_REF = re.compile(r"`((?:shared|functions|infra|local|ops)(?:\.\w+)+)`")


def _test_ids() -> list[tuple[str, str]]:
    return sorted(set(TEST_ID.findall(MAP.read_text())))


def _code_refs() -> list[str]:
    return sorted(set(CODE_REF.findall(MAP.read_text())))


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


def _quoted_fragments() -> list[str]:
    """Each quotation of the map, cut at its ellipses: every piece must be the policy's own words."""
    pieces = (piece.strip(" .,;:") for quote in QUOTE.findall(MAP.read_text()) for piece in quote.split("…"))
    return sorted({_plain(piece) for piece in pieces if piece.strip(" .,;:")})


def test_the_map_quotes_the_policy() -> None:
    assert len(_quoted_fragments()) >= 25


@pytest.mark.parametrize("fragment", _quoted_fragments(), ids=lambda fragment: fragment[:40])
def test_every_quotation_is_in_the_policy_the_project_keeps(fragment: str) -> None:
    assert fragment in _plain(POLICY.read_text()), "docs/privacy.md quotes words the policy does not have"


def test_the_map_names_tests_and_code() -> None:
    assert len(_test_ids()) >= 25
    assert len(_code_refs()) >= 20


@pytest.mark.parametrize(("path", "name"), _test_ids(), ids=lambda value: str(value))
def test_every_named_test_exists(path: str, name: str) -> None:
    tree = ast.parse((ROOT / path).read_text())
    names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    assert name in names, f"{path}::{name} is named in docs/privacy.md but does not exist"


@pytest.mark.parametrize("reference", _code_refs())
def test_every_named_piece_of_code_exists(reference: str) -> None:
    parts = reference.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            assert hasattr(target, attribute), f"{reference} is named in docs/privacy.md but does not exist"
            target = getattr(target, attribute)
        return
    pytest.fail(f"{reference} is named in docs/privacy.md but no such module exists")
