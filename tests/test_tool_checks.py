"""tests/tool_checks.py: a check skipped for a missing program is reported, and fails under CI.

Each case runs pytest in a subprocess on a small test file in a temporary folder (no Django)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TESTS = """
import pytest

@pytest.mark.needs_tools("no-such-program-i18", "sh")
def test_needs_a_missing_program():
    raise AssertionError("must not run")

@pytest.mark.needs_tools("sh")
def test_needs_a_present_program():
    pass

def test_skips_for_another_reason():
    pytest.skip("not on this database")
"""


OTHER_TESTS = """
import pytest

@pytest.mark.needs_tools("sh")
def test_needs_a_present_program():
    pass

def test_skips_for_another_reason():
    pytest.skip("not on this database")
"""


def _pytest(folder: Path, source: str = TESTS, **env: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_sample.py").write_text(source)
    environ = {k: v for k, v in os.environ.items() if k not in {"CI", "REQUIRE_TEST_TOOLS"}}
    return subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django", "-p", "no:playwright"]
        + ["-p", "tests.tool_checks", "--strict-markers", "-rs", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**environ, "PYTHONPATH": str(REPO), **env},
    )


def test_missing_tool_skip_is_named_at_the_end(tmp_path):
    result = _pytest(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 2 skipped" in result.stdout
    assert "1 check(s) skipped: a tool is missing" in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("SKIPPED FOR A MISSING TOOL"))
    assert "test_needs_a_missing_program" in line and "missing tool no-such-program-i18 (" in line
    assert "test_skips_for_another_reason" not in result.stdout.split("a tool is missing", 1)[1]


def test_under_ci_a_missing_tool_fails_the_run(tmp_path):
    for env in ({"CI": "true"}, {"REQUIRE_TEST_TOOLS": "1"}):
        result = _pytest(tmp_path, **env)
        assert result.returncode == 1, result.stdout
        assert "Under CI a missing tool fails the run" in result.stdout


def test_under_ci_other_skips_pass(tmp_path):
    result = _pytest(tmp_path, OTHER_TESTS, CI="true")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    assert "a tool is missing" not in result.stdout
