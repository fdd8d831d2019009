#!/usr/bin/env python3
"""Memory benchmark (``make bench``, after the upload benchmark; or alone):

    python bench/memory_bench.py

Peak memory of the worst file each kind of input still accepts, and of the bombs it refuses
(issue 11: a 115 KB PNG of 118.8 million pixels once added 808 MB, a 410 KB event-import xlsx
409 MB). Each case runs in its own fresh worker process: the worker imports everything, reads its
resident set size, resets the kernel's high-water mark, processes the one file, and reports how
far the peak (VmHWM on Linux, else ``resource.getrusage(RUSAGE_SELF).ru_maxrss``) rose above
where it started. The files are made by the parent beforehand, so making them
is not measured. Exits 1 when a case reaches its target. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

# name -> (how to make the file, how the worker processes it, target peak growth in MB)
CASES: dict[str, tuple[str, str, int]] = {
    "JPEG at the cap (64 MP)": ("jpeg_cap", "image", 128),
    "PNG at the cap (25 MP RGB)": ("png_cap", "image", 256),
    "PNG at the cap (18.75 MP RGBA)": ("png_alpha_cap", "image", 320),
    "PNG bomb (118.8 MP, refused)": ("png_bomb", "image", 16),
    "xlsx import at the limits": ("xlsx_cap", "import", 96),
    "xlsx shared-strings bomb (refused)": ("xlsx_bomb", "import", 16),
}


# --- files --------------------------------------------------------------------------------------


def make_file(kind: str, folder: Path) -> Path:
    from PIL import Image

    from safetymonth.evidence import derivatives

    if kind == "jpeg_cap":
        side = int(derivatives.MAX_PIXELS_JPEG**0.5)
        im = Image.radial_gradient("L").resize((side, side)).convert("RGB")
        path = folder / "cap.jpg"
        im.save(path, "JPEG", quality=85)
        return path
    if kind in ("png_cap", "png_alpha_cap"):
        alpha = kind == "png_alpha_cap"
        side = int((derivatives.MAX_PIXELS_ALPHA if alpha else derivatives.MAX_PIXELS) ** 0.5)
        im = Image.radial_gradient("L").resize((side, side)).convert("RGBA" if alpha else "RGB")
        path = folder / f"{kind}.png"
        im.save(path, "PNG", compress_level=1)
        return path
    if kind == "png_bomb":
        sys.path.insert(0, str(REPO))
        from safetymonth.evidence.tests.test_memory_bombs import huge_png

        path = folder / "bomb.png"
        path.write_bytes(huge_png())
        return path
    if kind in ("xlsx_cap", "xlsx_bomb"):
        return _xlsx(folder, kind)
    raise KeyError(kind)


def _xlsx(folder: Path, kind: str) -> Path:
    """An enterprise-import workbook of 5,000 rows plus a shared-strings part just below the limit
    (short distinct strings: the most Python objects openpyxl keeps), or the bomb of the tests
    (40 MB of one repeated string, a few hundred KB on disk)."""
    from openpyxl import Workbook

    from safetymonth.lib.filetypes import XlsxLimits
    from safetymonth.orgs.tests.helpers import with_huge_shared_strings

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业名单"
    ws.append(["企业名称*", "统一社会信用代码*", "所属行业*", "监管科室*", "地址", "联系人", "联系电话"])
    for i in range(5000):
        ws.append([f"企业{i}", f"91500104MA6{i:06d}", "餐饮", "市场运行科", f"地址{i}", f"联系人{i}", "13800000000"])
    buf = io.BytesIO()
    wb.save(buf)
    if kind == "xlsx_cap":
        data = with_huge_shared_strings(buf.getvalue(), XlsxLimits().max_shared_strings - 256 * 1024, distinct=True)
    else:
        data = with_huge_shared_strings(buf.getvalue())
    path = folder / f"{kind}.xlsx"
    path.write_bytes(data)
    return path


# --- worker -------------------------------------------------------------------------------------


def _peak() -> int:
    """The process's peak resident set size. Linux: VmHWM, the high-water mark of this process's
    own memory — ``getrusage``'s ``ru_maxrss`` survives fork and exec, so in a worker it starts at
    the parent's peak (the parent made a 64 MP image) and cannot be reset; elsewhere ru_maxrss."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _reset_peak() -> None:
    """Forget the peak reached while importing Django and friends (Linux: clear_refs 5 resets
    VmHWM), so the peak measured is the file's."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def worker(how: str, path: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetymonth.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from safetymonth.evidence import derivatives
    from safetymonth.lib import filetypes
    from safetymonth.orgs import importing

    data = Path(path).read_bytes() if how == "import" else b""
    _reset_peak()
    before = _rss()
    outcome = "accepted"
    if how == "image":
        with tempfile.TemporaryDirectory() as work:
            try:
                ftype = filetypes.sniff(path)
                derivatives.build(Path(path), ftype, Path(work))
            except filetypes.Refused as exc:
                outcome = f"refused ({exc.code})"
    else:
        try:
            rows = sum(1 for _ in importing._xlsx_rows(data))
            outcome = f"read ({rows} rows)"
        except importing.ImportFileError:
            outcome = "refused"
    return {"growth": max(0, _peak() - before), "outcome": outcome, "size": os.path.getsize(path)}


# --- orchestration ------------------------------------------------------------------------------


def run() -> list[dict]:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetymonth.settings")
    import django

    django.setup()
    results = []
    with tempfile.TemporaryDirectory(prefix="safetymonth-membench-") as tmp:
        for name, (kind, how, target) in CASES.items():
            path = make_file(kind, Path(tmp))
            proc = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--worker", how, str(path)],
                capture_output=True,
                text=True,
                cwd=REPO,
            )
            if proc.returncode != 0:
                sys.stderr.write(proc.stderr)
                raise SystemExit(f"memory benchmark worker failed: {name}")
            data = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append({"name": name, "target_mb": target, **data})
            path.unlink()
    return results


def report(results: list[dict]) -> bool:
    print(f"\n{'memory: worst allowed file / bomb':<36} {'file KB':>9} {'peak +MB':>9} {'target':>7}  outcome")
    print("-" * 86)
    ok = True
    for r in results:
        growth = r["growth"] / MB
        passed = growth < r["target_mb"]
        ok &= passed
        print(
            f"{r['name']:<36} {r['size'] / 1024:>9.0f} {growth:>9.1f} {r['target_mb']:>7}  "
            f"{r['outcome']}{'' if passed else '  TOO MUCH'}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("HOW", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    return 0 if report(run()) else 1


if __name__ == "__main__":
    sys.exit(main())
