"""The Privacy Center's files: two HTML pages and their script and style, as HTTP answers.

The pages are static (everything personal comes from the API, fetched by the page's own script
with the person's token, held in memory only), so they are read once per cold start. Scripts and
the stylesheet are separate same-origin files — the Content-Security-Policy allows no inline
script or style, no other origin and no string-to-code sink (Trusted Types) — served under names
that carry a hash of their content (``app.1f2e3d4c5b6a.js``): a deployment changes the name, so
browsers may keep them for a year, and the pages themselves (which name them) are never cached.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STATIC = Path(__file__).parent / "static"
BASE_PATH = "/privacy"
# Page name in the URL (/privacy, /privacy/receipt) -> its file.
PAGES = {"": "index.html", "receipt": "receipt.html"}
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
HTML = "text/html; charset=utf-8"
_PLACEHOLDER = re.compile(r"\{\{([a-z_-]+\.(?:js|css))\}\}")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",  # the API the app uses, on this same origin; nothing else
        "img-src data:",  # the empty inline favicon: no request for /favicon.ico
        "form-action 'none'",  # forms are sent by the script with fetch, never by the browser
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "require-trusted-types-for 'script'",  # no innerHTML, eval or the like
        "trusted-types 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
}
ASSET_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@dataclass(frozen=True)
class Answer:
    body: str
    content_type: str
    headers: dict[str, str]


@cache
def assets() -> dict[str, Answer]:
    """Scripts and styles by their content-hashed name."""
    found = {}
    for path in sorted(STATIC.iterdir()):
        if path.suffix in ASSET_TYPES:
            text = path.read_text(encoding="utf-8")
            digest = hashlib.sha256(text.encode()).hexdigest()[:12]
            found[f"{path.stem}.{digest}{path.suffix}"] = Answer(text, ASSET_TYPES[path.suffix], ASSET_HEADERS)
    return found


@cache
def asset_url(name: str) -> str:
    """``app.js`` -> ``/privacy/app.1f2e3d4c5b6a.js``."""
    stem, suffix = name.rsplit(".", 1)
    hashed = next(key for key in assets() if key.startswith(f"{stem}.") and key.endswith(f".{suffix}"))
    return f"{BASE_PATH}/{hashed}"


@cache
def pages() -> dict[str, Answer]:
    """Each page with its ``{{app.js}}`` placeholders replaced by the assets' hashed URLs."""
    return {
        name: Answer(
            _PLACEHOLDER.sub(lambda match: asset_url(match.group(1)), (STATIC / file).read_text(encoding="utf-8")),
            HTML,
            PAGE_HEADERS,
        )
        for name, file in PAGES.items()
    }


def find(name: str) -> Answer | None:
    """The page or asset served at ``/privacy/<name>`` (``""``: the Privacy Center itself)."""
    return pages().get(name) or assets().get(name)
