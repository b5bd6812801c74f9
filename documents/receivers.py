"""React to the core app's contracts: purge a case's packets, drop every packet on lockdown."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from cases.signals import case_purging, lockdown_activated
from documents.models import PacketBatch, StoredPacket


@receiver(case_purging, dispatch_uid="documents.purge_case_packets")
def purge_case_packets(sender: Any, case: Any, **kwargs: Any) -> None:
    from documents.services import batches_delete_for_case, packets_delete_for_case

    packets_delete_for_case(case=case)
    batches_delete_for_case(case=case)


@receiver(lockdown_activated, dispatch_uid="documents.drop_packets_on_lockdown")
def drop_packets_on_lockdown(sender: Any, **kwargs: Any) -> None:
    from documents.services import batches_delete_all, packets_delete_all

    packets_delete_all()
    batches_delete_all()


@receiver(post_delete, sender=StoredPacket, dispatch_uid="documents.stored_packet_file")
@receiver(post_delete, sender=PacketBatch, dispatch_uid="documents.packet_batch_file")
def delete_file_with_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Rows deleted any other way (a case cascade, the admin) take their sealed file with them."""
    from documents.services import _delete_files_on_commit

    field = instance.file if isinstance(instance, StoredPacket) else instance.result
    if field and field.name:
        _delete_files_on_commit([field.name])
