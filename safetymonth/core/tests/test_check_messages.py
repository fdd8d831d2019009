"""scripts/check_messages.py on a tiny project: complete, missing, fuzzy, empty and stale catalogues."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "check_messages.py"

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""

CODE = """from django.utils.translation import gettext as _, ngettext, pgettext

def hello(n):
    return _("你好"), ngettext("%(n)d 家企业", "%(n)d 家企业", n) % {"n": n}, pgettext("菜单", "打开")
"""

TEMPLATE = """{% load i18n %}<h1>{% translate "安全生产月" %}</h1>
{% blocktranslate with name=user %}您好，{{ name }}{% endblocktranslate %}
"""

ENTRIES = {
    "hello": 'msgid "你好"\nmsgstr "Hello"\n',
    "plural": (
        'msgid "%(n)d 家企业"\nmsgid_plural "%(n)d 家企业"\n'
        'msgstr[0] "%(n)d enterprise"\nmsgstr[1] "%(n)d enterprises"\n'
    ),
    "context": 'msgctxt "菜单"\nmsgid "打开"\nmsgstr "Open"\n',
    "title": 'msgid "安全生产月"\nmsgstr "Safety Month"\n',
    "greeting": 'msgid "您好，%(name)s"\nmsgstr "Hello, %(name)s"\n',
}


def _write_po(root: Path, entries: dict[str, str]) -> Path:
    po = root / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(HEADER + "\n".join(entries.values()), encoding="utf-8")
    return po


def _compile(po: Path) -> None:
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)  # noqa: S603, S607


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(CODE, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(TEMPLATE, encoding="utf-8")
    _compile(_write_po(tmp_path, ENTRIES))
    return tmp_path


def _check(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (this interpreter and the script)
        [sys.executable, str(SCRIPT), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_complete_catalogue_passes(project):
    result = _check(project)
    assert result.returncode == 0, result.stderr
    assert "complete" in result.stdout


def test_checking_leaves_the_tree_untouched(project):
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    _check(project)
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert after == before


def test_missing_msgid_is_listed(project):
    (project / "app" / "more.py").write_text('from django.utils.translation import gettext as _\n_("新文字")\n')
    result = _check(project)
    assert result.returncode == 1
    assert "'新文字'" in result.stderr
    assert "1 msgid(s)" in result.stderr


def test_fuzzy_and_empty_translations_count_as_missing(project):
    entries = dict(ENTRIES)
    entries["hello"] = '#, fuzzy\nmsgid "你好"\nmsgstr "Hello"\n'
    entries["context"] = 'msgctxt "菜单"\nmsgid "打开"\nmsgstr ""\n'
    _compile(_write_po(project, entries))
    result = _check(project)
    assert result.returncode == 1
    assert "'你好'" in result.stderr
    assert "'打开' (context '菜单')" in result.stderr


def test_stale_mo_is_reported(project):
    entries = dict(ENTRIES)
    entries["hello"] = 'msgid "你好"\nmsgstr "Hi"\n'
    _write_po(project, entries)  # .mo not recompiled
    result = _check(project)
    assert result.returncode == 1
    assert "out of date" in result.stderr


def test_missing_mo_and_po_are_reported(project):
    (project / "locale" / "en" / "LC_MESSAGES" / "django.mo").unlink()
    result = _check(project)
    assert result.returncode == 1
    assert "django.mo does not exist" in result.stderr
    (project / "locale" / "en" / "LC_MESSAGES" / "django.po").unlink()
    result = _check(project)
    assert result.returncode == 1
    assert "django.po does not exist" in result.stderr
    assert "'你好'" in result.stderr


def test_without_gettext_says_what_to_install(project, tmp_path_factory):
    empty = tmp_path_factory.mktemp("no-tools")
    result = _check(project, PATH=str(empty))
    assert result.returncode == 1
    assert "apt-get install gettext" in result.stderr
