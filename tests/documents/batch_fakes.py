"""A stand-in for `packet_for_case` in batch tests (patched where the chunks call it,
`documents.batches.packet_for_case`): stores a small sealed packet per case (under
the case's data key, as the real one does) without rendering, counts the calls per case, and can
"kill the worker" on chosen cases (a BaseException, which the chunk does not catch: its task dies
mid-chunk and the rest of the chunk never runs, as with SIGKILL)."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from django.core.files.base import ContentFile

from documents import storage
from documents.models import PacketKind, StoredPacket


class WorkerKilled(BaseException):
    """What the chunk sees of a killed worker: nothing after this point runs."""


def fake_pdf(number: str, size: int) -> bytes:
    seed = hashlib.sha256(number.encode()).digest()
    body = (seed * (size // len(seed) + 1))[:size]
    return b"%PDF-1.7\n% case " + number.encode() + b"\n" + body + b"\n%%EOF\n"


class FakeRenderer:
    def __init__(self, size: int = 3000) -> None:
        self.size = size
        self.calls: Counter[str] = Counter()
        self.kill_once: set[str] = set()
        self.kill_always: set[str] = set()

    def __call__(self, *, case: Any, by: Any, kind: str = PacketKind.CASE, **kwargs: Any) -> storage.PacketResult:
        self.calls[case.number] += 1
        if case.number in self.kill_once:
            self.kill_once.discard(case.number)
            raise WorkerKilled
        if case.number in self.kill_always:
            raise WorkerKilled
        existing = StoredPacket.objects.select_related("case").filter(case=case, kind=kind).first()
        if existing is not None:
            return storage.PacketResult(packet=existing, pdf=storage.read_stored(existing) or b"", cached=True)
        return store_packet(case=case, by=by, pdf=fake_pdf(case.number, self.size), kind=kind)


def store_packet(
    *, case: Any, by: Any, pdf: bytes, kind: str = PacketKind.CASE, template_version: str = "test"
) -> storage.PacketResult:
    """Store `pdf` as the case's packet, sealed under the case's data key as a render would."""
    packet = StoredPacket(
        kind=kind, case=case, parameters={}, slot=storage.slot_for(kind=kind, case=case, parameters={}),
        input_hash=hashlib.sha256(pdf).hexdigest(), template_version=template_version,
        sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), pages=1, created_by=by,
    )  # fmt: skip
    packet.file.save("packet", ContentFile(storage.seal_packet(packet, pdf)), save=False)
    packet.save()
    packet.cases.set([case])
    return storage.PacketResult(packet=packet, pdf=pdf, cached=False)
