""".ci/run: valid bash, strict mode, refuses unknown steps (the whole run is CI's own job)."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / ".ci" / "run"


def _bash(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", *args], capture_output=True, text=True, timeout=60, cwd=REPO)  # noqa: S603, S607


def test_script_parses_and_is_strict():
    assert _bash("-n", str(SCRIPT)).returncode == 0
    assert "set -euo pipefail" in SCRIPT.read_text()


def test_unknown_step_is_refused_before_anything_runs():
    result = _bash(str(SCRIPT), "packages", "no-such-step")
    assert result.returncode == 1
    assert "unknown step 'no-such-step'" in result.stderr
    assert "Debian packages" not in result.stdout
