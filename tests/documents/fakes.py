"""Stored packets and finished batches without rendering, for access tests (rendering is
exercised elsewhere): a small sealed PDF-like file whose SHA-256 matches the row."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from core.crypto import encrypt_bytes
from documents.models import BatchKind, BatchStatus, PacketBatch, PacketKind, StoredPacket
from documents.storage import slot_for

FAKE_PDF = b"%PDF-1.7\n% packet stand-in for access tests\n%%EOF\n"
FAKE_BATCH_PDF = b"%PDF-1.7\n% batch packet stand-in for access tests\n%%EOF\n"


def make_stored_packet(*, case: Any, by: Any, data: bytes = FAKE_PDF) -> StoredPacket:
    packet = StoredPacket(
        kind=PacketKind.CASE, case=case, parameters={}, slot=slot_for(kind="case", case=case, parameters={}),
        input_hash=hashlib.sha256(data + str(case.pk).encode()).hexdigest(), template_version="test",
        sha256=hashlib.sha256(data).hexdigest(), size=len(data), pages=1, created_by=by,
    )  # fmt: skip
    packet.file.save("packet", ContentFile(encrypt_bytes(data, context=packet.crypto_context)), save=False)
    packet.save()
    packet.cases.set([case])
    return packet


def make_finished_batch(*, case: Any, by: Any, data: bytes = FAKE_BATCH_PDF) -> PacketBatch:
    """A finished one-case ZIP batch as the chunk tasks leave it: the case's stored packet and
    the manifest (the ZIP is streamed from them on download)."""
    same = StoredPacket.objects.filter(case=case, sha256=hashlib.sha256(data).hexdigest()).first()
    packet = same or make_stored_packet(case=case, by=by, data=data)
    manifest = f"{packet.sha256}  case-{case.number}.pdf\n"
    batch = PacketBatch.objects.create(
        kind=BatchKind.EVENT, event=case.event, requested_by=by, total=1, done=1, status=BatchStatus.DONE,
        finished_at=timezone.now(), items={str(case.public_id): str(packet.public_id)}, manifest=manifest,
        result_sha256=hashlib.sha256(manifest.encode()).hexdigest(),
    )  # fmt: skip
    batch.cases.set([case])
    return batch
