"""Background work for packets (django-tasks). In development and tests the immediate backend
runs a task inside `enqueue`; in production `manage.py db_worker` processes pick them up
(see docs/packets.md). `recover_stale_batches_task` is the periodic one. A batch's chunk task,
`build_packet_batch_chunk`, lives in documents/batches.py beside what queues and runs it."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from documents.batches import build_packet_batch_chunk, recover_stale_batches
from documents.photos import photo_derivative_ensure

# Chunk tasks queued before the task moved to documents.batches name it by this path.
__all__ = ["build_packet_batch_chunk"]


@task()
def make_photo_derivative(evidence_id: int) -> None:
    """Make and store the JPEG packets embed for a newly uploaded photo (see docs/packets.md)."""
    photo_derivative_ensure(evidence_id=evidence_id)


@task()
def recover_stale_batches_task() -> dict[str, Any]:
    """Take up stalled packet batches (same as `manage.py recover_packet_batches`); schedule it
    every few minutes. Returns batch ids and counts only."""
    return recover_stale_batches().as_dict()
