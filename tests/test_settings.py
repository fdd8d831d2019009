"""Settings from the environment: production refuses dev defaults and passes ``check --deploy``;
SQLite runs in WAL mode; PostgreSQL keeps its connections and checks them before reuse."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "safetymonth" / "settings.py"

# Variables the settings read that must not leak from the machine running the tests.
_SCRUB = {
    "SAFETYMONTH_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "FILE_STORAGE",
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_SETTINGS_MODULE",
    "TIP_ENCRYPTION_KEYS",
    # set by tests/browser/conftest.py for Playwright; check --deploy rightly refuses it
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'settings-test.sqlite3'}"
    env.update(extra)
    return env


def _manage(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed argv: this interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    """The settings module's globals for the given environment (evaluated afresh, not Django's)."""
    for name in _SCRUB:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def _production(**extra: str) -> dict[str, str]:
    return {
        "SAFETYMONTH_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.gov.cn",
        "TIP_ENCRYPTION_KEYS": "kA7lD2ZfL0x1m0sPq9Yw3cVb8nT5rE6uI4oP2aS1dF0=",
        **extra,
    }


# --- production start-up ---------------------------------------------------------------------


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **_production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_dev_secret_key(tmp_path):
    env = _production()
    del env["SECRET_KEY"]
    result = _manage(tmp_path, "check", "--deploy", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", **_production(SECRET_KEY="too-short"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_missing_or_dev_tip_key(tmp_path):
    env = _production()
    del env["TIP_ENCRYPTION_KEYS"]
    result = _manage(tmp_path, "check", "--deploy", **env)
    assert result.returncode != 0
    assert "TIP_ENCRYPTION_KEYS" in result.stderr
    dev = _manage(tmp_path, "check", "--deploy", **_production(TIP_ENCRYPTION_KEYS=django_settings.DEV_TIP_KEY))
    assert dev.returncode != 0
    assert "TIP_ENCRYPTION_KEYS" in dev.stderr


def test_production_refuses_debug(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", **_production(DEBUG="1"))
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_unknown_environment_name_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SAFETYMONTH_ENV"):
        _settings(monkeypatch, SAFETYMONTH_ENV="prod")


def test_production_turns_on_https_only_cookies_and_hsts(monkeypatch):
    s = _settings(monkeypatch, **_production())
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    # the language choice too (django_language): Secure, and no script needs to read it
    assert s["LANGUAGE_COOKIE_SECURE"] is True
    assert s["LANGUAGE_COOKIE_HTTPONLY"] is True
    assert s["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["ALLOWED_HOSTS"] == ["example.gov.cn"]


def test_development_defaults_are_safe_and_local(monkeypatch):
    s = _settings(monkeypatch)
    assert s["DEBUG"] is True
    assert s["PRODUCTION"] is False
    assert set(s["ALLOWED_HOSTS"]) >= {"127.0.0.1", "localhost"}
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert s["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert s["TIME_ZONE"] == "Asia/Shanghai"
    assert s["LANGUAGE_CODE"] == "zh-hans"


# --- databases --------------------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode(tmp_path):
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA foreign_keys'); print(c.fetchone()[0])\n"
    )
    result = _manage(tmp_path, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "1"]


def test_sqlite_settings(monkeypatch, tmp_path):
    s = _settings(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_keeps_connections_with_health_checks(monkeypatch):
    s = _settings(monkeypatch, DATABASE_URL="postgres://app:pw@db.internal:5432/safetymonth")
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "safetymonth"
    assert db["HOST"] == "db.internal"
    assert db["CONN_MAX_AGE"] == 600
    assert db["CONN_HEALTH_CHECKS"] is True


def test_conn_max_age_comes_from_the_environment(monkeypatch):
    s = _settings(monkeypatch, DATABASE_URL="postgres://app@db/sm", CONN_MAX_AGE="60")
    assert s["DATABASES"]["default"]["CONN_MAX_AGE"] == 60


# --- cache and storage ------------------------------------------------------------------------


def test_redis_url_switches_cache_and_sessions(monkeypatch):
    s = _settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0", CACHE_KEY_PREFIX="ci-42")
    cache = s["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert cache["KEY_PREFIX"] == "ci-42"
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_s3_storage(monkeypatch):
    s = _settings(
        monkeypatch,
        FILE_STORAGE="s3",
        S3_BUCKET="evidence",
        S3_ENDPOINT_URL="https://s3.example.gov.cn",
        S3_ACCESS_KEY_ID="id",
        S3_SECRET_ACCESS_KEY="secret",
    )
    storage = s["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "evidence"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.gov.cn"
    assert storage["OPTIONS"]["querystring_auth"] is True


def test_unknown_file_storage_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="FILE_STORAGE"):
        _settings(monkeypatch, FILE_STORAGE="ftp")
