"""How the functions are packaged: the runtime, the dependencies layer and the code asset.

Both assets are built on this machine (CDK's Docker bundling is only the fallback) and carry
bytecode written by the runtime's Python (``infra.runtime_python``: this interpreter, or the same
version found on PATH or in pyenv), so that cold starts do not compile the code. A bundling
without that Python fails and says so: a package without bytecode would deploy and be slow.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import jsii
from aws_cdk import AssetHashType, BundlingOptions, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import runtime_python

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = REPO_ROOT / "pyproject.toml"

# The newest Lambda Python this toolchain runs too (infra/runtime_python.py says why); cdk-nag's
# AwsSolutions-L1 (newest runtime CDK knows) is acknowledged for it (infra/nag.py). The layer is
# built for the same version.
RUNTIME: lambda_.Runtime = getattr(lambda_.Runtime, "PYTHON_" + runtime_python.VERSION.replace(".", "_"))
ARCHITECTURE = lambda_.Architecture.ARM_64
PIP_PLATFORM = "manylinux2014_aarch64"
# Shipped by the Lambda runtime; bundling our own would only grow the layer (and a second
# snapshot_restore_py would hold hooks the runtime never runs).
PROVIDED_BY_RUNTIME = frozenset({"boto3", "botocore", "snapshot-restore-py"})

# The function code asset is the repo root reduced to the two packages the handlers import.
CODE_PACKAGES = ("functions", "shared")
CODE_EXCLUDES = [
    "*",
    "!functions",
    "!functions/**",
    "!shared",
    "!shared/**",
    "**/__pycache__",
    "**/*.pyc",
    "**/.*",
]


def runtime_python_version(runtime: lambda_.Runtime = RUNTIME) -> str:
    """``python3.14`` → ``3.14``: pip must resolve wheels for the runtime, not for this venv."""
    match = re.fullmatch(r"python(\d+\.\d+)", runtime.name)
    if match is None:
        raise ValueError(f"not a Python runtime: {runtime.name}")
    return match.group(1)


def layer_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The project's runtime dependencies, minus what the Lambda runtime already provides."""
    with pyproject.open("rb") as handle:
        dependencies: list[str] = tomllib.load(handle)["project"]["dependencies"]

    def name(requirement: str) -> str:
        return re.split(r"[\s<>=!~;\[(@]", requirement, maxsplit=1)[0].lower().replace("_", "-")

    return [dep for dep in dependencies if name(dep) not in PROVIDED_BY_RUNTIME]


def pip_install_command(python: str, output_dir: str, requirements: Sequence[str], python_version: str) -> list[str]:
    return [
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # compiled below, by the runtime's Python
        "--platform",
        PIP_PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--only-binary=:all:",
        "--target",
        str(Path(output_dir) / "python"),
        *requirements,
    ]


def compile_command(python: str, directory: str) -> list[str]:
    """Bytecode for every module, trusted without looking at the source.

    Lambda's code directories are read-only: a package without ``.pyc`` files is compiled from
    source again in every cold start (≈ +0.5 s for boto3 + Powertools + pydantic alone, measured
    by ``python -m benchmarks.cold_start --from-source``). Unchecked-hash bytecode stays valid whatever the
    zip does to file times; a deployment replaces source and bytecode together.
    """
    return [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", directory]


def compile_for_runtime(directory: Path, python_version: str) -> str:
    """Compile ``directory`` with the runtime's Python (bytecode is only loaded by the version that
    wrote it: ``cpython-313`` tags); fails if that Python is not on this machine. Returns it."""
    python = runtime_python.require(python_version)
    subprocess.run(compile_command(python, str(directory)), check=True)  # noqa: S603 - fixed argv
    return python


@jsii.implements(ILocalBundling)
class PipLocalBundling:
    """Builds the layer with this interpreter's pip, cross-targeting Lambda; no Docker needed.

    ``--only-binary`` with an explicit platform makes pip pick the manylinux aarch64 wheels the
    runtime can load, whatever this machine's architecture is.
    """

    def __init__(self, requirements: Sequence[str], python_version: str) -> None:
        self.requirements = list(requirements)
        self.python_version = python_version

    # jsii passes the bundling options positionally.
    def try_bundle(self, output_dir: str, options: object = None) -> bool:
        command = pip_install_command(sys.executable, output_dir, self.requirements, self.python_version)
        subprocess.run(command, check=True)  # noqa: S603 - fixed argv, no shell
        compile_for_runtime(Path(output_dir) / "python", self.python_version)
        return True


@jsii.implements(ILocalBundling)
class CodeLocalBundling:
    """The handlers' code asset: ``functions/`` and ``shared/`` without caches, plus bytecode
    written by the runtime's Python."""

    def __init__(self, source: Path, python_version: str) -> None:
        self.source = source
        self.python_version = python_version

    def try_bundle(self, output_dir: str, options: object = None) -> bool:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
        for package in CODE_PACKAGES:
            shutil.copytree(self.source / package, Path(output_dir) / package, ignore=ignore, dirs_exist_ok=True)
        compile_for_runtime(Path(output_dir), self.python_version)
        return True


def dependencies_layer(scope: Construct, construct_id: str) -> lambda_.LayerVersion:
    requirements = layer_requirements()
    python_version = runtime_python_version()
    # Same install inside the SAM build image, used only if local bundling ever declines.
    docker_command = " ".join(
        [
            "pip install --no-compile --target /asset-output/python",
            *(shlex.quote(requirement) for requirement in requirements),
            "&&",
            shlex.join(compile_command("python", "/asset-output/python")),
        ]
    )
    # The layer changes only when its inputs do, not with every edit of pyproject.toml.
    fingerprint = "\n".join([PIP_PLATFORM, python_version, *requirements])
    return lambda_.LayerVersion(
        scope,
        construct_id,
        description="Runtime dependencies from pyproject.toml (without boto3)",
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
        code=lambda_.Code.from_asset(
            str(REPO_ROOT),
            exclude=["*", "!pyproject.toml"],
            asset_hash_type=AssetHashType.CUSTOM,
            asset_hash=hashlib.sha256(fingerprint.encode()).hexdigest(),
            bundling=BundlingOptions(
                image=RUNTIME.bundling_image,
                command=["bash", "-c", docker_command],
                # jsii's calling convention differs from the generated Protocol (see try_bundle).
                local=cast(ILocalBundling, PipLocalBundling(requirements, python_version)),
            ),
        ),
    )


def function_code() -> lambda_.Code:
    """One code asset for every function (each runs its own handler module from it)."""
    python_version = runtime_python_version()
    docker_command = " && ".join(
        [
            "cp -r " + " ".join(f"/asset-input/{package}" for package in CODE_PACKAGES) + " /asset-output/",
            shlex.join(compile_command("python", "/asset-output")),
        ]
    )
    return lambda_.Code.from_asset(
        str(REPO_ROOT),
        exclude=CODE_EXCLUDES,
        bundling=BundlingOptions(
            image=RUNTIME.bundling_image,
            command=["bash", "-c", docker_command],
            local=cast(ILocalBundling, CodeLocalBundling(REPO_ROOT, python_version)),
        ),
    )
