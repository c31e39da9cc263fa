"""The consent page's HTML (shared/imports/consent.py decides what it says).

Like the callback page: everything inline and allowed by hash in a strict CSP, no referrer to
other sites, no caching, no framing (nobody can overlay it to trick a click), and a script that takes the state
out of the address bar and history. Its one form posts to itself and may be redirected only to
Google's consent screen (``form-action``).
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

from shared.imports.callback_page import SCRIPT, STYLE, csp_hash
from shared.imports.consent import ConsentRefusal, ConsentView
from shared.imports.oauth_flow import CONSENT_PATH

FORM_STYLE = (
    "dl{margin:1.25rem 0}dt{font-size:.85rem;color:#5b6475}dd{margin:.15rem 0 .9rem;font-weight:600}"
    "button{font:inherit;padding:.75rem 1.25rem;border:0;border-radius:8px;background:#2457d6;color:#fff;"
    "cursor:pointer}"
)
PAGE_STYLE = STYLE + FORM_STYLE


def headers(google_origin: str) -> dict[str, str]:
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {csp_hash(SCRIPT)}",
            f"style-src {csp_hash(PAGE_STYLE)}",
            "img-src data:",
            "base-uri 'none'",
            f"form-action 'self' {google_origin}",  # Continue, and its redirect to Google only
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": policy,
        # same-origin, not no-referrer: with no-referrer a browser posts the form with ``Origin: null``,
        # and the Origin is what proves Continue was pressed on this page. Google still gets none.
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }


_REFUSALS: dict[ConsentRefusal, tuple[str, str]] = {
    "refused": ("This link can't be used", "It has expired or was already used. Start the import again from the app."),
    "cross_site": (
        "Continue on the import page",
        "An import can only be confirmed on its own page. Open the import link from the app and check the "
        "account it names before you continue.",
    ),
}


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="same-origin">'
        '<link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style>"
        f"<script>{SCRIPT}</script></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>\n"
    )


def render(view: ConsentView) -> str:
    action = f"{CONSENT_PATH}?{urlencode({'state': view.state.reveal()})}"
    return _page(
        "Import leads from Google Sheets",
        "<p>Continuing lets this app read one spreadsheet through Google and add its rows as leads to the "
        "account below. If it is not your account, close this page: the person who sent you the link would "
        "receive your data.</p>"
        f"<dl><dt>Leads go to the account</dt><dd>{html.escape(view.account)}</dd>"
        f"<dt>Spreadsheet</dt><dd>{html.escape(view.sheet)}</dd></dl>"
        f'<form method="post" action="{html.escape(action)}">'
        '<button type="submit">Continue to Google</button></form>',
    )


def render_refusal(refusal: ConsentRefusal) -> str:
    title, text = _REFUSALS[refusal]
    return _page(title, f"<p>{html.escape(text)}</p>")
