"""Every checkov skip is an explicit check ID with its reason written in docs/security.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.infra

ROOT = Path(__file__).resolve().parents[2]
CHECK_ID = re.compile(r"^CKV2?_AWS_\d+$")
# Options that would silence checks wholesale rather than by ID.
BLANKET_OPTIONS = {
    "soft-fail",
    "soft-fail-on",
    "hard-fail-on",
    "skip-framework",
    "skip-path",
    "check",
    "run-all-external-checks",
}


def _documented_rows() -> dict[str, str]:
    """Check ID → the reason column of docs/security.md's skip tables."""
    rows = {}
    in_skip_section = False
    for line in (ROOT / "docs" / "security.md").read_text().splitlines():
        if line.startswith("#"):
            in_skip_section = line.startswith("### Skipped")
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if in_skip_section and len(cells) == 3 and CHECK_ID.match(cells[0]):
            rows[cells[0]] = cells[2]
    return rows


def test_checkov_config_skips_only_explicit_check_ids_each_documented() -> None:
    config = yaml.safe_load((ROOT / ".checkov.yaml").read_text())
    assert not BLANKET_OPTIONS & set(config), sorted(BLANKET_OPTIONS & set(config))
    assert config["framework"] == ["cloudformation"]
    skipped = config["skip-check"]
    assert skipped
    documented = _documented_rows()
    for check_id in skipped:
        assert CHECK_ID.match(check_id), check_id
        assert len(documented.get(check_id, "")) > 40, f"{check_id} has no reason in docs/security.md"


def test_every_resource_level_skip_has_a_reason_in_the_template_and_the_docs(template_json: dict[str, Any]) -> None:
    documented = _documented_rows()
    found = []
    for logical, resource in template_json["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert CHECK_ID.match(skip["id"]), logical
            assert len(skip["comment"]) > 40, logical
            assert skip["id"] in documented, f"{skip['id']} on {logical} is not in docs/security.md"
            found.append(skip["id"])
    assert sorted(found) == ["CKV_AWS_18", "CKV_AWS_21", "CKV_AWS_7"]
