"""Background work for packets (django-tasks). In development and tests the immediate backend
runs a task inside `enqueue`; in production `manage.py db_worker` processes pick them up
(see docs/packets.md)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_packet_batch_chunk(batch_id: int, case_ids: list[int]) -> None:
    from documents.batches import batch_run_chunk

    batch_run_chunk(batch_id=batch_id, case_ids=case_ids)


@task()
def make_photo_derivative(evidence_id: int) -> None:
    """Make and store the JPEG packets embed for a newly uploaded photo (see docs/packets.md)."""
    from documents.services import photo_derivative_ensure

    photo_derivative_ensure(evidence_id=evidence_id)
