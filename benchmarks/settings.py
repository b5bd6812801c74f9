"""Benchmark settings: production-like (DEBUG off, same middleware and apps) on a benchmark
database, with fixed throwaway keys so a generated data set stays readable across runs.
The benchmark database holds invented data only; these keys protect nothing real."""

import os

os.environ.setdefault("DJANGO_NO_DEV_KEYS", "1")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import REST_FRAMEWORK, database_options, env  # noqa: E402

DEBUG = False
SECRET_KEY = "benchmark-secret-key-not-for-production-" + "b" * 20
FIELD_ENCRYPTION_KEYS = ["bench1:YmVuY2gtZmllbGQta2V5LTEtLS0tLS0tLS0tLS0tLS0="]
BLIND_INDEX_KEY = "YmVuY2gtYmxpbmQtaW5kZXgta2V5LS0tLS0tLS0tLS0="
IP_HASH_KEY = "YmVuY2gtaXAtaGFzaC1rZXktLS0tLS0tLS0tLS0tLS0="
DEVELOPMENT_KEYS_IN_USE = False
ALLOW_DEMO_DATA = True

DATABASES = {"default": env.db("BENCH_DATABASE_URL")}
DATABASES["default"]["OPTIONS"] = database_options(DATABASES["default"])  # as in production
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # benchmark accounts only
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The benchmarks send hundreds of requests a minute from one account: no rate limits here.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
