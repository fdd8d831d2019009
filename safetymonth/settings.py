"""SafetyMonth settings. Everything that differs between machines comes from the environment.

Every variable is listed in README.md (Configuration). With ``SAFETYMONTH_ENV=production`` the
settings refuse the development secret key and DEBUG, and switch on HTTPS-only cookies and HSTS.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from safetymonth.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("SAFETYMONTH_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("SAFETYMONTH_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SAFETYMONTH_ENV=production needs SECRET_KEY set to a random value of 50+ characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if DEBUG:
        raise ImproperlyConfigured("SAFETYMONTH_ENV=production refuses DEBUG=1.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_htmx",
    "ninja",
    "safetymonth.core",
    "safetymonth.orgs",
    "safetymonth.accounts",
    "safetymonth.audit",
    "safetymonth.api",
    "safetymonth.campaigns",
    "safetymonth.reports",
    "safetymonth.dashboard",
    "safetymonth.exports",
    "safetymonth.events",
    "safetymonth.evidence",
    "safetymonth.hazards",
    "safetymonth.tipoffs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "safetymonth.core.middleware.StripNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safetymonth.accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safetymonth.accounts.middleware.PasswordChangeRequiredMiddleware",
    "safetymonth.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "safetymonth.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safetymonth.urls"
WSGI_APPLICATION = "safetymonth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safetymonth.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (embedded default) runs in WAL mode with a busy timeout; PostgreSQL keeps connections.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA case_sensitive_like=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "safetymonth"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Idle sessions end after 30 minutes: a request pushes the expiry forward when the session was last
# saved more than a minute ago (accounts.middleware.SessionRefreshMiddleware), not on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "safetymonth.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "safetymonth.accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lock-out after repeated failures (django-axes): per username and address pair.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of the app. The client address (audit log, lock-out, login limit) is the
# entry they wrote into X-Forwarded-For; entries further left come from the client and are ignored.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "safetymonth.audit.context.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Login attempts (password or second-factor code) per client address, checked before any password
# hashing: more than LOGIN_RATE_LIMIT in LOGIN_RATE_WINDOW_SECONDS get HTTP 429 (0 turns it off).
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 30)
LOGIN_RATE_WINDOW_SECONDS = env_int("LOGIN_RATE_WINDOW_SECONDS", 60)

# Second factor (django-otp: TOTP app plus single-use recovery codes; docs/security.md). Users of
# these roles must enrol before they can do anything else; anyone with a device is asked for a code.
# Production should set office,tip_handler (等保2.0 third level asks for two factors).
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", [])
_ROLES = {"office", "leader", "section_staff", "enterprise_staff", "tip_handler"}
if set(OTP_REQUIRED_ROLES) - _ROLES:
    raise ImproperlyConfigured(f"OTP_REQUIRED_ROLES takes roles among {sorted(_ROLES)}")
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "SafetyMonth")
# Wrong codes per user before the sign-in is dropped, counted in the cache for LOGIN_LOCKOUT_MINUTES
# (django-otp's own per-device delay is off: it writes a row per failure and works per device only).
OTP_FAILURE_LIMIT = env_int("OTP_FAILURE_LIMIT", 5)
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
RECOVERY_CODE_COUNT = 10

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language choice is read by the server only; Secure in production (with the other cookies).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Uploaded files live outside the web root and are only served through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
FILE_STORAGE = env_str("FILE_STORAGE", "local")
if FILE_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif FILE_STORAGE == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
else:
    raise ImproperlyConfigured("FILE_STORAGE must be 'local' or 's3'")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    if PRODUCTION
    else {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Imported workbooks are checked from the zip's directory before openpyxl opens them (memory
# bombs, docs/security.md): shared strings and each sheet's XML uncompressed, compression ratio;
# then at most this many filled cells are read.
IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES = env_int("IMPORT_XLSX_MAX_SHARED_STRINGS_MB", 8) * 1024 * 1024
IMPORT_XLSX_MAX_SHEET_BYTES = env_int("IMPORT_XLSX_MAX_SHEET_MB", 64) * 1024 * 1024
IMPORT_XLSX_MAX_RATIO = env_int("IMPORT_XLSX_MAX_RATIO", 100)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 250_000)

# --- Evidence uploads (docs/evidence.md) ----------------------------------------------------
# Chunks of a resumable upload are appended to a partial file here (outside storage and the web
# root) until the upload is complete and checked; sweep_uploads removes abandoned ones.
UPLOAD_PARTIAL_DIR = Path(env_str("UPLOAD_PARTIAL_DIR", str(BASE_DIR / "var" / "uploads-partial")))
EVIDENCE_MAX_IMAGE_BYTES = env_int("EVIDENCE_MAX_IMAGE_MB", 30) * 1024 * 1024
EVIDENCE_MAX_VIDEO_BYTES = env_int("EVIDENCE_MAX_VIDEO_MB", 2048) * 1024 * 1024
EVIDENCE_MAX_DOCUMENT_BYTES = env_int("EVIDENCE_MAX_DOCUMENT_MB", 50) * 1024 * 1024
# Chunk size the upload widget sends (kept below DATA_UPLOAD_MAX_MEMORY_SIZE; chunks are streamed
# to disk anyway) and the largest chunk the server takes.
EVIDENCE_CHUNK_BYTES = env_int("EVIDENCE_CHUNK_BYTES", 4 * 1024 * 1024)
EVIDENCE_MAX_CHUNK_BYTES = env_int("EVIDENCE_MAX_CHUNK_BYTES", 16 * 1024 * 1024)
# Unfinished uploads untouched for this long are removed by sweep_uploads.
EVIDENCE_UPLOAD_GRACE_HOURS = env_int("EVIDENCE_UPLOAD_GRACE_HOURS", 48)
# Stored objects no material points to (left by a crash during finish) older than this are
# removed by sweep_uploads; longer than any finish takes.
EVIDENCE_ORPHAN_GRACE_HOURS = env_int("EVIDENCE_ORPHAN_GRACE_HOURS", 24)
# Per user: unfinished uploads at a time, and the bytes they declare together.
EVIDENCE_MAX_OPEN_UPLOADS = env_int("EVIDENCE_MAX_OPEN_UPLOADS", 10)
EVIDENCE_MAX_OPEN_UPLOAD_BYTES = env_int("EVIDENCE_MAX_OPEN_UPLOAD_MB", 4096) * 1024 * 1024
# DOCX/XLSX zip limits (zip bombs): entries, total uncompressed size, compression ratio.
EVIDENCE_ZIP_MAX_ENTRIES = env_int("EVIDENCE_ZIP_MAX_ENTRIES", 5000)
EVIDENCE_ZIP_MAX_UNCOMPRESSED_MB = env_int("EVIDENCE_ZIP_MAX_UNCOMPRESSED_MB", 300)
EVIDENCE_ZIP_MAX_RATIO = env_int("EVIDENCE_ZIP_MAX_RATIO", 100)
# Production with nginx: an internal location prefix (e.g. /protected-evidence/) that maps to
# MEDIA_ROOT; file views then answer with X-Accel-Redirect instead of the bytes.
EVIDENCE_X_ACCEL_REDIRECT = env_str("EVIDENCE_X_ACCEL_REDIRECT", "")

# --- Audit log archive (docs/security.md, "Audit log") ----------------------------------------
# archive_audit writes the removed entries here (JSON lines with their chain hashes); keep it backed up.
AUDIT_ARCHIVE_DIR = Path(env_str("AUDIT_ARCHIVE_DIR", str(BASE_DIR / "var" / "audit-archive")))
# --- Tip-offs (docs/tipoffs.md) -------------------------------------------------------------
# Fernet keys (comma-separated, newest first) that seal reporters' identities and the text of
# tips at rest. Production refuses to start without one; development uses a fixed, public key.
DEV_TIP_KEY = "ZGV2LW9ubHktdGlwLWtleS1ub3QtZm9yLXByb2R1Y3Q="  # noqa: S105
TIP_ENCRYPTION_KEYS = env_list("TIP_ENCRYPTION_KEYS", [] if PRODUCTION else [DEV_TIP_KEY])
if PRODUCTION and (not TIP_ENCRYPTION_KEYS or DEV_TIP_KEY in TIP_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "SAFETYMONTH_ENV=production needs TIP_ENCRYPTION_KEYS (python -c 'from cryptography.fernet import "
        "Fernet; print(Fernet.generate_key().decode())')."
    )
# Clocks (days): acknowledge, verify (+ one approved extension), feedback after verification.
TIP_ACKNOWLEDGE_DAYS = env_int("TIP_ACKNOWLEDGE_DAYS", 5)
TIP_VERIFY_DAYS = env_int("TIP_VERIFY_DAYS", 60)
TIP_EXTENSION_DAYS = env_int("TIP_EXTENSION_DAYS", 30)
TIP_FEEDBACK_DAYS = env_int("TIP_FEEDBACK_DAYS", 10)
# A closed tip's identity is purged this many days after closing (manage.py purge_tip_identities).
TIP_IDENTITY_RETENTION_DAYS = env_int("TIP_IDENTITY_RETENTION_DAYS", 365)
# Abuse: tips per address per hour with and without the browser's proof-of-work, wrong receipt
# codes per address per 15 minutes, the proof-of-work's difficulty (leading zero bits of SHA-256).
TIP_RATE_PER_HOUR = env_int("TIP_RATE_PER_HOUR", 5)
TIP_RATE_PER_HOUR_NO_POW = env_int("TIP_RATE_PER_HOUR_NO_POW", 2)
TIP_RECEIPT_FAILURES = env_int("TIP_RECEIPT_FAILURES", 10)
TIP_POW_BITS = env_int("TIP_POW_BITS", 16)
TIP_MAX_TEXT_CHARS = env_int("TIP_MAX_TEXT_CHARS", 5000)
# Rewards (安监总财〔2018〕19号): rate of the fine, floor, cap, per concealed death by accident class.
TIP_REWARD_RATE = env_str("TIP_REWARD_RATE", "0.15")
TIP_REWARD_MIN = env_int("TIP_REWARD_MIN", 3000)
TIP_REWARD_MAX = env_int("TIP_REWARD_MAX", 300000)
TIP_REWARD_PER_DEATH = {
    "general": env_int("TIP_REWARD_DEATH_GENERAL", 30000),
    "larger": env_int("TIP_REWARD_DEATH_LARGER", 40000),
    "major": env_int("TIP_REWARD_DEATH_MAJOR", 50000),
    "especially_major": env_int("TIP_REWARD_DEATH_ESPECIALLY_MAJOR", 60000),
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "safetymonth@localhost")
# The address users reach the site at, for links in emails (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "safetymonth.core.views.csrf_failure"
if env_bool("BEHIND_TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content Security Policy: no inline script or style, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
