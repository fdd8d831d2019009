"""The README stays true: every environment variable the settings read is documented, the two
set-up commands are there, and the demo accounts it lists are the ones load_demo creates."""

from __future__ import annotations

import re
from pathlib import Path

from safetymonth.core.management.commands.load_demo import ACCOUNTS, DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[3]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _settings_variables() -> set[str]:
    source = (REPO / "safetymonth" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def test_every_environment_variable_is_documented():
    variables = _settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= variables
    undocumented = sorted(v for v in variables if f"| `{v}` |" not in README)
    assert not undocumented, f"README.md Configuration lacks: {undocumented}"


def test_readme_gives_the_two_commands():
    assert "make run" in README and "make test" in README


def test_readme_lists_the_demo_accounts():
    assert DEMO_PASSWORD in README
    for account in ACCOUNTS:
        assert f"| `{account.username}` |" in README, account.username


def test_docs_links_resolve():
    for target in re.findall(r"\]\(((?:docs/|CONTRIBUTING)[^)#]*)\)", README):
        assert (REPO / target).exists(), target
