"""The claims app's receivers: a blurred copy's sealed file goes with its row, however the row
is deleted (a new save of the regions, the photo's or its case's deletion, the admin)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from claims.models import BlurredCopy
from documents.storage import delete_files_on_commit


@receiver(post_delete, sender=BlurredCopy, dispatch_uid="claims.blurred_copy_file")
def delete_blurred_file(sender: Any, instance: BlurredCopy, **kwargs: Any) -> None:
    if instance.file and instance.file.name:
        delete_files_on_commit([instance.file.name])
