"""Pytest plugin: checks that need an outside program never skip silently.

A test that needs a program from a Debian package (LibreOffice's ``soffice``, poppler's
``pdftotext``) says so with ``@pytest.mark.needs_tools("soffice", "pdftotext")`` instead of a
``skipif``. Where a program is missing the test is skipped as before, but the run ends with a
section naming each skipped check, the missing program and the package that brings it; under CI
(``CI=true``, which ``.ci/run`` sets, or ``REQUIRE_TEST_TOOLS=1``) such a skip fails the run.

Other skips (a case that cannot happen on this database, say) are not "missing tool" skips and
are left alone. Loaded by the root conftest.py (``pytest_plugins``).
"""

from __future__ import annotations

import os
import shutil

import pytest

# program -> the Debian packages that bring it (scripts/system-packages.sh installs them)
PACKAGES = {
    "soffice": "libreoffice-writer-nogui libreoffice-calc-nogui",
    "pdftotext": "poppler-utils",
}

_skipped = pytest.StashKey[list[tuple[str, str]]]()


def strict() -> bool:
    """True under CI: a missing tool fails the run."""
    return any(os.environ.get(name, "").lower() in {"1", "true", "yes"} for name in ("CI", "REQUIRE_TEST_TOOLS"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs_tools(*programs): the test runs outside programs; a missing one skips it, visibly "
        "(a failure under CI) — tests/tool_checks.py",
    )
    config.stash[_skipped] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("needs_tools")
    if marker is None:
        return
    missing = [program for program in marker.args if shutil.which(program) is None]
    if not missing:
        return
    packages = " ".join(dict.fromkeys(PACKAGES.get(p, p) for p in missing))
    reason = f"missing tool {', '.join(missing)} (Debian package {packages})"
    item.config.stash[_skipped].append((item.nodeid, reason))
    pytest.skip(reason)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if strict() and session.config.stash[_skipped] and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash[_skipped]
    if not skipped:
        return
    tr = terminalreporter
    tr.section(f"{len(skipped)} check(s) skipped: a tool is missing", sep="=", red=True, bold=True)
    for nodeid, reason in skipped:
        tr.line(f"SKIPPED FOR A MISSING TOOL {nodeid}: {reason}", red=True)
    if strict():
        tr.line("Under CI a missing tool fails the run: install the packages above.", red=True, bold=True)
    else:
        tr.line("These checks did not run. `make test` installs the packages (bash scripts/system-packages.sh).")
