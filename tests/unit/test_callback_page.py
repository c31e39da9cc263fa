"""The callback page allows exactly its own inline script and style, and nothing else."""

from __future__ import annotations

import base64
import hashlib
import re

from shared.imports.callback import CallbackOutcome
from shared.imports.callback_page import CONTENT_SECURITY_POLICY, HEADERS, render


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_csp_allows_exactly_the_inline_script_and_style_of_the_page() -> None:
    html = render(CallbackOutcome("started", "01J00000000000000000000000"), "leadcrm")
    (script,) = re.findall(r"<script>(.*?)</script>", html)
    (style,) = re.findall(r"<style>(.*?)</style>", html)
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == _hash(script)
    assert directives["style-src"] == _hash(style)
    assert "replaceState" in script
    assert "http" not in html  # nothing to load from anywhere


def test_headers_forbid_caching_referrers_framing_and_sniffing() -> None:
    assert HEADERS["Referrer-Policy"] == "no-referrer"
    assert HEADERS["Cache-Control"] == "no-store"
    assert HEADERS["X-Frame-Options"] == "DENY"
    assert HEADERS["X-Content-Type-Options"] == "nosniff"


def test_the_link_back_uses_the_configured_scheme() -> None:
    assert 'href="acme://imports/01J00000000000000000000000"' in render(
        CallbackOutcome("cancelled", "01J00000000000000000000000"), "acme"
    )
    assert 'href="acme://imports"' in render(CallbackOutcome("refused"), "acme")
