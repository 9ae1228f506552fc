"""Settings for ictplan, read from the environment with working development defaults.

Every value comes from an environment variable; nothing exists only in production.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from plans.spreadsheets.formulas import FormulaSafeCSV, FormulaSafeXLSX

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean in environment variable `name`; fail loudly on anything else."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated list in environment variable `name`."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Return the integer in environment variable `name`; fail loudly on anything else."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def client_address(request) -> str | None:
    """Return the address of the person behind TRUSTED_PROXY_COUNT proxies.

    Each proxy appends the address it saw to X-Forwarded-For, so the entry that many places
    from the right is the one our first proxy saw; anything left of it is what the client
    claimed. Without proxies, or with fewer entries than proxies, REMOTE_ADDR.
    """
    from django.conf import settings

    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "plans",
    "indicators",
    "budgets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that may query (sessions, authentication, messages, views), after the
    # header-setting ones so its 503 page still gets their security headers.
    "ictplan.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ictplan.urls"

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
                "ictplan.context_processors.assets",
            ],
        },
    },
]

WSGI_APPLICATION = "ictplan.wsgi.application"

# SQLite in the project directory by default, so a newcomer needs no server;
# PostgreSQL in production through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# django-axes refuses a login while its username and address are locked out; it must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, each within
# LOGIN_COOLOFF_MINUTES of the previous, lock that pair out for LOGIN_COOLOFF_MINUTES; another
# province's staff behind the same address keep logging in. A success clears the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout: trying again while locked out does not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind reverse proxies REMOTE_ADDR is the proxy's address, the same for everybody: set
# TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "ictplan.settings.client_address"

# A working day; the next morning starts with a fresh login.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# Password reset by e-mail exists only where mail leaves the server: with EMAIL_HOST set, or in
# development, where the message is printed on the console. A closed network without mail has
# no reset pages; an administrator sets a new password in data administration instead.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ictplan@localhost")
# The address links in notices point to, e.g. https://ictplan.example.gov.vn (no trailing slash).
PORTAL_URL = os.environ.get("PORTAL_URL", "").rstrip("/")
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_HOST) or DEBUG

# Language and formats: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ictplan" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's own vi format file lacks NUMBER_GROUPING and date input formats; ours adds them.
FORMAT_MODULE_PATH = ["ictplan.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "ictplan.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence files (indicators.EvidenceFile): never served from a public URL, only through the
# evidence download view, which checks access. The filesystem under MEDIA_ROOT by default;
# EVIDENCE_STORAGE=s3 stores them in an S3-compatible bucket (AWS S3, MinIO, Ceph, Viettel or
# VNPT object storage) through django-storages (`pip install -e '.[s3]'`). Back MEDIA_ROOT up
# with the database: the database names the files, MEDIA_ROOT holds their bytes.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
if EVIDENCE_MAX_BYTES <= 0:
    raise ImproperlyConfigured(f"EVIDENCE_MAX_BYTES must be positive, got {EVIDENCE_MAX_BYTES}")
EVIDENCE_STORAGE = (os.environ.get("EVIDENCE_STORAGE") or "filesystem").strip().lower()
if EVIDENCE_STORAGE == "s3":
    if not os.environ.get("EVIDENCE_S3_BUCKET", "").strip():
        raise ImproperlyConfigured("EVIDENCE_STORAGE=s3 needs EVIDENCE_S3_BUCKET")
    addressing_style = os.environ.get("EVIDENCE_S3_ADDRESSING_STYLE", "").strip().lower() or None
    if addressing_style not in {None, "path", "virtual", "auto"}:
        raise ImproperlyConfigured(
            f"EVIDENCE_S3_ADDRESSING_STYLE must be path, virtual or auto, got {addressing_style!r}"
        )
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["EVIDENCE_S3_BUCKET"].strip(),
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("EVIDENCE_S3_REGION") or None,
            # Without keys, boto3's own chain applies (AWS_* variables, an instance role).
            "access_key": os.environ.get("EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("EVIDENCE_S3_PREFIX", "ictplan"),
            "addressing_style": addressing_style,  # MinIO and most local stores need "path"
            "signature_version": "s3v4",
            "use_ssl": env_bool("EVIDENCE_S3_USE_SSL", True),
            # False only for a test store with a self-signed certificate; or a CA bundle path.
            "verify": os.environ.get("EVIDENCE_S3_CA_BUNDLE")
            or env_bool("EVIDENCE_S3_VERIFY", True),
            "default_acl": "private",
            "querystring_auth": True,  # no public object URL, should one ever be built
            "custom_domain": None,
            "file_overwrite": False,
        },
    }
elif EVIDENCE_STORAGE == "filesystem":
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Under MEDIA_ROOT; MEDIA_URL stays unset and no URL serves it: no public address.
    }
else:
    raise ImproperlyConfigured(
        f"EVIDENCE_STORAGE must be 'filesystem' or 's3', got {EVIDENCE_STORAGE!r}"
    )

# Production hardening, on whenever DEBUG is off; each can be relaxed from the environment
# (for example SECURE_SSL_REDIRECT=0 behind a proxy that already redirects).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Everything comes from this site; no inline script runs. Chart figures travel in json_script
# blocks (type="application/json", data, not script). Exceptions, each needed by a page:
# - style-src 'unsafe-inline': plotly.js adds <style> elements and style attributes while it
#   draws (refused without it, checked in tests/e2e/test_accounts.py); styles run no script;
# - img-src data: blob:: plotly's "download as image" draws the chart through data/blob URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Only spreadsheet formats people actually send; html and json imports are off.
IMPORT_EXPORT_FORMATS = [XLSX, CSV]
# Exports keep text that looks like a formula as text (xlsx) or behind an apostrophe (CSV).
# Not IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT: it drops a leading "=" only, changing the text,
# leaves "+", "-", "@" live in CSV, and turns every cell into text (None into "None").
EXPORT_FORMATS = [FormulaSafeXLSX, FormulaSafeCSV]


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# A leader's return comment or reopen reason is the change reason of every figure it touches:
# a text column, not simple-history's default varchar(100) that PostgreSQL refused past 100.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
