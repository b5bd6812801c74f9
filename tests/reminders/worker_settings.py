"""Settings of the real `db_worker` processes the two-worker test starts: the test settings (same
keys, same test database through DATABASE_URL) with the database task backend. The provider's
URL and credentials come from the environment (config/settings/base.py reads them)."""

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
