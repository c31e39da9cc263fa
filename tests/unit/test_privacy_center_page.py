"""The Privacy Center's pages keep their Content-Security-Policy strict, and nothing in them needs
a weaker one: every script and style is a same-origin file, nothing inline, no other origin."""

from __future__ import annotations

import re

import pytest

from shared.privacy_center import page


def _directives() -> dict[str, list[str]]:
    parsed = {}
    for directive in page.CONTENT_SECURITY_POLICY.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def test_the_policy_allows_only_this_origin_and_nothing_inline() -> None:
    csp = _directives()
    assert csp["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "connect-src"):
        assert csp[directive] == ["'self'"], directive
    assert csp["img-src"] == ["data:"]
    assert csp["form-action"] == csp["frame-ancestors"] == csp["base-uri"] == ["'none'"]
    assert "require-trusted-types-for" in csp
    values = " ".join(" ".join(v) for v in csp.values())
    for weak in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "*", "http:", "https:", "blob:"):
        assert weak not in values.split(), weak


@pytest.mark.parametrize("name", sorted(page.pages()), ids=lambda name: name or "index")
def test_pages_load_only_their_own_hashed_files(name: str) -> None:
    html = page.find(name)
    assert html is not None
    assert html.headers["Content-Security-Policy"] == page.CONTENT_SECURITY_POLICY
    assert html.headers["Cache-Control"] == "no-store"
    assert "{{" not in html.body  # every placeholder became a file's URL
    assert re.findall(r"<script(?![^>]*\ssrc=)", html.body) == []  # no inline script
    assert "<style" not in html.body
    assert re.findall(r"\sstyle=|\son[a-z]+=", html.body) == []  # no inline style or handler
    loaded = re.findall(r'<(?:script|link)\b[^>]*\s(?:src|href)="([^"]+)"', html.body)
    assert loaded
    for url in loaded:
        if url == "data:,":  # the empty favicon: no request at all
            continue
        assert url.startswith(page.BASE_PATH + "/"), url
        assert page.find(url.removeprefix(page.BASE_PATH + "/")) is not None, url


def test_scripts_use_no_string_to_code_sink_and_no_other_origin() -> None:
    for name, asset in page.assets().items():
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function", "document.write"):
            assert sink not in asset.body, (name, sink)
        assert re.findall(r"https?://", asset.body) == [], name
