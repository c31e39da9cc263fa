"""Import function modules, run their before-snapshot hooks, and report what priming did (run in
its own process, with AWS's endpoint pointed at a closed port).

``python -m tests.priming_probe MODULE…`` prints, as JSON: the hooks registered (function and
spec), the AWS API calls made while priming, per function its routes and which of them have their
validation built (after init, after priming), the clients left holding credentials, and the libraries loaded.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
from typing import Any

import snapshot_restore_py
from botocore.client import BaseClient

from local.snapstart import run_before_snapshot_hooks


def main(modules: list[str]) -> dict[str, Any]:
    from shared.core import aws
    from shared.core.priming import routes_of

    apps = {}
    for name in modules:
        module = importlib.import_module(name)
        apps[name] = getattr(module, "app", None)
    hooks = [
        {"hook": func.__qualname__, "spec": getattr(args[0], "name", None) if args else None}
        for func, args, _ in snapshot_restore_py.get_before_snapshot()
    ]

    def validation_built() -> dict[str, dict[str, bool]]:
        return {
            name: {f"{route.method} {route.openapi_path}": route._dependant is not None for route in routes_of(app)}
            for name, app in apps.items()
            if app is not None
        }

    built_at_init = validation_built()
    calls: list[str] = []
    aws.session()._session.register("before-call", lambda model, **_: calls.append(model.name))
    run_before_snapshot_hooks()
    gc.collect()
    clients = [obj for obj in gc.get_objects() if isinstance(obj, BaseClient)]
    return {
        "hooks": hooks,
        "aws_calls": calls,
        "clients_with_credentials": sum(
            1 for client in clients if client._request_signer._credentials.access_key != "warming"
        ),
        "routes_at_init": built_at_init,
        "routes": validation_built(),
        "loaded": sorted(m for m in ("phonenumbers", "email_validator") if m in sys.modules),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
