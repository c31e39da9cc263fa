"""``python -m local``: the backend on http://127.0.0.1:8000 (HOST / PORT override) until Ctrl-C."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType


def main() -> int:
    started = time.perf_counter()
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    from local.fake_google import DEMO_SPREADSHEET_ID
    from local.stack import LocalStack  # after logging is configured; moto import is the bulk

    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    stack = LocalStack(host=host, port=port)
    try:
        stack.start()
    except OSError as error:  # typically the port is taken: say so without a traceback
        print(f"Could not start on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    try:
        api = stack.gateway_url
        print(f"Local stack ready in {time.perf_counter() - started:.2f}s", flush=True)
        print(f"  API base       {api}/v1", flush=True)
        print(f"  Docs (UI)      {api}/v1/docs", flush=True)
        print(f"  OpenAPI        {api}/v1/openapi.json", flush=True)
        print(f"  moto (AWS)     {stack.moto_url}", flush=True)
        print(f"  Lambda edge    {stack.edge_url}", flush=True)
        print(f"  User pool id   {stack.user_pool_id}", flush=True)
        print(f"  App client id  {stack.client_id}", flush=True)
        env_file = Path(".build/local.env")
        env_file.parent.mkdir(exist_ok=True)
        env_file.write_text("".join(f"{key}={value}\n" for key, value in stack.client_env().items()))
        print(f"  Operator env   {env_file} (e.g. make backup, make retention)", flush=True)
        print(f"  Google (fake)  {stack.google_url}", flush=True)
        print(f"Try: curl -s {api}/v1/health", flush=True)
        print(
            f"Google Sheets import: a demo sheet is loaded as spreadsheet {DEMO_SPREADSHEET_ID!r}; load your own with\n"
            f"  curl -s -XPOST {stack.google_url}/_fake/spreadsheets -H 'content-type: application/json' \\\n"
            """    -d '{"spreadsheet_id": "my-sheet-0001", "title": "Leads", "rows": [["Name", "Phone"], """
            """["Priya Shah", "090000 12345"]]}'\n"""
            f"  then POST {api}/v1/imports/google-sheets and open its authorization_url (README: Import).",
            flush=True,
        )
        print("Ctrl-C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
        print("Stopping…", flush=True)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
