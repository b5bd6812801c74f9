"""The real task worker (`manage.py db_worker`), run in the test's process one task at a time.

Between tasks the worker calls `close_old_connections`, right for a long-lived process. Inside a
test's transaction that would close the test's own connection (PostgreSQL; SQLite's in-memory
database ignores it), so the call is a no-op while the worker runs here: what the worker does with
each task is what the tests look at.
"""

from __future__ import annotations

import io
from unittest import mock

from django.core.management import call_command
from django.test import TestCase


def one_worker_step(*, in_transaction: bool = True) -> None:
    """Take one task off the queue and run it. `in_transaction`: the test runs inside a transaction
    (the default `django_db`), so on-commit callbacks are run as they would be after a commit."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        if in_transaction:
            with TestCase.captureOnCommitCallbacks(execute=True):
                _run()
        else:
            _run()


def _run() -> None:
    call_command(
        "db_worker", "--batch", "--max-tasks", "1", "--no-startup-delay", "--no-reload", "--queue-name", "*",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
