"""Test settings: fixed throwaway keys, fast hashing, in-memory mail, immediate tasks."""

import os

os.environ.setdefault("DJANGO_NO_DEV_KEYS", "1")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, database_options, env  # noqa: E402

SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 20  # noqa: S105
FIELD_ENCRYPTION_KEYS = [
    "test2:" + "dGVzdC1maWVsZC1rZXktMi0tLS0tLS0tLS0tLS0tLS0=",
    "test1:" + "dGVzdC1maWVsZC1rZXktMS0tLS0tLS0tLS0tLS0tLS0=",
]
BLIND_INDEX_KEY = "dGVzdC1ibGluZC1pbmRleC1rZXktLS0tLS0tLS0tLS0="  # noqa: S105
IP_HASH_KEY = "dGVzdC1pcC1oYXNoLWtleS0tLS0tLS0tLS0tLS0tLS0="  # noqa: S105
EVIDENCE_SIGNING_KEY = "dGVzdC1ldmlkZW5jZS1zaWduaW5nLWtleS0tLS0tLS0="  # noqa: S105
DEVELOPMENT_KEYS_IN_USE = False

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
DATABASES["default"]["OPTIONS"] = database_options(DATABASES["default"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = (
        {"NAME": str(BASE_DIR / "var" / "test.sqlite3")} if os.environ.get("TEST_SQLITE_FILE") else {}
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 - tests only
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
