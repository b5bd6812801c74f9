"""Settings for scripts/scaleout_check.py: production's, except that static files are hashed but
not pre-compressed (WhiteNoise's brotli pass over every asset takes minutes on a 2-core machine
and proves nothing about scaling out). Everything else, keys checks included, is production."""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
