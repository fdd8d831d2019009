#!/usr/bin/env bash
# The Debian packages the test suite needs, checked (and installed when run as root) by `make test`
# and by CI's first step (.ci/run packages). `make run` needs none of them.
#
#   chromium, fonts-wqy-microhei        browser tests (Playwright drives /usr/bin/chromium; CJK font)
#   gettext                             the translation check (scripts/check_messages.py)
#   libreoffice-writer-nogui/-calc-nogui, poppler-utils
#                                       export tests: .docx/.xlsx converted to PDF, text read back
#   make, python3-venv                  the Makefile itself and the .venv it creates
#
# Every package present: prints one line, exit 0. Missing ones: as root, installs them with
# apt-get (non-interactive); otherwise stops at once, printing the exact apt-get line to run, and
# exits 1, so `make test` never starts a run that would fail for want of a tool.
# SYSTEM_PACKAGES=check only checks, even as root (never installs): for a root shell that must not
# change the system, and for the tests of this script.
set -euo pipefail

missing=()
want() { [[ " ${missing[*]} " == *" $1 "* ]] || missing+=("$1"); }
have() { command -v "$1" >/dev/null 2>&1; }

have chromium || want chromium
[[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || want fonts-wqy-microhei
for tool in msgfmt xgettext msgen msgmerge msguniq msgattrib; do
    have "$tool" || want gettext
done
have make || want make
have soffice || { want libreoffice-writer-nogui; want libreoffice-calc-nogui; }
have pdftotext || want poppler-utils
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || want python3-venv

if ((${#missing[@]} == 0)); then
    echo "Debian packages: all present (chromium, fonts-wqy-microhei, gettext, LibreOffice, poppler-utils, make, python3-venv)"
    exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) != 0 || ${SYSTEM_PACKAGES:-install} == check ]]; then
    {
        echo "Debian packages missing: ${missing[*]}"
        echo "The tests need them. Install them as root, then run make test again:"
        echo
        echo "    sudo apt-get update && sudo $line"
        echo
    } >&2
    exit 1
fi

echo "Debian packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
