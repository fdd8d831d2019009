#!/usr/bin/env python3
"""Upload benchmark (``make bench``, after the org-tree timings; or alone):

    python bench/upload_bench.py [--size-mb 1024]

Uploads one video of ``--size-mb`` megabytes through the resumable upload endpoints (start, PUT
chunks of EVIDENCE_CHUNK_BYTES with ``Upload-Offset``, finish) over HTTP to the WSGI application
served by wsgiref in a worker process (fresh SQLite database, temporary MEDIA_ROOT and
UPLOAD_PARTIAL_DIR). The worker is the server: it measures its own memory while the upload runs — the resident set size
(sampled from /proc/self/statm every 20 ms) against the size just
before the upload, and the peak of Python allocations (tracemalloc). The client runs in the
same process (one chunk buffer at a time), so its memory is part of the measurement, so the figure is an upper bound.
Exits 1 when the growth reaches the target (64 MB). Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MB = 64


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _video_chunks(size: int, chunk: int):
    """A well-formed MP4 of exactly ``size`` bytes (ftyp, moov, then one large mdat), chunk by chunk."""
    import struct

    from safetymonth.lib import media

    head = media.tiny_mp4(duration=600, width=1920, height=1080)[: -(8 + 64)]  # without its mdat
    mdat_len = size - len(head)
    head += struct.pack(">I4sQ", 1, b"mdat", mdat_len)
    offset = 0
    pattern = bytes(range(256)) * (chunk // 256 + 1)
    while offset < size:
        n = min(chunk, size - offset)
        if offset < len(head):
            part = head[offset : offset + n]
            part += pattern[: n - len(part)]
        else:
            part = pattern[:n]
        yield offset, part
        offset += n


class _Sampler:
    """Samples this process's RSS every 20 ms in a thread; ``peak`` is the highest seen."""

    def __init__(self) -> None:
        import threading

        self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss())

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return max(self.peak, _rss())


def _serve():
    """Django's WSGI application on a local port (wsgiref, one thread per request); its URL."""
    import threading
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    httpd = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=Server, handler_class=Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}"


def worker(size_mb: int) -> dict:
    import http.client
    import secrets
    import tracemalloc
    from urllib.parse import urlencode, urlsplit

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0, interactive=False)
    from safetymonth.campaigns.definition import DEFINITIONS_DIR
    from safetymonth.campaigns.services import load_campaign, publish_campaign
    from tests.factories import build_cast

    cast = build_cast()
    definition = (DEFINITIONS_DIR / "dadukou-commerce-2021.yaml").read_text("utf-8")
    campaign = load_campaign(definition, cast.office).campaign
    publish_campaign(cast.office, campaign)
    login = Client()
    login.force_login(cast.enterprise_staff)
    csrf = secrets.token_hex(16)
    cookie = f"{settings.SESSION_COOKIE_NAME}={login.cookies[settings.SESSION_COOKIE_NAME].value}; csrftoken={csrf}"
    httpd, base = _serve()
    host = urlsplit(base).netloc

    def call(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, dict]:
        conn = http.client.HTTPConnection(host, timeout=600)
        conn.request(
            method, path, body=body, headers={"Cookie": cookie, "X-CSRFToken": csrf, "Referer": base, **(headers or {})}
        )
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res.status, json.loads(data or b"{}")

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    size = size_mb * 1024 * 1024
    chunk = settings.EVIDENCE_CHUNK_BYTES
    place = {"campaign": campaign.public_id, "org": cast.enterprise.public_id}
    # one small upload first, so the code path is imported and warm before the baseline
    status, warm = call(
        "POST", reverse("evidence:upload_start"), urlencode({**place, "name": "w.txt", "size": 3}).encode(), form
    )
    call("PUT", warm["url"], b"abc", {"Upload-Offset": "0"})
    call("POST", warm["finish_url"])

    tracemalloc.start()
    sampler = _Sampler()
    baseline = _rss()
    start = time.perf_counter()
    status, res = call(
        "POST", reverse("evidence:upload_start"), urlencode({**place, "name": "1GB.mp4", "size": size}).encode(), form
    )
    assert status == 201, res
    url, finish = res["url"], res["finish_url"]
    for offset, part in _video_chunks(size, chunk):
        status, res = call("PUT", url, part, {"Upload-Offset": str(offset)})
        assert status == 200, res
        del part
    upload_s = time.perf_counter() - start
    status, done = call("POST", finish)
    assert status == 201, done
    total_s = time.perf_counter() - start
    peak = sampler.stop()
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    httpd.shutdown()
    return {
        "size_mb": size_mb,
        "chunk_mb": chunk / 1024 / 1024,
        "chunks": -(-size // chunk),
        "upload_s": upload_s,
        "total_s": total_s,
        "rss_growth_mb": (peak - baseline) / 1024 / 1024,
        "traced_peak_mb": traced_peak / 1024 / 1024,
        "stored_size": done["material"]["size"],
    }


def run(size_mb: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="safetymonth-upload-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(Path(tmp) / "media"),
            "UPLOAD_PARTIAL_DIR": str(Path(tmp) / "partial"),
            "FILE_STORAGE": "local",
            "DJANGO_SETTINGS_MODULE": "safetymonth.settings",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        proc = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--worker", "--size-mb", str(size_mb)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
        )
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            raise SystemExit("upload benchmark worker failed")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def report(data: dict) -> bool:
    ok = data["rss_growth_mb"] < TARGET_MB and data["stored_size"] == data["size_mb"] * 1024 * 1024
    print(
        f"\nupload: {data['size_mb']:,} MB in {data['chunks']} chunks of {data['chunk_mb']:.0f} MB — "
        f"chunks {data['upload_s']:.1f} s, with finish {data['total_s']:.1f} s"
    )
    print(f"{'measure':<36} {'MB':>10} {'target MB':>10}  result")
    print("-" * 68)
    print(f"{'server RSS growth':<36} {data['rss_growth_mb']:>10.1f} {TARGET_MB:>10}  {'ok' if ok else 'TOO MUCH'}")
    print(f"{'Python allocations peak':<36} {data['traced_peak_mb']:>10.1f} {'':>10}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the uploaded file (default 1024)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        sys.path.insert(0, str(REPO))
        print(json.dumps(worker(args.size_mb)))
        return 0
    return 0 if report(run(args.size_mb)) else 1


if __name__ == "__main__":
    sys.exit(main())
