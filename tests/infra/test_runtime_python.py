"""The Makefile and the bundlers find the runtime's Python on PATH or in pyenv, and only one that
really runs as that version (pyenv's shims exist for versions that are not selected)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from infra import runtime_python

REPO_ROOT = Path(__file__).resolve().parents[2]


def fake_python(path: Path, prints: str, status: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {prints}\nexit {status}\n")
    path.chmod(0o755)
    return path


def test_pyenv_installs_are_found_newest_patch_first(tmp_path: Path) -> None:
    root = tmp_path / "pyenv"
    fake_python(root / "versions" / "3.42.2" / "bin" / "python3.42", "3.42")
    newest = fake_python(root / "versions" / "3.42.10" / "bin" / "python3.42", "3.42")
    fake_python(root / "versions" / "3.41.9" / "bin" / "python3.41", "3.41")

    environ = {"PATH": str(tmp_path / "empty"), "PYENV_ROOT": str(root)}

    assert runtime_python.candidates("3.42", environ)[0] == str(newest)
    assert runtime_python.find("3.42", environ) == str(newest)


def test_a_shim_that_does_not_run_that_version_is_passed_over(tmp_path: Path) -> None:
    shims = tmp_path / "shims"
    fake_python(shims / "python3.42", "pyenv: python3.42: command not found", status=127)
    installed = fake_python(tmp_path / "pyenv" / "versions" / "3.42.0" / "bin" / "python3.42", "3.42")
    environ = {"PATH": str(shims), "PYENV_ROOT": str(tmp_path / "pyenv")}

    assert runtime_python.candidates("3.42", environ)[0] == str(shims / "python3.42")
    assert runtime_python.find("3.42", environ) == str(installed)


def test_nothing_found_is_said_and_fails(tmp_path: Path) -> None:
    fake_python(tmp_path / "bin" / "python3.42", "3.41")  # answers, but as another version
    environ = {"PATH": str(tmp_path / "bin"), "PYENV_ROOT": str(tmp_path / "none")}
    assert runtime_python.find("3.42", environ) is None

    result = subprocess.run(
        [sys.executable, "infra/runtime_python.py"],
        cwd=REPO_ROOT,
        env={"PATH": str(tmp_path / "bin"), "PYENV_ROOT": str(tmp_path / "none"), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    if f"{sys.version_info.major}.{sys.version_info.minor}" != runtime_python.VERSION:
        assert result.returncode == 1
        assert f"Python {runtime_python.VERSION} (the Lambda runtime's) not found" in result.stderr
    else:  # this interpreter is the runtime's version: it is its own answer
        assert result.stdout.strip() == sys.executable
