"""``python -m local``: the backend on http://127.0.0.1:8000 (HOST / PORT override) until Ctrl-C.

Google is the local fake unless the environment names another (local/google_settings.py).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from local.stack import LocalStack

OPERATOR_ENV_FILE = Path(".build/local.env")


def main() -> int:
    started = time.perf_counter()
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    from local.google_settings import GoogleSettings, IncompleteGoogleSettings
    from local.stack import LocalStack  # after logging is configured; moto import is the bulk

    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    try:
        google = GoogleSettings.from_environment(os.environ)
    except IncompleteGoogleSettings as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    stack = LocalStack(host=host, port=port, google=google)
    try:
        stack.start()
    except OSError as error:  # typically the port is taken: say so without a traceback
        print(f"Could not start on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    try:
        OPERATOR_ENV_FILE.parent.mkdir(exist_ok=True)
        OPERATOR_ENV_FILE.write_text("".join(f"{key}={value}\n" for key, value in stack.client_env().items()))
        print(_banner(stack, time.perf_counter() - started), flush=True)
        while not stop.wait(0.5):
            pass
        print("Stopping…", flush=True)
    finally:
        stack.stop()
    return 0


def _banner(stack: LocalStack, ready_s: float) -> str:
    """Where everything is. Ids and URLs only: no secret (the Google client secret included)."""
    from local.fake_google import DEMO_SPREADSHEET_ID

    api = stack.gateway_url
    lines = [
        f"Local stack ready in {ready_s:.2f}s",
        f"  API base       {api}/v1",
        f"  Docs (UI)      {api}/v1/docs",
        f"  OpenAPI        {api}/v1/openapi.json",
        f"  Privacy Center {api}/privacy (see, download, switch off and delete a person's data)",
        f"  moto (AWS)     {stack.moto_url}",
        f"  Lambda edge    {stack.edge_url}",
        f"  S3 front       {stack.s3_url} (checks presigned forms and links as S3 does)",
        f"  User pool id   {stack.user_pool_id}",
        f"  App client id  {stack.client_id}",
        f"  Operator env   {OPERATOR_ENV_FILE} (e.g. make backup, make retention)",
    ]
    if stack.google is None:
        lines.append("  Google         as GOOGLE_* in the environment say (client secret: local Secrets Manager)")
        lines.append(f"Try: curl -s {api}/v1/health")
    else:
        google = stack.google_url
        lines += [
            f"  Google (fake)  {google}",
            f"Try: curl -s {api}/v1/health",
            f"Google Sheets import: a demo sheet is loaded as spreadsheet {DEMO_SPREADSHEET_ID!r}; load your own with",
            f"  curl -s -XPOST {google}/_fake/spreadsheets -H 'content-type: application/json' \\",
            """    -d '{"spreadsheet_id": "my-sheet-0001", "title": "Leads", "rows": [["Name", "Phone"], """
            """["Priya Shah", "090000 12345"]]}'""",
            f"  then POST {api}/v1/imports/google-sheets and open its authorization_url in a browser: our consent "
            "page, then Continue (README: Import).",
        ]
    lines.append("Ctrl-C to stop.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
