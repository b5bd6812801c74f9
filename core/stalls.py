"""Whether a background job (a packet batch, a bulk run) is stalled: the one home of the rule.

A job records a heartbeat (`last_progress_at`) after each case. It is stalled when it is not
finished, its heartbeat is older than its timeout, and its task is not still waiting in the queue
(behind other jobs on a busy night the heartbeat is old, yet no worker was lost). django-tasks-db
has no recovery of its own: a worker killed mid-task leaves the task claimed for good, so each
job's recovery (documents/batches.py, citations/runs.py) re-enqueues what is left when this says
so. Infrastructure only: the task backend is asked through the tasks API by the result id the
job kept; no domain model is read here. The recovery commands' `--older-than` argument lives
here too (`add_older_than_argument`, `older_than_option`), so both read it the same way."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist


def waiting_in_queue(task: Task[Any, Any], result_id: str) -> bool:
    """Whether the task enqueued under `result_id` is still waiting for a worker. A backend that
    keeps no results (the immediate one runs each task inside `enqueue`) has nothing waiting; a
    result pruned from the queue's table is not waiting either."""
    if not result_id or not task.get_backend().supports_get_result:
        return False
    try:
        return task.get_result(result_id).status == TaskResultStatus.READY
    except TaskResultDoesNotExist:
        return False


def is_stalled(
    *,
    finished: bool,
    last_progress_at: datetime.datetime,
    timeout: datetime.timedelta,
    waiting: Callable[[], bool],
    now: datetime.datetime | None = None,
) -> bool:
    """Not finished, no progress for longer than `timeout`, and nothing still waiting in the queue
    (`waiting` is asked last, and only then: it is a lookup in the task backend)."""
    if finished or last_progress_at >= (now or timezone.now()) - timeout:
        return False
    return not waiting()


def add_older_than_argument(parser: CommandParser, *, default: datetime.timedelta) -> None:
    """A recovery command's `--older-than MINUTES` (stalled after that long without progress)."""
    parser.add_argument(
        "--older-than",
        type=int,
        metavar="MINUTES",
        help=f"Stalled after this many minutes without progress (default {int(default.total_seconds() // 60)}).",
    )


def older_than_option(minutes: int | None) -> datetime.timedelta | None:
    """The `--older-than` value as a delay (None: the job's own stall timeout); at least 1 minute."""
    if minutes is None:
        return None
    if minutes < 1:
        raise CommandError("--older-than is at least 1 minute.")
    return datetime.timedelta(minutes=minutes)
