"""Playwright in Debian's headless Chromium (/usr/bin/chromium); never a downloaded browser.

Every test here is marked ``browser``. A failing test leaves a screenshot in test-results/
(pytest-playwright's --screenshot only-on-failure, set in pyproject's addopts for this folder).
"""

from __future__ import annotations

import contextlib
import os
import threading

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API keeps an event loop running in the test thread; Django's ORM calls from
# the test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def phone(browser_context_args):
    """Context arguments for a 375-px-wide phone (use: browser.new_context(**phone))."""
    return {
        **browser_context_args,
        "viewport": {"width": 375, "height": 740},
        "is_mobile": True,
        "has_touch": True,
    }


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-submit]")


class _OneRequestAtATime:
    """WSGI wrapper: the live server runs one view at a time when the tests run on SQLite.

    The SQLite test database lives in memory, and Django's live server shares that one connection
    between its request threads (so the server sees the test's data). Two views at once on one
    connection fail at random ('database table is locked') — seen when a page loads a list while
    the upload widget sends chunks. A real SQLite install is a file with a connection per thread
    and a busy timeout, and PostgreSQL needs nothing, so only the test server is serialised.
    Streamed bodies (files, zips) are sent outside the lock: a paused <video> must not block."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return self.app(environ, start_response)


@pytest.fixture(autouse=True)
def _serial_live_server_on_sqlite(request):
    from django.db import connection

    if "live_server" not in request.fixturenames or connection.vendor != "sqlite":
        yield
        return
    httpd = request.getfixturevalue("live_server").thread.httpd
    if not isinstance(httpd.get_app(), _OneRequestAtATime):
        httpd.set_app(_OneRequestAtATime(httpd.get_app()))
    yield


@contextlib.contextmanager
def server_paused(live_server):
    """Hold the live server between requests while the test changes the database behind its back.

    On SQLite the server's threads share the test's one connection: a row the test deletes while a
    request is inside a transaction is deleted inside that transaction, and comes back if the
    request rolls back (seen: a session deleted to simulate an idle timeout survived). Holding the
    server's lock makes the change land between two requests. On PostgreSQL there is no lock."""
    app = live_server.thread.httpd.get_app()
    lock = app.lock if isinstance(app, _OneRequestAtATime) else contextlib.nullcontext()
    with lock:
        yield
