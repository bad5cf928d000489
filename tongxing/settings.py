"""One settings file, driven by the environment (see docs/configuration in the README).

Safe by default: DEBUG is off unless asked for, and a production start refuses to run without its secrets.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = env_bool("TONGXING_TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105 — dev and test only

# Identifying fields are encrypted with these keys (newest first; older ones still decrypt during rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
# Exact-match search over encrypted values uses a keyed hash. Its key rotates on its own: while
# `encryption_rotate --rehash` runs, the previous key is given here so rows not yet rehashed are still found.
SEARCH_HASH_KEY = os.environ.get("SEARCH_HASH_KEY", "")
SEARCH_HASH_KEY_PREVIOUS = os.environ.get("SEARCH_HASH_KEY_PREVIOUS", "")
if not FIELD_ENCRYPTION_KEYS or not SEARCH_HASH_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and SEARCH_HASH_KEY must be set when DEBUG is off.")
    # Development keys: a fixed, well-known value so a local database survives restarts. Never for real data.
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC1kYXQ="]
    SEARCH_HASH_KEY = SEARCH_HASH_KEY or "development-search-hash-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs' assets locally instead of from a CDN
    "tongxing",
    "audit",
    "orgs",
    "accounts",
    "people",
    "casework",
    "duties",
    "supervision",
    "risk",
    "incidents",
    "referrals",
    "conferences",
    "reports",
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "imports",
    "volunteers",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongxing.middleware.SessionIdleMiddleware",
    "tongxing.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "tongxing.middleware.ApiJsonErrorsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongxing.urls"
WSGI_APPLICATION = "tongxing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tongxing" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite is the zero-setup default; PostgreSQL (production, CI) by DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'tongxing.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")), conn_health_checks=True,
        # Behind pgbouncer in transaction mode a server-side cursor (QuerySet.iterator) loses its portal.
        disable_server_side_cursors=env_bool("DB_DISABLE_SERVER_SIDE_CURSORS"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL keeps readers and the single writer out of each other's way on a small office server.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
# A PostgreSQL read replica for the statistical returns, dashboards and exports (tongxing/dbrouters.py); everything
# else stays on the primary. Tests run it as a second connection to the test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True, disable_server_side_cursors=env_bool("DB_DISABLE_SERVER_SIDE_CURSORS"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tongxing.dbrouters.ReportsToReplica"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked account is refused before its password is checked
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.PasswordBackend",
]
# Argon2id for every new or changed password; older hashes are upgraded when their owner next signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Roles that must sign in with a second factor (TOTP); everyone else may choose to. `make run` (the demo) clears it.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", "administrator,bureau_leader")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Transport and cookie security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
# Signed out after this long without a request (MLPS: session timeout); requests restart the clock
# (tongxing.middleware.SessionIdleMiddleware, at most one session write a minute).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ENGINE = "tongxing.sessions"  # Django's database sessions, read by a statement compiled once
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if (DEBUG or TESTING) else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")
# Number of reverse proxies in front of the app, so the audit trail records the client's address, not the proxy's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Static files are served by WhiteNoise; in development and tests straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Notifications beyond the day list. EMAIL_* are Django's own settings (SMTP inside the intranet).
NOTIFY_BY_EMAIL = env_bool("NOTIFY_BY_EMAIL")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # implicit TLS, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # a slow relay must not hold a worker for ever
if EMAIL_USE_TLS and EMAIL_USE_SSL:  # Django's mail backend would refuse every message, and the SMS sent after it
    raise ImproperlyConfigured("EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL (implicit TLS) exclude each other.")
if EMAIL_HOST_PASSWORD and not (EMAIL_USE_TLS or EMAIL_USE_SSL) and EMAIL_HOST not in ("localhost", "127.0.0.1", "::1"):
    raise ImproperlyConfigured("An SMTP password is sent over TLS only: set EMAIL_USE_TLS or EMAIL_USE_SSL.")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tongxing@localhost")
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "duties.channels.NoSms")  # a class with send(phone, text)
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")  # for duties.channels.HttpJsonSms
SMS_GATEWAY_SECRET = os.environ.get("SMS_GATEWAY_SECRET", "")
SMS_GATEWAY_TIMEOUT = int(os.environ.get("SMS_GATEWAY_TIMEOUT", "5"))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Scale-out (docs/architecture.md): with Redis, nothing a web process holds is needed by the next request, so
# several processes on several machines can serve behind one proxy.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_URL = os.environ.get("CACHE_URL") or REDIS_URL
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "tongxing"}}
    # Read from Redis (no session query per request), written through to the database (a Redis restart or
    # eviction signs nobody out); SessionIdleMiddleware keeps the writes to one a minute.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work: the database queue by default (`manage.py db_worker` runs it; `make run` starts one); with
# TASKS_BACKEND=rq, Redis (`manage.py rqworker default` runs it, on any machine).
_backend = os.environ.get("TASKS_BACKEND") or "db"
_backend = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}.get(_backend, _backend)
TASKS = {"default": {"BACKEND": _backend, "QUEUES": ["default"]}}
if _backend == "django_tasks_rq.RQBackend":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS.append("django_rq")  # its rqworker command
    # RQ stops a job after 3 minutes unless told otherwise; an import of a large hand-over list may take longer.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # so a plain `rqworker` runs django-tasks' tasks
# Uploaded lists wait here for their import job: with web and workers on several machines, a directory they share.
IMPORT_DIR = os.environ.get("IMPORT_DIR", str(BASE_DIR / "var" / "imports"))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_MAX_UNZIPPED_BYTES", str(500 * 1024 * 1024)))
# The reader holds the sheet's cells in memory (~125 MB for 100,000 rows of a court-notice list), in a child process
# that may use no more than this: a crafted sheet (a cell at XFD1048576, one long string in a million cells) fails
# there with a clear error instead of exhausting the worker.
IMPORT_READER_MAX_BYTES = int(os.environ.get("IMPORT_READER_MAX_BYTES", str(768 * 1024 * 1024)))
# Processes forked to apply the rules to an imported list while the job's own process writes it (PostgreSQL only;
# at most one a core, 0 for none): on two cores an import of 100 k rows took 85 s without, 58-61 s with two.
IMPORT_BUILDERS = int(os.environ.get("IMPORT_BUILDERS", "2"))
# A job still queued or running this long after it was started lost its worker; the periodic job fails it.
JOB_ABANDONED_AFTER_HOURS = int(os.environ.get("JOB_ABANDONED_AFTER_HOURS", "6"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The audit trail stays in the database this many days, then moves to compressed archive files (audit_archive, run
# daily by duties_tick). The legal floor (Cybersecurity Law art. 21(3)) is audit.archive.RETENTION_FLOOR_DAYS, enforced
# by a system check at start-up and by the command.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
AUDIT_ARCHIVE_DIR = os.environ.get("AUDIT_ARCHIVE_DIR", str(BASE_DIR / "var" / "audit-archive"))

# Lockout (MLPS): an account is locked after this many failed sign-ins in a row, per account (an office behind one
# address is not locked out together), until the cool-off passes or an administrator unlocks it on the staff page.
AXES_FAILURE_LIMIT = int(os.environ.get("LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# The same client address the audit trail records (behind the proxies named by TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_ip"
# Locking by address too would lock a whole office behind one NAT address after a few typos; MLPS asks for the
# account to be locked, which this does.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Content Security Policy: scripts only from this server, never inline (htmx runs without eval; page data travels
# as JSON in <script type="application/json">). Style attributes are allowed — charts and the API docs set them —
# but no inline <style> elements and nothing from elsewhere.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF],
    },
}
