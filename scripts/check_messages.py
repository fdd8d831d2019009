#!/usr/bin/env python3
"""Check that the English catalogue is complete and compiled (``make lint`` runs this).

1. Extract every msgid from the code the way ``make messages`` does (Django's makemessages), but
   into a copy of the source tree in a temporary folder, so the working tree is never touched.
2. Every extracted msgid must be in the committed ``locale/<lang>/LC_MESSAGES/django.po`` with a
   non-empty, non-fuzzy translation.
3. The committed ``django.mo`` must hold the same catalogue as the ``django.po`` compiled afresh
   (compared entry by entry, not byte by byte).

Works offline; needs GNU gettext (xgettext, msgfmt, msgen, ...). Exit status 0 when complete,
1 otherwise, with the missing msgids listed.

    python scripts/check_messages.py [--root DIR] [--lang en]
"""

from __future__ import annotations

import argparse
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOLS = ["xgettext", "msgfmt", "msgen", "msguniq", "msgmerge", "msgattrib"]
# Not copied into the extraction tree (besides every hidden file and folder).
SKIP = {"locale", "var", "test-results", "node_modules", "__pycache__", "db.sqlite3"}

Catalog = dict[object, str]


def _ignore(_dir: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") or n in SKIP or n.startswith("db.sqlite3")}


def _run(*args: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True)  # noqa: S603 (gettext tools)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr.strip()}")


def read_mo(path: Path) -> Catalog:
    with path.open("rb") as fh:
        catalog: Catalog = dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)  # the header
    return catalog


def compile_po(po: Path, mo: Path) -> Catalog:
    """The catalogue as msgfmt compiles it: fuzzy and empty translations are left out."""
    _run("msgfmt", "--check-format", "-o", str(mo), str(po))
    return read_mo(mo)


def extract(root: Path, lang: str, work: Path) -> Catalog:
    """Every msgid in the code under ``root`` (msgstr = msgid), as makemessages finds them."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    tree = work / "tree"
    shutil.copytree(root, tree, ignore=_ignore, symlinks=True)
    (tree / "locale").mkdir()
    cwd = Path.cwd()
    os.chdir(tree)
    try:
        with override_settings(LOCALE_PATHS=[str(tree / "locale")]):
            call_command("makemessages", locale=[lang], domain="django", no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    po = tree / "locale" / lang / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return {}
    english = work / "extracted.po"
    _run("msgen", "-o", str(english), str(po))
    return compile_po(english, work / "extracted.mo")


def _show(key: object) -> str:
    msgid = key[0] if isinstance(key, tuple) else key
    assert isinstance(msgid, str)
    if "\x04" in msgid:
        context, msgid = msgid.split("\x04", 1)
        return f"{msgid!r} (context {context!r})"
    return repr(msgid)


def check(root: Path, lang: str = "en") -> list[str]:
    """Problems found (empty when the catalogue is complete and compiled)."""
    missing_tools = [t for t in TOOLS if shutil.which(t) is None]
    if missing_tools:
        return [
            f"GNU gettext is not installed (missing {', '.join(missing_tools)}): "
            "install the Debian package 'gettext' (apt-get install gettext)."
        ]
    messages_dir = root / "locale" / lang / "LC_MESSAGES"
    po, mo = messages_dir / "django.po", messages_dir / "django.mo"
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="check-messages-") as tmp:
        work = Path(tmp)
        wanted = extract(root, lang, work)
        committed: Catalog = {}
        if not po.exists():
            problems.append(f"{po.relative_to(root)} does not exist: run `make messages` and translate it.")
        else:
            try:
                committed = compile_po(po, work / "committed.mo")
            except RuntimeError as exc:
                return [f"{po.relative_to(root)} does not compile: {exc}"]

        missing = sorted({_show(k) for k in wanted if not committed.get(k)})
        if missing:
            problems.append(
                f"{len(missing)} msgid(s) without a (non-fuzzy) {lang} translation in "
                f"{po.relative_to(root)}:\n" + "\n".join(f"  {m}" for m in missing)
            )
        if not po.exists():
            pass
        elif not mo.exists():
            problems.append(f"{mo.relative_to(root)} does not exist: run `make messages` to compile it.")
        elif read_mo(mo) != committed:
            problems.append(f"{mo.relative_to(root)} is out of date with {po.name}: run `make messages` to compile it.")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="project folder (default: this repository)")
    parser.add_argument("--lang", default="en")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetymonth.settings")
    import django

    django.setup()

    problems = check(args.root.resolve(), args.lang)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(
            "\nTranslations workflow: `make messages` extracts new msgids into the .po file; translate "
            "them (remove any 'fuzzy' flag), then run `make messages` again to compile the .mo.",
            file=sys.stderr,
        )
        return 1
    print(f"Messages: the {args.lang} catalogue is complete and compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
