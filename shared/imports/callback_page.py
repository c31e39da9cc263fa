"""The page Google's redirect lands on: says what happened, links back into the app, keeps nothing.

No external resource (everything inline, allowed by hash in a strict CSP), no referrer, no
caching, and a script that removes ``code`` and ``state`` from the address bar (and so from the
browser's history) as soon as the page loads.
"""

from __future__ import annotations

import base64
import hashlib
import html

from shared.imports.callback import CallbackOutcome

SCRIPT = 'history.replaceState(null, "", location.pathname);'
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;padding:2rem;background:#f6f7f9;color:#1d2433}"
    "main{max-width:28rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;"
    "box-shadow:0 1px 4px rgba(0,0,0,.08)}h1{font-size:1.4rem;margin:0 0 1rem}"
    "a.button{display:inline-block;margin-top:1.5rem;padding:.75rem 1.25rem;border-radius:8px;"
    "background:#2457d6;color:#fff;text-decoration:none}"
)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        f"script-src {csp_hash(SCRIPT)}",
        f"style-src {csp_hash(STYLE)}",
        "img-src data:",  # the empty inline favicon: no request for /favicon.ico
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

_MESSAGES = {
    "started": (
        "Import started",
        "Your leads are being imported from Google Sheets. You can close this page and follow the progress in the app.",
    ),
    "cancelled": ("Import cancelled", "Access to Google Sheets was not granted, so nothing was imported."),
    "refused": (
        "This link can't be used",
        "It has expired or was already used. Start the import again from the app.",
    ),
    "other_browser": (
        "This link can't be used here",
        "An import continues only in the browser where its account was confirmed, so nothing was imported. "
        "If you want to import your own spreadsheet, start the import from the app in your own account.",
    ),
    "authorization_failed": (
        "Import not started",
        "Google did not confirm access to the spreadsheet. Start the import again from the app.",
    ),
    "unavailable": ("Import not started", "Google Sheets could not be reached. Please try again in a few minutes."),
    "busy": (
        "Import not started",
        "Another of your imports is still running. Start this one again when it has finished.",
    ),
}


def render(outcome: CallbackOutcome, app_scheme: str) -> str:
    title, text = _MESSAGES[outcome.kind]
    link = f"{app_scheme}://imports/{outcome.import_id}" if outcome.import_id else f"{app_scheme}://imports"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f"<script>{SCRIPT}</script></head>"
        f"<body><main><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
        f'<a class="button" href="{html.escape(link)}">Back to the app</a></main></body></html>\n'
    )
