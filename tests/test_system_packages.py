"""scripts/system-packages.sh and `make test`'s package step, on a PATH without gettext's msgfmt.

The fake PATH is one folder of links to every program on the real PATH but msgfmt.
SYSTEM_PACKAGES=check stands in for a user who is not root (the script never installs with it), so
nothing here calls apt-get. `make test` runs with PY pointing at a stand-in interpreter that leaves
a mark when called: the mark proves that no lint and no test started."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "system-packages.sh"


@pytest.fixture(scope="module")
def path_without_msgfmt(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("bin")
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            target = os.path.join(directory, name)
            link = folder / name
            if name == "msgfmt" or link.exists() or not os.access(target, os.X_OK):
                continue
            link.symlink_to(target)
    return str(folder)


def _run(args: list[str], path: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv
        args,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": path, **env},
    )


def test_script_prints_the_apt_get_line_and_stops(path_without_msgfmt):
    result = _run(["bash", str(SCRIPT)], path_without_msgfmt, SYSTEM_PACKAGES="check")
    assert result.returncode == 1
    assert "Debian packages missing:" in result.stderr and "gettext" in result.stderr
    line = next(x for x in result.stderr.splitlines() if "apt-get install" in x)
    assert line.strip().startswith("sudo apt-get update && sudo apt-get install -y --no-install-recommends ")
    assert "gettext" in line.split("apt-get install", 1)[1].split()
    assert "installing" not in result.stdout


def test_make_test_stops_at_the_package_step_before_any_test(path_without_msgfmt, tmp_path):
    mark = tmp_path / "python-was-called"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\necho "$@" >> "{mark}"\nexit 3\n')
    fake_python.chmod(0o755)
    result = _run(
        ["make", "--no-print-directory", "test", f"PY={fake_python}", f"VENV={tmp_path / 'venv'}"],
        path_without_msgfmt,
        SYSTEM_PACKAGES="check",
        MAKEFLAGS="",
    )
    assert result.returncode != 0
    assert "apt-get install -y --no-install-recommends" in result.stderr
    assert "gettext" in result.stderr
    assert not mark.exists(), mark.read_text()
    assert "ruff" not in result.stdout + result.stderr
    assert "pytest" not in result.stdout + result.stderr
