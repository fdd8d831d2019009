#!/usr/bin/env python3
"""Audit the locked dependencies for known vulnerabilities (``make audit``) — and never call it a
pass when nothing was checked.

Runs pip-audit (pinned below, fetched and run in a throw-away environment by ``uvx``: it stays out of
the app's virtualenv and lock) against ``requirements.lock`` without pip (the lock is fully pinned
and hashed). pip-audit itself prints "No known vulnerabilities found" and exits 0 when it could not
look a single package up (every dependency "not found on PyPI and could not be audited"), so this
script reads its JSON report and decides:

  exit 0  PASS: every dependency was looked up, none has a known vulnerability
  exit 1  FAIL: known vulnerabilities (listed)
  exit 2  ERROR: pip-audit could not run (e.g. a malformed lock file)
  exit 3  SKIPPED: no vulnerability database reachable, or some dependencies could not be
          looked up — this is not a pass

    python scripts/audit_dependencies.py [requirements.lock]

Environment: ``PIP_AUDIT`` replaces the pip-audit command (tests use a stand-in),
``AUDIT_PROBE_URL`` the URL tried first to see whether the vulnerability database answers
(default: a release's page of PyPI's JSON API, which pip-audit's default "pypi" service reads; it
must answer JSON with a "vulnerabilities" field), ``AUDIT_TIMEOUT`` its
timeout in seconds. Works with no network: then it says SKIPPED.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

PIP_AUDIT_VERSION = "2.10.1"
DEFAULT_COMMAND = f"uvx --from pip-audit=={PIP_AUDIT_VERSION} pip-audit"
# pip-audit's "pypi" service reads each release's JSON and its "vulnerabilities" field.
DEFAULT_PROBE = "https://pypi.org/pypi/pip/24.0/json"
PASS, FAIL, ERROR, SKIPPED = 0, 1, 2, 3
REPO = Path(__file__).resolve().parent.parent


def skipped(reason: str, details: list[str] | None = None) -> int:
    bar = "!" * 78
    print(bar)
    print("SKIPPED: no vulnerability database reachable — this is not a pass")
    print(f"  {reason}")
    for line in (details or [])[:20]:
        print(f"  - {line}")
    if details and len(details) > 20:
        print(f"  ... and {len(details) - 20} more")
    print(bar)
    return SKIPPED


def probe(url: str, timeout: float) -> str | None:
    """None when the vulnerability database answers, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed or operator-given URL)
            answer = json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{url}: {exc}"
    if not isinstance(answer, dict) or "vulnerabilities" not in answer:
        return f"{url}: the answer holds no vulnerability data"
    return None


def main(argv: list[str]) -> int:
    lock = Path(argv[1]) if len(argv) > 1 else REPO / "requirements.lock"
    timeout = float(os.environ.get("AUDIT_TIMEOUT", "15"))
    problem = probe(os.environ.get("AUDIT_PROBE_URL", DEFAULT_PROBE), timeout)
    if problem:
        return skipped(f"the vulnerability database did not answer ({problem})")

    command = shlex.split(os.environ.get("PIP_AUDIT", DEFAULT_COMMAND))
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        args = [
            *command,
            "--requirement",
            str(lock),
            "--disable-pip",
            "--no-deps",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report_path),
        ]
        try:
            result = subprocess.run(args, capture_output=True, text=True)  # noqa: S603 (pip-audit)
        except FileNotFoundError as exc:
            return skipped(f"pip-audit could not be started ({exc}); install uv, or set PIP_AUDIT")
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
            dependencies = report["dependencies"]
        except (OSError, ValueError, KeyError, TypeError):
            output = (result.stderr or result.stdout).strip()
            lowered = output.lower()
            if any(word in lowered for word in ("connection", "resolve", "timed out", "network", "offline")):
                return skipped(
                    "pip-audit could not reach its vulnerability database or its own download", [output[-500:]]
                )
            print(f"ERROR: pip-audit gave no report (exit status {result.returncode}):\n{output[-2000:]}")
            return ERROR

    unaudited = [f"{d.get('name')}: {d['skip_reason']}" for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        print(f"FAIL: known vulnerabilities in {len(vulnerable)} of {len(dependencies)} dependencies")
        for d in vulnerable:
            for v in d["vulns"]:
                fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version"
                print(f"  {d['name']} {d.get('version', '')}: {v.get('id')} (fixed in {fixed})")
        if unaudited:
            skipped(f"besides, {len(unaudited)} dependencies could not be looked up", unaudited)
        return FAIL
    if not dependencies or unaudited:
        return skipped(
            f"{len(unaudited)} of {len(dependencies)} dependencies could not be looked up"
            if dependencies
            else "pip-audit reported no dependencies at all",
            unaudited,
        )
    print(f"PASS: all {len(dependencies)} locked dependencies looked up; no known vulnerabilities")
    return PASS


if __name__ == "__main__":
    sys.exit(main(sys.argv))
