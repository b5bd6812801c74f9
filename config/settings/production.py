"""Production: everything from base, hardened. Refuses to start with missing or development keys."""

import os

os.environ.setdefault("DJANGO_NO_DEV_KEYS", "1")

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import (  # noqa: E402
    BLIND_INDEX_KEY,
    BLIND_INDEX_KEY_FILE,
    FIELD_ENCRYPTION_KEYS,
    FIELD_ENCRYPTION_KEYS_FILE,
    IP_HASH_KEY,
    SECRET_KEY,
    env,
)

DEBUG = False
ALLOW_DEMO_DATA = env.bool("ALLOW_DEMO_DATA", default=False)

_problems = []
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    _problems.append("DJANGO_SECRET_KEY (at least 50 random characters)")
if not FIELD_ENCRYPTION_KEYS and not FIELD_ENCRYPTION_KEYS_FILE:
    _problems.append("FIELD_ENCRYPTION_KEYS (key_id:base64 of 32 random bytes)")
if any(key.split(":", 1)[0].startswith("dev") for key in FIELD_ENCRYPTION_KEYS):
    _problems.append("FIELD_ENCRYPTION_KEYS holds a development key")
if not BLIND_INDEX_KEY and not BLIND_INDEX_KEY_FILE:
    _problems.append("BLIND_INDEX_KEY (or BLIND_INDEX_KEY_FILE)")
if not IP_HASH_KEY:
    _problems.append("IP_HASH_KEY")
if len({SECRET_KEY, BLIND_INDEX_KEY, IP_HASH_KEY, *[k.split(":", 1)[-1] for k in FIELD_ENCRYPTION_KEYS]}) < 3 + len(
    FIELD_ENCRYPTION_KEYS
):
    _problems.append("keys must differ per purpose")
if _problems:
    raise ImproperlyConfigured("Refusing to start in production without real keys: " + ", ".join(_problems))

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=63_072_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=True) else None
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# Reminders: SMS go to the real provider (an unconfigured one fails each message visibly in the
# outbox) and never to the development console, which would print them into the logs.
REMINDERS_SMS_PROVIDER = env.str("REMINDERS_SMS_PROVIDER", default="twilio")
if REMINDERS_SMS_PROVIDER == "console":
    raise ImproperlyConfigured("REMINDERS_SMS_PROVIDER=console prints messages: not in production")
