"""scripts/audit_dependencies.py (make audit): SKIPPED, loudly and with its own exit status, when no
vulnerability database answers or pip-audit could look nothing up — never "no known
vulnerabilities". pip-audit is replaced by a stand-in; no test needs the network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "audit_dependencies.py"
SKIPPED = 3

STAND_IN = """import json, sys
args = sys.argv[1:]
out = args[args.index("--output") + 1]
json.dump({"dependencies": %s, "fixes": []}, open(out, "w"))
print("No known vulnerabilities found")
"""


def _run(tmp_path: Path, *, probe: str, dependencies: list | None = None, **env: str):
    answer = tmp_path / "pypi.json"
    answer.write_text(json.dumps({"info": {}, "vulnerabilities": []}))
    stand_in = tmp_path / "pip_audit_stand_in.py"
    stand_in.write_text(STAND_IN % json.dumps(dependencies or []))
    environ = {
        **os.environ,
        "AUDIT_PROBE_URL": answer.as_uri() if probe == "ok" else probe,
        "AUDIT_TIMEOUT": "3",
        "PIP_AUDIT": f"{sys.executable} {stand_in}",
        **env,
    }
    return subprocess.run(  # noqa: S603 (our script)
        [sys.executable, str(SCRIPT), str(REPO / "requirements.lock")],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
    )


@pytest.mark.parametrize(
    "probe",
    ["http://127.0.0.1:9/pypi/pip/24.0/json", "http://unreachable.invalid/pypi/pip/24.0/json"],
)
def test_unreachable_database_is_skipped_not_passed(tmp_path, probe):
    result = _run(tmp_path, probe=probe, dependencies=[{"name": "django", "version": "5.2.19", "vulns": []}])
    assert result.returncode == SKIPPED
    assert "SKIPPED: no vulnerability database reachable — this is not a pass" in result.stdout
    assert "No known vulnerabilities" not in result.stdout and "PASS" not in result.stdout


def test_an_answer_without_vulnerability_data_is_skipped(tmp_path):
    page = tmp_path / "page.json"
    page.write_text('{"info": {}}')
    assert _run(tmp_path, probe=page.as_uri()).returncode == SKIPPED


def test_dependencies_pip_audit_could_not_look_up_are_skipped(tmp_path):
    """What pip-audit did here: every package "not found on PyPI", then "No known vulnerabilities"."""
    deps = [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"},
        {"name": "pillow", "version": "13.0.0", "vulns": []},
    ]
    result = _run(tmp_path, probe="ok", dependencies=deps)
    assert result.returncode == SKIPPED
    assert "1 of 2 dependencies could not be looked up" in result.stdout and "django" in result.stdout


def test_pass_and_fail(tmp_path):
    clean = [{"name": "django", "version": "5.2.19", "vulns": []}]
    result = _run(tmp_path, probe="ok", dependencies=clean)
    assert result.returncode == 0 and "PASS: all 1 locked dependencies" in result.stdout

    bad = [{"name": "django", "version": "5.2.19", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["5.2.20"]}]}]
    result = _run(tmp_path, probe="ok", dependencies=bad)
    assert result.returncode == 1 and "PYSEC-0000-1 (fixed in 5.2.20)" in result.stdout


def test_pip_audit_that_cannot_be_fetched_is_skipped(tmp_path):
    result = _run(tmp_path, probe="ok", PIP_AUDIT="/nonexistent/pip-audit")
    assert result.returncode == SKIPPED and "SKIPPED" in result.stdout


def test_no_report_is_an_error_not_a_pass(tmp_path):
    result = _run(tmp_path, probe="ok", PIP_AUDIT=f"{sys.executable} -c pass")
    assert result.returncode == 2 and "ERROR" in result.stdout
