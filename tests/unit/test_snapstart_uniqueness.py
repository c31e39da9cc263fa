"""SnapStart shares one snapshot between every restored copy: nothing unique may come from it.

Simulated as Lambda does it (local/snapstart.py): init once, the before-snapshot hooks, then two
copies forked from that process, each running the after-restore hooks. Every test runs in a
child process (a function's init reads its settings from the environment, and forks are best
kept out of pytest's own process).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.cold_start import probe_env
from shared.resources import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]
OURS = ("shared", "functions")


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    environment = probe_env() | {"PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=environment | (env or {}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def restored() -> list[dict[str, Any]]:
    copies: list[dict[str, Any]] = run("tests.restored_copies", "functions.leads", "with-hooks")
    return copies


@pytest.mark.parametrize(
    "value", ["ulid_at", "new_id", "id_at", "deletion_id", "token", "uuid4", "random", "jitter", "credentials"]
)
def test_two_restored_copies_draw_different_ids_tokens_random_values_and_credentials(
    restored: list[dict[str, Any]], value: str
) -> None:
    first, second = restored
    assert first[value] != second[value]


def test_without_the_after_restore_hooks_the_copies_would_share_them() -> None:
    """The control: what the hooks repair is really shared by a snapshot's copies."""
    first, second = run("tests.restored_copies", "functions.leads", "without-hooks")
    shared = {name for name in first if first[name] == second[name]}
    # random's state, the credentials resolved before the snapshot, python-ulid's last id; the
    # operating system's generator (secrets, uuid4, ULID randomness) is fresh in every copy.
    assert shared == {"random", "jitter", "credentials", "ulid_at"}


def test_no_module_level_value_is_drawn_from_a_random_source_or_the_clock() -> None:
    modules = [spec.module for spec in FUNCTIONS]
    findings = run("tests.init_draws", ",".join(str(ROOT / package) for package in OURS), *modules)
    assert findings == []


def test_the_init_watch_sees_a_module_level_draw(tmp_path: Path) -> None:
    """The control: ids, tokens, times and random numbers made at import by our code are found;
    a library drawing at its own import is not ours to report."""
    ours, library = tmp_path / "ours", tmp_path / "library"
    ours.mkdir()
    library.mkdir()
    (library / "library_clock.py").write_text("import time\nSTARTED = time.time()\n")
    (ours / "draws_at_import.py").write_text(
        "import random, secrets, uuid\n"
        "from datetime import UTC, datetime\n"
        "import library_clock\n"
        "TOKEN = secrets.token_hex(8)\n"
        "NOW = datetime.now(UTC)\n"
        "SEED = random.random()\n"
        "RUN = uuid.uuid4()\n"
        "def later():\n"
        "    return secrets.token_hex(8)\n"
    )
    findings = run("tests.init_draws", str(ours), "draws_at_import", env={"PYTHONPATH": f"{ours}:{library}:{ROOT}"})
    lines = {(finding["source"], int(finding["location"].rsplit(":", 1)[1])) for finding in findings}
    assert lines == {("os.urandom", 4), ("datetime.now", 5), ("random.random", 6), ("os.urandom", 7)}
