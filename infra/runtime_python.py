"""The Python the functions run on in Lambda, and where to find it on this machine.

One version for everything: the Lambda runtime (``infra.packaging.RUNTIME``), the interpreter
that compiles the shipped bytecode (bytecode is only loaded by the version that wrote it), the
venv that runs the suite and the benchmarks (the Makefile asks this script), so the tests test
the Python that ships.

Standard library only: ``python3 infra/runtime_python.py`` runs before any venv exists and
prints the interpreter's path, or says what is missing and exits 1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The newest Lambda Python runtime this toolchain can also run (pyenv has 3.13 here, not 3.14);
# SnapStart needs 3.12 or later.
VERSION = "3.13"


def _reports_version(python: str, version: str) -> bool:
    """pyenv's shims exist for versions that are not selected; only running one tells."""
    try:
        result = subprocess.run(  # noqa: S603 - an interpreter path, fixed arguments
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return False
    return result.returncode == 0 and result.stdout.strip() == version


def _patch_level(path: Path) -> tuple[int, ...]:
    match = re.search(r"(\d+(?:\.\d+)*)$", path.name)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def candidates(version: str = VERSION, environ: dict[str, str] | None = None) -> list[str]:
    """Where a ``version`` interpreter may be, best first: this one, ``pythonX.Y`` on PATH,
    then pyenv's installs (newest patch release first)."""
    environ = dict(os.environ) if environ is None else environ
    found = []
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        found.append(sys.executable)
    on_path = shutil.which(f"python{version}", path=environ.get("PATH"))
    if on_path:
        found.append(on_path)
    root = Path(environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    installs = sorted((root / "versions").glob(f"{version}.*"), key=_patch_level, reverse=True)
    found += [str(install / "bin" / f"python{version}") for install in installs]
    return found


def find(version: str = VERSION, environ: dict[str, str] | None = None) -> str | None:
    """The first candidate that runs and is ``version``, else None."""
    return next((python for python in candidates(version, environ) if _reports_version(python, version)), None)


def require(version: str = VERSION) -> str:
    """The interpreter, or a RuntimeError that says what to install."""
    python = find(version)
    if python is None:
        raise RuntimeError(
            f"Python {version}, the Lambda runtime's version, was not found (python{version} on PATH or "
            f"in pyenv: `pyenv install {version}`); it compiles the bytecode the functions ship with"
        )
    return python


def main() -> int:
    python = find()
    if python is None:
        print(f"Python {VERSION} (the Lambda runtime's) not found on PATH or in pyenv", file=sys.stderr)
        return 1
    print(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
