"""Django settings, read only from the environment (see docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dj_database_url

from revsight.core.config import (
    ConfigError,
    base_url,
    data_home,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    jobs_cache,
    queue_settings,
    secret_key,
    static_root,
)

REVSIGHT_HOME = data_home()
SECRET_KEY = secret_key(REVSIGHT_HOME)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])


def _database(url: str) -> dict[str, Any]:
    if not url:
        # SQLite tuned for one writer beside metric readers: WAL lets readers run during a
        # write, IMMEDIATE takes the write lock up front so a transaction never fails halfway
        # on an upgrade from read to write, and the timeout waits out a busy writer.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(REVSIGHT_HOME / "revsight.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("REVSIGHT_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL cannot be read: {exc}") from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ConfigError(
            "DATABASE_URL must name PostgreSQL (postgresql://user@host:5432/name); "
            "leave it unset for the embedded SQLite database."
        )
    return config


DATABASES = {"default": _database(env_str("DATABASE_URL"))}
# What names this organisation's data wherever its processes run (the queue's and the jobs
# cache's name in a shared Redis).
_DATABASE_IDENTITY = "{HOST}:{PORT}/{NAME}".format_map(
    {"HOST": "", "PORT": "", **DATABASES["default"]}
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "revsight.core",
    "revsight.org",
    "revsight.crm",
    "revsight.forecasting",
    "revsight.analytics",
    "revsight.importers",
    "revsight.jobs",
    "revsight.cadence",
    "revsight.planning",
    "revsight.assessments",
    "revsight.routine",
    "revsight.web",
    "axes",
    # django-ninja: the API's browsable docs, served from its own static files (no CDN).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Near the top, so that an answer from any middleware below (a 400 for an unknown host)
    # carries the headers too; it reads request.user on the way out, once it is set.
    "revsight.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above CommonMiddleware, to see the API's final answers: JSON only, bounded bodies, and
    # Django's own 404s and 405s in the API's error shape.
    "revsight.api.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "revsight.web.errors.ErrorMiddleware",
    "revsight.web.middleware.AnalyticsSessionMiddleware",
    # Last, as django-axes asks: turns a refused login into the login page with the lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "revsight.urls"
WSGI_APPLICATION = "revsight.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "revsight.web.context.navigation",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked account or address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Every door that sets a password (createuser, the password reset, the admin) runs these.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "name"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "revsight.access.passwords.NotTheDemoPassword"},
]

# Login throttling (django-axes, docs/security.md): after the limit of failures for one account
# (from any address) or from one address (on any account), logins are refused for the cool-off.
AXES_FAILURE_LIMIT = env_int("REVSIGHT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
_cool_off = env_int("REVSIGHT_LOGIN_COOLOFF_MINUTES", 15, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=_cool_off) if _cool_off else None  # 0: until unlocked
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "revsight.web.logins.account_of"
AXES_CLIENT_IP_CALLABLE = "revsight.web.logins.address_of"
AXES_LOCKOUT_CALLABLE = "revsight.web.logins.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "revsight.web.logins.LoginHandler"
# A successful login writes no row of its own (the failures are what is kept).
AXES_DISABLE_ACCESS_LOG = True

# A reset link works once, within the hour.
PASSWORD_RESET_TIMEOUT = 3600

# Email (docs/jobs.md#email), sent by revsight.core.mail.send: SMTP from EMAIL_URL, else `.eml`
# files in REVSIGHT_HOME/outbox/.
_email = email_settings()
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = _email.sender
SERVER_EMAIL = _email.sender
# Where people reach Revsight: the links in emails start with it.
REVSIGHT_BASE_URL = base_url()

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# Collected by `revsight serve` (web/collect.py); a front server may serve it from elsewhere.
STATIC_ROOT = static_root(REVSIGHT_HOME)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the installed plotly package, as static/vendor/plotly.min.js.
    "revsight.web.finders.PlotlyFinder",
]

# Computed dashboards, shared by every worker; keys include the data's version, so a change to
# the data is never served stale.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(REVSIGHT_HOME / "cache"),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    # Sessions live outside the database, so logging in never waits for its write lock (a long
    # import holds SQLite's for its whole run).
    "sessions": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(REVSIGHT_HOME / "sessions"),
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Jobs' live progress and the workers' heartbeats (revsight.jobs), never in the database.
    "jobs": jobs_cache(REVSIGHT_HOME, _DATABASE_IDENTITY),
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_CACHE_ALIAS = "sessions"

# HTTPS (docs/deployment.md): REVSIGHT_HTTPS=1 redirects plain HTTP to HTTPS and sends the
# cookies over HTTPS only; HSTS is sent (on HTTPS responses) once REVSIGHT_HSTS_SECONDS is set.
HTTPS = env_bool("REVSIGHT_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("REVSIGHT_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("REVSIGHT_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("REVSIGHT_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    # Replaced by revsight.W001-W004 (core/checks.py), whose hints name the variables to set.
    *("security.W004", "security.W008", "security.W012", "security.W016", "security.W018"),
    # Preloading commits the whole domain to HTTPS in browsers for months and is slow to undo:
    # the domain owner's decision (REVSIGHT_HSTS_PRELOAD=1), not a fault of the deployment.
    "security.W021",
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
# Behind the proxy, a client's address is the one the proxy adds to X-Forwarded-For.
REVSIGHT_BEHIND_PROXY = SECURE_PROXY_SSL_HEADER is not None

# The Content-Security-Policy of every page (web/security.py). Pages load Revsight's own files
# only; data for the charts is in `json_script` blocks, which are JSON, never executed.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # 'unsafe-inline' for styles only, for plotly.js: it styles each chart as it draws it, in
    # <style> elements it adds (with rules that vary by chart and version, so no stable hash)
    # and in `style` attributes. Under style-src 'self' chromium blocks both and the modebar,
    # hover labels and legends lose their styling (tests/browser/test_content_security_policy
    # shows it). Styles cannot run script, and img-src/font-src keep injected CSS from
    # sending anything out; Revsight's own templates hold no inline style.
    "style-src": ["'self'", "'unsafe-inline'"],
    # For the charts' "Download plot as a PNG": plotly.js draws the chart's SVG through a blob:
    # image onto a canvas, and loads the PNG it makes as a data: image (found in chromium).
    "img-src": ["'self'", "blob:", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# Browser features no page of Revsight uses, off for every page (and anything injected into it).
REVSIGHT_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

REVSIGHT_DEMO_PASSWORD = "revsight-demo"
REVSIGHT_SERVE_WORKERS = env_int("REVSIGHT_WORKERS", 2)

# Bounds on what an import reads (importers/limits.py): the largest upload the Import page
# accepts, the most a zip (or an XLSX, itself a zip) may expand to, and an import's wall clock.
REVSIGHT_MAX_UPLOAD_MB = env_int("REVSIGHT_MAX_UPLOAD_MB", 100)
REVSIGHT_MAX_UNZIPPED_MB = env_int("REVSIGHT_MAX_UNZIPPED_MB", 4096)
REVSIGHT_IMPORT_TIME_LIMIT = env_int("REVSIGHT_IMPORT_TIME_LIMIT", 3600)

# Threads each DuckDB connection may use; 0 lets DuckDB take every core. Processes that share
# the cores (gunicorn workers, test workers) run faster with fewer each.
REVSIGHT_ANALYTICS_THREADS = env_int("REVSIGHT_ANALYTICS_THREADS", 0, minimum=0)

# The job queue (docs/jobs.md): huey, on SQLite in REVSIGHT_HOME/queue.sqlite3 or on Redis.
HUEY = queue_settings(REVSIGHT_HOME, _DATABASE_IDENTITY)
# Seconds between a worker's heartbeats; a worker silent for three of them is gone.
REVSIGHT_WORKER_HEARTBEAT = env_int("REVSIGHT_WORKER_HEARTBEAT", 5, minimum=1)
# Uploads beyond Django's in-memory size are spilled here, beside the files kept for the worker.
FILE_UPLOAD_TEMP_DIR = str(REVSIGHT_HOME / "uploads" / "incoming")
(REVSIGHT_HOME / "uploads" / "incoming").mkdir(parents=True, exist_ok=True)

# The watched import folder (docs/jobs.md#the-watched-folder): exports dropped there are imported
# by the worker once they have not changed for IMPORT_WATCH_MIN_AGE seconds.
REVSIGHT_IMPORT_WATCH_DIR = env_str("IMPORT_WATCH_DIR").strip() or None
REVSIGHT_IMPORT_WATCH_MIN_AGE = env_int("IMPORT_WATCH_MIN_AGE", 30, minimum=0)

# Requests one API token may make in any 60 seconds (api/auth.py); 0 turns the limit off.
REVSIGHT_API_RATE_LIMIT = env_int("REVSIGHT_API_RATE_LIMIT", 600, minimum=0)
