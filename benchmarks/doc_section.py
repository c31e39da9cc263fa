"""Replacing one benchmark's figures in docs/benchmarks.md and nothing else.

A benchmark owns the text between its begin marker and its end marker. A document that has the
begin marker but not yet the end marker (written before end markers existed) ends the section at
the next heading instead, so the sections after it survive.
"""

from __future__ import annotations

END_MARKER = "<!-- end of figures -->"


def replace_section(text: str, marker: str, body: str) -> str:
    """``text`` with the figures after ``marker`` replaced by ``body``; the section is appended
    at the end when ``text`` has no such marker."""
    section = f"{marker}\n\n{body.strip()}\n\n{END_MARKER}\n"
    start = text.find(marker)
    if start < 0:
        return f"{text.rstrip()}\n\n{section}" if text.strip() else section
    after = start + len(marker)
    end = text.find(END_MARKER, after)
    if end >= 0:
        rest = text[end + len(END_MARKER) :].lstrip("\n")
    else:
        heading = text.find("\n#", after)
        rest = text[heading + 1 :] if heading >= 0 else ""
    return text[:start] + section + ("\n" + rest if rest else "")
