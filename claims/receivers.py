"""The claims app's receivers: a blurred copy's sealed file goes with its row, however the row
is deleted (a new save of the regions, the photo's or its case's deletion, the admin), and is
sealed again under its photo's new data key when a person merge moves the photo's case."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from cases import datakeys
from cases.models import Evidence
from cases.signals import evidence_resealed
from claims.models import BlurredCopy
from documents.storage import delete_files_on_commit


@receiver(post_delete, sender=BlurredCopy, dispatch_uid="claims.blurred_copy_file")
def delete_blurred_file(sender: Any, instance: BlurredCopy, **kwargs: Any) -> None:
    if instance.file and instance.file.name:
        delete_files_on_commit([instance.file.name])


@receiver(evidence_resealed, dispatch_uid="claims.blurred_copy_reseal")
def reseal_blurred_copy(sender: Any, evidence: Evidence, from_scope: str, to_scope: str, **kwargs: Any) -> None:
    copy = BlurredCopy.objects.filter(evidence_id=evidence.pk).first()
    if copy is None or not copy.file or not copy.file.name:
        return
    copy.evidence = evidence
    with copy.file.open("rb") as handle:
        blob = handle.read()
    data = datakeys.unseal(scope=from_scope, blob=blob, context=copy.crypto_context)
    with copy.file.storage.open(copy.file.name, "wb") as handle:
        handle.write(datakeys.seal(scope=to_scope, data=data, context=copy.crypto_context))
