"""bench/run.py keeps working as the models change (a small tree; `make bench` runs the full 200,000)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_benchmark_runs_on_a_small_tree():
    result = subprocess.run(  # noqa: S603 (this interpreter and the bench script)
        [sys.executable, str(REPO / "bench" / "run.py"), "--orgs", "8000", "--backend", "sqlite", "--upload-mb", "16"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SQLite: 8,000 orgs" in result.stdout
    assert "move_org (section with 5,000)" in result.stdout
    assert "upload: 16 MB in 4 chunks" in result.stdout
    assert "all targets met" in result.stdout
