"""Settings shared by every mode. Everything configurable comes from the environment.

`test.py` swaps in fast hashing and fixed keys; `production.py` only hardens and refuses
development keys. See docs/configuration.md for every variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

from config.keys import load_or_create_dev_keys

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# --- Secrets: one key per purpose. Development keys are generated into a git-ignored file.
_dev_keys = (
    None if env.bool("DJANGO_NO_DEV_KEYS", default=False) else load_or_create_dev_keys(BASE_DIR / ".dev-keys.json")
)


def _secret(name: str, dev_name: str) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if _dev_keys is None:
        return ""
    return _dev_keys[dev_name]


SECRET_KEY = _secret("DJANGO_SECRET_KEY", "secret_key")
# Field-encryption keys: comma-separated "key_id:base64(32 bytes)", newest (used to encrypt) first.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Blind-index key: base64(32 bytes), its own purpose, never rotated casually (indexes must be rebuilt).
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
# In development the field and blind-index keys are read from the development key file at each use
# (core.crypto), like the key files below, so a lockdown that shreds it leaves every process without
# them; "" when development keys are off.
DEV_KEYS_FILE = str(BASE_DIR / ".dev-keys.json") if _dev_keys is not None else ""
# Optional key files the application itself can destroy in a lockdown (docs/lockdown.md). Field keys:
# one "key_id:base64" per line, newest first, used before any FIELD_ENCRYPTION_KEYS; blind-index key:
# one line, used instead of BLIND_INDEX_KEY. Keep them on a tmpfs or an encrypted volume, mode 600.
FIELD_ENCRYPTION_KEYS_FILE = env.str("FIELD_ENCRYPTION_KEYS_FILE", default="")
BLIND_INDEX_KEY_FILE = env.str("BLIND_INDEX_KEY_FILE", default="")
# Keyed hash for client IPs in logs and the audit trail (raw IPs are never stored).
IP_HASH_KEY = _secret("IP_HASH_KEY", "ip_hash_key")
# Ed25519 private key seed, base64(32 bytes), signing the manifests of evidence exports (the public
# key is published in the app for recipients to check them, docs/claims.md). Exports are refused
# without it.
EVIDENCE_SIGNING_KEY = env.str("EVIDENCE_SIGNING_KEY", default="") or (
    _dev_keys.get("evidence_signing_key", "") if _dev_keys is not None else ""
)
DEVELOPMENT_KEYS_IN_USE = _dev_keys is not None and not env.str("DJANGO_SECRET_KEY", default="")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.admin_config.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "cases",
    "citations",
    "documents",
    "custody",
    "reminders",
    "claims",
    "api",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "web.middleware.SessionPolicyMiddleware",
    "web.middleware.MFAEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.context_processors.role",
            ],
        },
    },
]

# --- Database: embedded SQLite by default; DATABASE_URL=postgres://… in production and CI.


def database_options(db: dict) -> dict:
    """The connection options this application runs with, per engine, under any the database URL
    itself gives (`?sslmode=require`); base, test and benchmark settings all take them from here
    (docs/deployment.md)."""
    return {**_engine_options(db["ENGINE"]), **db.get("OPTIONS", {})}


def _engine_options(engine: str) -> dict:
    if engine == "django.db.backends.sqlite3":
        return {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    if engine != "django.db.backends.postgresql":
        return {}
    # No JIT compilation: it spends ~100 ms compiling the dashboard's aggregates, which then run
    # in less (docs/performance.md). Short queries are this application's whole workload.
    options = {"options": env.str("POSTGRES_OPTIONS", default="-c jit=off")}
    # Server-side prepared statements: a statement a connection has run POSTGRES_PREPARE_THRESHOLD
    # times is planned once and reused (psycopg's automatic preparation, which needs server-side
    # parameter binding). Planning was most of the database's time for a packet's two dozen short
    # statements (docs/performance.md). "off" goes back to Django's default (client-side binding,
    # nothing prepared): for PgBouncer in transaction mode older than 1.21 or without
    # max_prepared_statements.
    threshold = env.str("POSTGRES_PREPARE_THRESHOLD", default="5").strip().lower()
    if threshold in ("off", "none", ""):
        return options
    if not threshold.isdigit():
        raise ImproperlyConfigured(
            f"POSTGRES_PREPARE_THRESHOLD must be a whole number of executions or 'off', not {threshold!r}"
        )
    return {**options, "server_side_binding": True, "prepare_threshold": int(threshold)}


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"] = database_options(DATABASES["default"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Authentication
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cases.lockdown.LockdownGateBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # usernames and raw IPs are personal data; the audit trail hashes them
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail (keyed-hash IP)
AXES_VERBOSE = False
# A locked-out attempt gets the ordinary "those details did not work" answer (no oracle).
AXES_LOCKOUT_CALLABLE = "core.authn.lockout_response"
# Axes stores and locks on a keyed hash of the typed username, never the name itself.
AXES_USERNAME_CALLABLE = "core.authn.lockout_username"
# Axes stores and locks on a keyed pseudonym of the client IP, never the address itself.
AXES_CLIENT_IP_CALLABLE = "core.authn.pseudonymous_ip"
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR only).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Multi-factor authentication (django-otp): required for roles that see personal data.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["jail_support", "lawyer", "coordinator", "administrator"])
MFA_RECENT_SECONDS = env.int("MFA_RECENT_SECONDS", default=10 * 60)  # dangerous actions re-ask after this
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Legal-support tracker")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
API_PATH_PREFIX = "/api/"

# A lockdown also suspends every account raised to administrator within this many days (except
# the administrator running it): a promotion by an attacker must not survive the emergency stop.
LOCKDOWN_RECENT_ADMIN_DAYS = env.int("LOCKDOWN_RECENT_ADMIN_DAYS", default=14)

# --- E-mail: every administrator is told when an account becomes an administrator.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")

# --- Sessions and cookies
# Idle timeout for lawyers, coordinators and administrators; observers (on a phone in the street)
# and organizers (aggregates only) may have a longer one. Sessions also end SESSION_ABSOLUTE_SECONDS
# after sign-in, whatever the activity.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_IDLE_SECONDS_LOW_RISK = env.int("SESSION_IDLE_SECONDS_LOW_RISK", default=4 * 60 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: the clock restarts on each request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers (production.py turns on HTTPS-only settings)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = (
    "same-origin"  # "no-referrer" makes browsers send "Origin: null" on form posts, which CSRF refuses
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Internationalisation: English and Spanish; dates shown in the event's local time.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# How dates read in each language (the project's date styles; core.formatting.date_text).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/New_York")
USE_TZ = True

# --- Static and media. Media (evidence, packets) is private: never served by the web server.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files a browser asks for at the site's root whatever the page (favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = None  # no public URL: files go out only through permission-checked views
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=50 * 1024 * 1024)
# Photos larger than this are refused (Pillow's decompression-bomb guard is set to it as well).
EVIDENCE_MAX_IMAGE_PIXELS = env.int("EVIDENCE_MAX_IMAGE_PIXELS", default=50_000_000)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Background tasks (DEP 14). Immediate here; django-tasks-db with db_worker in production.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- REST API
REST_FRAMEWORK = {
    # Token first: its `authenticate_header` makes unauthenticated requests answer 401, not 403.
    # Session authentication enforces CSRF on every unsafe method.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("API_THROTTLE_AUTH", default="10/min"),
        "writes": env.str("API_THROTTLE_WRITES", default="120/min"),
    },
    "EXCEPTION_HANDLER": "api.exceptions.problem_exception_handler",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Protest legal-support tracker API",
    "DESCRIPTION": (
        "Every resource of the tracker under /api/v1/, scoped by role. Objects are addressed by UUID. "
        "Authenticate with `Authorization: Bearer <token>` (POST /api/v1/auth/token/) or a session "
        "(CSRF token required on writes). Errors are RFC 9457 problem details (application/problem+json). "
        "Creates accept an `Idempotency-Key` header. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.CaseStatus",
        "ComplaintStatusEnum": "cases.models.ComplaintStatus",
        "YesNoUnknownEnum": "cases.models.YesNoUnknown",
        "EvidenceKindEnum": "cases.models.EvidenceKind",
        "PacketKindEnum": "documents.models.PacketKind",
        "PacketBatchKindEnum": "documents.models.BatchKind",
        "PayerEnum": "cases.models.Payer",
        "CitationKindEnum": "citations.models.CitationKind",
        "CitationStatusEnum": "citations.models.CitationStatus",
        "DeadlineKindEnum": "citations.models.DeadlineKind",
        "DeadlineStatusEnum": "citations.models.DeadlineStatus",
        "PaymentKindEnum": "citations.models.PaymentKind",
        "CustodyStatusEnum": "cases.models.CustodyStatus",
        "BulkRunStatusEnum": "citations.models.RunStatus",
        "BulkActionEnum": "citations.models.BulkAction",
        "HotlineKindEnum": "custody.models.HotlineKind",
        "PlaceKindEnum": "custody.models.PlaceKind",
        "DecisionEnum": "citations.models.DECISIONS",
        "MassDecisionEnum": "citations.models.MASS_DECISIONS",
        "RecordHolderEnum": "claims.models.RecordHolder",
        "SentHowEnum": "claims.models.SentHow",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess_problem_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
# A list page counts its rows exactly up to this many; past it, `count` is null unless asked
# for with `?count=exact` (api/pagination.py).
API_EXACT_COUNT_UP_TO = env.int("API_EXACT_COUNT_UP_TO", default=10_000)
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24 * 7)
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
# How long an idempotent request waits for another one holding the same key before answering 409.
IDEMPOTENCY_LOCK_TIMEOUT_MS = env.int("IDEMPOTENCY_LOCK_TIMEOUT_MS", default=5000)

# --- Domain settings
ALLOW_DEMO_DATA = env.bool("ALLOW_DEMO_DATA", default=True)
SMALL_COUNT_THRESHOLD = env.int("SMALL_COUNT_THRESHOLD", default=5)
# The dashboard runs its independent aggregate queries at once on this many connections (1: one
# after another). Each dashboard request briefly holds that many extra database connections.
DASHBOARD_QUERY_THREADS = env.int("DASHBOARD_QUERY_THREADS", default=4)
# Freeze the objects alive once WeasyPrint and its fonts are loaded out of the garbage
# collector's reach (documents/pdf.py): fewer objects for each full collection to walk.
PACKET_GC_FREEZE = env.bool("PACKET_GC_FREEZE", default=True)
RETENTION_DAYS_AFTER_CLOSE = env.int("RETENTION_DAYS_AFTER_CLOSE", default=180)
# A person merge can be undone this long after it was made (custody.services.merge).
PERSON_MERGE_UNDO_DAYS = env.int("PERSON_MERGE_UNDO_DAYS", default=30)
# A bulk run (mass disposition, assignment, courtroom outcomes) with no case recorded for this
# long, and its task not waiting in the queue, is stalled; it is queued again this many times
# before what it did not reach is given up (citations/runs.py, docs/custody.md).
BULK_RUN_STALL_SECONDS = env.int("BULK_RUN_STALL_SECONDS", default=300)
BULK_RUN_RECOVERY_ATTEMPTS = env.int("BULK_RUN_RECOVERY_ATTEMPTS", default=2)
# A decided citation is kept this long after its decision even without an open appeal deadline.
APPEAL_HOLD_DAYS = env.int("APPEAL_HOLD_DAYS", default=30)
# Lost-phone rule: an observer reads back their own reports (and uploads) only this long after creating them.
OBSERVER_READBACK_HOURS = env.int("OBSERVER_READBACK_HOURS", default=24)
# The custody board flags a person still in custody this many hours after arrest ("held beyond
# expected release": a neutral flag of time alone, never a reason).
CUSTODY_ALERT_HOURS = env.int("CUSTODY_ALERT_HOURS", default=12)
DEFAULT_EVENT_TIME_ZONE = "America/New_York"

# --- Reminders to demonstrators and alerts to the team (reminders/, docs/reminders.md).
# Days before a deadline a person is reminded, unless its rule says otherwise (1: the morning before).
REMINDERS_DAYS_BEFORE = env.list("REMINDERS_DAYS_BEFORE", cast=int, default=[7, 2, 1])
REMINDERS_SEND_HOUR = env.int("REMINDERS_SEND_HOUR", default=9)  # local hour of the event's time zone
# No message to a person between these local hours (start, end): it waits for the end.
REMINDERS_QUIET_HOURS = (env.int("REMINDERS_QUIET_START", default=21), env.int("REMINDERS_QUIET_END", default=8))
REMINDERS_TEAM_PHONE = env.str("REMINDERS_TEAM_PHONE", default="")
REMINDERS_MAX_ATTEMPTS = env.int("REMINDERS_MAX_ATTEMPTS", default=5)
REMINDERS_RETRY_BASE_SECONDS = env.int("REMINDERS_RETRY_BASE_SECONDS", default=60)
REMINDERS_LOG_RETENTION_DAYS = env.int("REMINDERS_LOG_RETENTION_DAYS", default=90)
# A deadline passed unmet is alerted if it passed within this many days (not years-old history).
REMINDERS_ALERT_LOOKBACK_DAYS = env.int("REMINDERS_ALERT_LOOKBACK_DAYS", default=7)
REMINDERS_DIGEST_HOUR = env.int("REMINDERS_DIGEST_HOUR", default=7)
# The public base URL of this site, as the SMS provider calls it (its webhook signatures cover it).
REMINDERS_PUBLIC_BASE_URL = env.str("REMINDERS_PUBLIC_BASE_URL", default="")
REMINDERS_WEBHOOK_WINDOW_SECONDS = env.int("REMINDERS_WEBHOOK_WINDOW_SECONDS", default=3 * 24 * 3600)
# "console" (development: printed, nothing leaves) or "twilio" (the Messages API).
REMINDERS_SMS_PROVIDER = env.str("REMINDERS_SMS_PROVIDER", default="console")
REMINDERS_SMS_RATE_PER_SECOND = env.float("REMINDERS_SMS_RATE_PER_SECOND", default=10.0)  # all workers together
REMINDERS_SMS_TIMEOUT_SECONDS = env.float("REMINDERS_SMS_TIMEOUT_SECONDS", default=10.0)
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="https://api.twilio.com")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")

# --- Logging: a filter scrubs anything that looks like personal data; nothing logs field values.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub": {"()": "core.logging.ScrubPersonalData"},
        "client": {"()": "core.logging.ClientAddress"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s client=%(client)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub", "client"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "axes": {"level": "ERROR"},  # axes messages name usernames; lockouts are audited instead
    },
}

AUTH_USER_MODEL = "cases.User"
