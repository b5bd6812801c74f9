"""Background work for packets (django-tasks). In development and tests the immediate backend
runs a task inside `enqueue`; in production `manage.py db_worker` processes pick them up
(see docs/packets.md). `recover_stale_batches_task` is the periodic one."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def build_packet_batch_chunk(batch_id: int, case_ids: list[int]) -> None:
    from documents.batches import batch_run_chunk

    batch_run_chunk(batch_id=batch_id, case_ids=case_ids)


@task()
def make_photo_derivative(evidence_id: int) -> None:
    """Make and store the JPEG packets embed for a newly uploaded photo (see docs/packets.md)."""
    from documents.photos import photo_derivative_ensure

    photo_derivative_ensure(evidence_id=evidence_id)


@task()
def recover_stale_batches_task() -> dict[str, Any]:
    """Take up stalled packet batches (same as `manage.py recover_packet_batches`); schedule it
    every few minutes. Returns batch ids and counts only."""
    from documents.batches import recover_stale_batches

    return recover_stale_batches().as_dict()
