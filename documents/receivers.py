"""React to the core app's contracts: purge a case's packets, drop every packet on lockdown, derive
the JPEG a packet embeds when a photo is uploaded."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from cases.signals import case_purging, evidence_added, lockdown_activated
from documents.context import is_photo
from documents.models import PacketBatch, PhotoDerivative, StoredPacket
from documents.storage import (
    batches_delete_all,
    batches_delete_for_case,
    delete_files_on_commit,
    packets_delete_all,
    packets_delete_for_case,
)
from documents.tasks import make_photo_derivative


@receiver(case_purging, dispatch_uid="documents.purge_case_packets")
def purge_case_packets(sender: Any, case: Any, **kwargs: Any) -> None:
    packets_delete_for_case(case=case)
    batches_delete_for_case(case=case)


@receiver(lockdown_activated, dispatch_uid="documents.drop_packets_on_lockdown")
def drop_packets_on_lockdown(sender: Any, **kwargs: Any) -> None:
    packets_delete_all()
    batches_delete_all()


@receiver(evidence_added, dispatch_uid="documents.derive_packet_photo")
def derive_packet_photo(sender: Any, evidence: Any, **kwargs: Any) -> None:
    """A photo's packet JPEG is made once, by a task after the upload commits, not by every render."""
    if is_photo(evidence):
        evidence_id = evidence.pk
        transaction.on_commit(lambda: make_photo_derivative.enqueue(evidence_id=evidence_id))


@receiver(post_delete, sender=StoredPacket, dispatch_uid="documents.stored_packet_file")
@receiver(post_delete, sender=PacketBatch, dispatch_uid="documents.packet_batch_file")
@receiver(post_delete, sender=PhotoDerivative, dispatch_uid="documents.photo_derivative_file")
def delete_file_with_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Rows deleted any other way (a case cascade, the admin) take their sealed file with them."""
    field = instance.result if isinstance(instance, PacketBatch) else instance.file
    if field and field.name:
        delete_files_on_commit([field.name])
