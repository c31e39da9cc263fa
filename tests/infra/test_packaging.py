"""Lambda packages ship bytecode for the runtime's Python: Lambda's code directories are
read-only, so a package without ``.pyc`` files is compiled from source in every cold start."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.packaging import CODE_PACKAGES, REPO_ROOT, CodeLocalBundling, compile_for_runtime

THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHER_PYTHON = "3.99"


def bytecode_of(source: Path) -> Path:
    return Path(importlib.util.cache_from_source(str(source)))


def test_bytecode_is_used_without_checking_the_source(tmp_path: Path) -> None:
    """Unchecked-hash bytecode: what was compiled runs, whatever the zip does to file times."""
    module = tmp_path / "probe_module.py"
    module.write_text("VALUE = 'compiled'\n")

    assert compile_for_runtime(tmp_path, THIS_PYTHON, "the probe")

    header = bytecode_of(module).read_bytes()[:16]
    assert int.from_bytes(header[4:8], "little") == 0b01  # hash-based, source not checked
    module.write_text("VALUE = 'source'\n")
    os.utime(module, (315532800, 315532800))  # 1980-01-01, as zips store times
    result = subprocess.run(
        [sys.executable, "-c", "import probe_module; print(probe_module.VALUE)"],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "compiled"


def test_no_bytecode_for_another_python_and_the_bundler_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "probe_module.py").write_text("VALUE = 1\n")

    assert not compile_for_runtime(tmp_path, OTHER_PYTHON, "the probe")

    assert not list(tmp_path.rglob("*.pyc"))
    assert f"not {OTHER_PYTHON}: the probe ships without bytecode" in capsys.readouterr().err


def test_code_asset_holds_the_handler_packages_with_runtime_bytecode(tmp_path: Path) -> None:
    bundler = CodeLocalBundling(REPO_ROOT, THIS_PYTHON)

    assert bundler.try_bundle(str(tmp_path))

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(CODE_PACKAGES)
    handler = tmp_path / "functions" / "leads.py"
    assert handler.read_text() == (REPO_ROOT / "functions" / "leads.py").read_text()
    assert bytecode_of(handler).is_file()
    sources = list(tmp_path.rglob("*.py"))
    assert all(bytecode_of(source).is_file() for source in sources)
    # No stale caches of other interpreters copied from the working tree.
    tags = {path.name.split(".")[-2] for path in tmp_path.rglob("*.pyc")}
    assert tags == {sys.implementation.cache_tag}


def test_code_asset_for_another_python_ships_source_only(tmp_path: Path) -> None:
    assert CodeLocalBundling(REPO_ROOT, OTHER_PYTHON).try_bundle(str(tmp_path))

    assert (tmp_path / "shared" / "resources.py").is_file()
    assert not list(tmp_path.rglob("*.pyc"))
    assert not list(tmp_path.rglob("__pycache__"))
