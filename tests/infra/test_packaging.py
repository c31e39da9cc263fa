"""Lambda packages ship bytecode written by the runtime's Python: Lambda's code directories are
read-only, so a package without ``.pyc`` files is compiled from source in every cold start, and
bytecode of another version is ignored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra import runtime_python
from infra.packaging import (
    CODE_PACKAGES,
    REPO_ROOT,
    RUNTIME,
    CodeLocalBundling,
    compile_for_runtime,
    runtime_python_version,
)

RUNTIME_VERSION = runtime_python_version()
RUNTIME_TAG = "cpython-" + RUNTIME_VERSION.replace(".", "")
MISSING_PYTHON = "3.99"
# Bundling needs the runtime's Python; where it is missing (the Makefile warned) these are skipped.
needs_runtime_python = pytest.mark.skipif(
    runtime_python.find(RUNTIME_VERSION) is None, reason=f"Python {RUNTIME_VERSION} is not on this machine"
)


def bytecode_of(source: Path, tag: str) -> Path:
    """Where ``tag``'s interpreter keeps the bytecode of ``source``."""
    return source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"


@needs_runtime_python
def test_bytecode_is_used_without_checking_the_source(tmp_path: Path) -> None:
    """Unchecked-hash bytecode: what was compiled runs, whatever the zip does to file times."""
    module = tmp_path / "probe_module.py"
    module.write_text("VALUE = 'compiled'\n")

    python = compile_for_runtime(tmp_path, RUNTIME_VERSION)

    (compiled,) = (tmp_path / "__pycache__").glob(f"probe_module.{RUNTIME_TAG}.pyc")
    header = compiled.read_bytes()[:16]
    assert int.from_bytes(header[4:8], "little") == 0b01  # hash-based, source not checked
    module.write_text("VALUE = 'source'\n")
    os.utime(module, (315532800, 315532800))  # 1980-01-01, as zips store times
    result = subprocess.run(
        [python, "-c", "import probe_module; print(probe_module.VALUE)"],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "compiled"


def test_bundling_without_the_runtimes_python_fails_and_says_so(tmp_path: Path) -> None:
    """Source without bytecode would deploy and compile itself in every cold start: refused."""
    (tmp_path / "probe_module.py").write_text("VALUE = 1\n")

    with pytest.raises(RuntimeError, match=f"Python {MISSING_PYTHON}, the Lambda runtime's version, was not found"):
        compile_for_runtime(tmp_path, MISSING_PYTHON)

    assert not list(tmp_path.rglob("*.pyc"))


@needs_runtime_python
def test_code_asset_holds_the_handler_packages_with_runtime_bytecode(tmp_path: Path) -> None:
    bundler = CodeLocalBundling(REPO_ROOT, RUNTIME_VERSION)

    assert bundler.try_bundle(str(tmp_path))

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(CODE_PACKAGES)
    handler = tmp_path / "functions" / "leads.py"
    assert handler.read_text() == (REPO_ROOT / "functions" / "leads.py").read_text()
    sources = list(tmp_path.rglob("*.py"))
    assert all(bytecode_of(source, RUNTIME_TAG).is_file() for source in sources)
    # Only the runtime's bytecode: no stale caches of other interpreters from the working tree,
    # whichever Python runs this test.
    tags = {path.name.split(".")[-2] for path in tmp_path.rglob("*.pyc")}
    assert tags == {RUNTIME_TAG}


def test_the_runtime_is_the_version_the_toolchain_looks_for() -> None:
    assert RUNTIME.name == f"python{runtime_python.VERSION}"


def test_the_suite_runs_on_the_python_that_ships() -> None:
    """The Makefile makes .venv with the runtime's Python; a fallback run says it tests another."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" != RUNTIME_VERSION:
        pytest.skip(f"this run is on Python {sys.version_info.major}.{sys.version_info.minor}, not the runtime's")
    assert sys.implementation.cache_tag == RUNTIME_TAG


@pytest.mark.parametrize(
    ("argv", "bundled"), [(["out"], True), (["--no-bundling", "out"], False)], ids=["make synth", "make template"]
)
def test_a_plain_synth_bundles_the_assets_and_only_the_template_checks_skip_it(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], bundled: bool
) -> None:
    """`make synth` runs ``python -m infra.synth cdk.out``: its assets are built (with bytecode,
    the tests above), so what it writes is what a deployment uploads."""
    from infra import synth

    contexts: list[dict[str, object]] = []

    class App:
        def synth(self) -> None:
            pass

    def build_app(**kwargs: object) -> tuple[App, None]:
        contexts.append(dict(kwargs["context"]))  # type: ignore[call-overload]
        return App(), None

    monkeypatch.setattr(synth, "build_app", build_app)
    assert synth.main(argv) == 0
    (context,) = contexts
    assert ("aws:cdk:bundling-stacks" not in context) is bundled
