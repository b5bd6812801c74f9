"""Settings of the reminders benchmark (benchmarks/bench_reminders.py) and of the workers it
starts: the benchmark settings with the database task backend. The fake provider's URL and the
reminder timing come from the environment the benchmark sets."""

from benchmarks.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The team alerts the load data's missed deadlines raise are e-mails: none leaves the machine.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
