"""Settings for benchmarks/bench_packets.py: the benchmark settings, with batch tasks stored in
the database and run by `manage.py db_worker` processes, as in production."""

from benchmarks.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PACKET_BATCH_CHUNK = 5
