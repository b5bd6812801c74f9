"""A ZIP batch is streamed from the stored packets: no archive is stored, the download holds one
packet at a time (pieces of at most `ZIP_PIECE` go out), reads the database a fixed number of
times whatever the size, carries MANIFEST.txt whose SHA-256 is the batch's, and is audited. A
merged PDF is refused above its case limit with a message pointing to ZIP."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from cases.models import AuditEntry
from documents import batches, services, storage
from documents.batches import batch_create, batch_download
from documents.models import BatchKind, BatchOutput, BatchStatus, PacketBatch, PacketKind, StoredPacket
from tests.api.conftest import client_with_token
from tests.documents.batch_fakes import FakeRenderer, fake_pdf
from tests.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renderer(monkeypatch, settings):  # type: ignore[no-untyped-def]
    settings.PACKET_BATCH_CHUNK = 4
    fake = FakeRenderer(size=600_000)  # bigger than a piece: each packet goes out in several
    monkeypatch.setattr("documents.batches.packet_for_case", fake)
    return fake


def make_batch(lawyer: Any, count: int, name: str = "March") -> PacketBatch:
    event = EventFactory(name=name)
    for n in range(count):
        CaseFactory(event=event, lawyers=[lawyer], number=f"{name[:4]}-{n:04d}")
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = batch_create(by=lawyer, kind=BatchKind.EVENT, event=event)
    batch.refresh_from_db()
    return batch


def test_the_zip_is_streamed_one_packet_at_a_time_and_matches_its_manifest(lawyer, renderer, settings):  # type: ignore[no-untyped-def]
    batch = make_batch(lawyer, 3)
    assert batch.status == BatchStatus.DONE and not batch.result  # nothing but the manifest is stored
    assert not (Path(settings.MEDIA_ROOT) / "packet-batches").exists()
    download = batch_download(batch=batch, by=lawyer)
    pieces = list(download.chunks)
    assert (download.content_type, download.filename) == ("application/zip", f"packets-{batch.public_id.hex[:8]}.zip")
    # Three 600 KB packets go out in pieces of at most one piece plus ZIP headers: never a whole archive.
    assert len(pieces) > 3 * 2
    assert max(len(p) for p in pieces) <= batches.ZIP_PIECE + 1024
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    manifest = archive.read("MANIFEST.txt")
    assert hashlib.sha256(manifest).hexdigest() == batch.result_sha256
    numbers = sorted(batch.cases.values_list("number", flat=True))
    assert manifest.decode() == "".join(
        f"{hashlib.sha256(fake_pdf(n, 600_000)).hexdigest()}  case-{n}.pdf\n" for n in numbers
    )
    for number in numbers:
        assert archive.read(f"case-{number}.pdf") == fake_pdf(number, 600_000)
    entry = AuditEntry.objects.get(action="packet.batch_download")
    assert (entry.actor, entry.target_id, entry.details["sha256"], entry.details["count"]) == (
        lawyer, str(batch.public_id), batch.result_sha256, 3,
    )  # fmt: skip


def test_the_download_reads_the_database_the_same_number_of_times_for_2_or_12_packets(lawyer, renderer):  # type: ignore[no-untyped-def]
    renderer.size = 2000
    small, large = make_batch(lawyer, 2, "Small"), make_batch(lawyer, 12, "Large")
    client = client_with_token(lawyer)
    counts = []
    b"".join(client.get(f"/api/v1/packets/{small.public_id}/download/").streaming_content)  # warm (token, caches)
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/packets/{batch.public_id}/download/")
            body = b"".join(response.streaming_content)
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        assert response["Cache-Control"] == "private, no-store" and "attachment" in response["Content-Disposition"]
        assert len([n for n in zipfile.ZipFile(io.BytesIO(body)).namelist() if n.endswith(".pdf")]) == batch.total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_packet_gone_after_the_batch_is_listed_not_swapped(lawyer, renderer):  # type: ignore[no-untyped-def]
    renderer.size = 2000
    batch = make_batch(lawyer, 3)
    gone = batch.cases.order_by("number").first()
    StoredPacket.objects.filter(case=gone).delete()  # deleted with its case's data, say
    archive = zipfile.ZipFile(io.BytesIO(b"".join(batch_download(batch=batch, by=lawyer).chunks)))
    assert f"case-{gone.number}.pdf" not in archive.namelist()
    assert f"case-{gone.number}.pdf" in archive.read("MANIFEST.txt").decode()  # the manifest is as made
    assert f"{gone.number}: packet_superseded" in archive.read("FAILED.txt").decode()
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 2


def test_a_newer_render_of_a_delivered_packet_does_not_take_it_from_the_batch(lawyer, renderer, monkeypatch):  # type: ignore[no-untyped-def]
    """Another request renders the same document afresh (another user, or the case changed): the
    newer packet becomes the document's current one, and the batch keeps delivering its own."""
    renderer.size = 2000
    batch = make_batch(lawyer, 2)
    held = batch.cases.order_by("number").first()
    delivered = StoredPacket.objects.get(case=held)
    assert set(batch.packets.all()) == set(StoredPacket.objects.all())
    monkeypatch.undo()  # the real packet_for_case from here on: a real render, stored in the same slot
    newer = services.packet_for_case(case=held, by=lawyer)
    assert newer.cached is False and newer.packet.slot == delivered.slot
    assert storage.slot_packet(kind=PacketKind.CASE, case=held) == newer.packet
    assert StoredPacket.objects.filter(pk=delivered.pk).exists()
    archive = zipfile.ZipFile(io.BytesIO(b"".join(batch_download(batch=batch, by=lawyer).chunks)))
    assert archive.read(f"case-{held.number}.pdf") == fake_pdf(held.number, 2000)
    assert "FAILED.txt" not in archive.namelist()
    # Once the batch is gone, the next render of the document supersedes the old packet as before.
    batch.delete()
    StoredPacket.objects.filter(pk=newer.packet.pk).delete()
    services.packet_for_case(case=held, by=lawyer)
    assert not StoredPacket.objects.filter(pk=delivered.pk).exists()


def test_a_packet_whose_case_key_was_destroyed_is_listed_as_unreadable(lawyer, renderer):  # type: ignore[no-untyped-def]
    from cases import datakeys

    renderer.size = 2000
    batch = make_batch(lawyer, 2)
    lost = batch.cases.order_by("number").last()
    datakeys.datakey_destroy(scope=datakeys.scope_for_case(lost))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(batch_download(batch=batch, by=lawyer).chunks)))
    assert f"{lost.number}: packet_unreadable" in archive.read("FAILED.txt").decode()
    assert [n for n in archive.namelist() if n.endswith(".pdf")] == [
        f"case-{batch.cases.order_by('number').first().number}.pdf"
    ]


def test_a_merged_pdf_above_the_limit_is_refused_with_a_pointer_to_zip(lawyer, settings, client_for):  # type: ignore[no-untyped-def]
    settings.PACKET_BATCH_PDF_MAX_CASES = 2
    event = EventFactory(name="Big march")
    for n in range(3):
        CaseFactory(event=event, lawyers=[lawyer], number=f"2097-{n:04d}")
    api = client_with_token(lawyer).post(
        "/api/v1/packets/", {"kind": "event", "event": str(event.public_id), "output": "pdf"}, format="json"
    )
    assert api.status_code == 400
    assert "at most 2 cases" in api.content.decode() and "choose zip" in api.content.decode()
    web = client_for(lawyer).post(
        "/documents/batches/", {"kind": "event", "event": str(event.public_id), "output": "pdf"}
    )
    assert web.status_code == 400 and b"choose zip" in web.content
    assert not PacketBatch.objects.exists()


def test_a_merged_pdf_within_the_limit_is_stored_sealed_and_served_whole(lawyer, monkeypatch):  # type: ignore[no-untyped-def]
    from tests.documents.fakes import make_stored_packet

    made: dict[str, StoredPacket] = {}

    def stored(*, case: Any, by: Any, **kwargs: Any) -> Any:
        from pypdf import PdfWriter

        from documents.storage import PacketResult

        writer, out = PdfWriter(), io.BytesIO()
        writer.add_blank_page(width=200, height=200)
        writer.write(out)
        made[case.number] = make_stored_packet(case=case, by=by, data=out.getvalue() + case.number.encode())
        return PacketResult(packet=made[case.number], pdf=out.getvalue(), cached=False)

    monkeypatch.setattr("documents.batches.packet_for_case", stored)
    event = EventFactory(name="Vigil")
    for n in range(2):
        CaseFactory(event=event, lawyers=[lawyer], number=f"2096-{n:04d}")
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = batch_create(by=lawyer, kind=BatchKind.EVENT, event=event, output=BatchOutput.PDF)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.result and not batch.manifest
    data = b"".join(batch_download(batch=batch, by=lawyer).chunks)
    assert hashlib.sha256(data).hexdigest() == batch.result_sha256
    from pypdf import PdfReader

    assert [item.title for item in PdfReader(io.BytesIO(data)).outline] == ["case-2096-0000", "case-2096-0001"]


def test_a_case_is_recorded_once_and_only_with_a_packet_that_still_exists(lawyer, renderer):  # type: ignore[no-untyped-def]
    import uuid

    from tests.documents.batch_fakes import store_packet

    event = EventFactory(name="Recorded once")
    first, second = (CaseFactory(event=event, lawyers=[lawyer], number=f"REC-{n}") for n in range(2))
    batch = PacketBatch.objects.create(
        kind=BatchKind.EVENT, event=event, requested_by=lawyer, status=BatchStatus.RUNNING, total=2
    )
    packet = store_packet(case=first, by=lawyer, pdf=fake_pdf(first.number, 100)).packet
    record = batches._record
    assert record(batch_id=batch.pk, case=first, packet_id=str(packet.public_id), error="") is True
    assert record(batch_id=batch.pk, case=first, packet_id=str(packet.public_id), error="") is False
    batch.refresh_from_db()
    assert (batch.done, batch.items, list(batch.packets.all())) == (
        1,
        {str(first.public_id): str(packet.public_id)},
        [packet],
    )
    # A packet replaced between its render and its recording is reported, not linked.
    assert record(batch_id=batch.pk, case=second, packet_id=str(uuid.uuid4()), error="") is True
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (2, 1)
    assert batch.errors == [{"case": str(second.public_id), "number": second.number, "error": "packet_superseded"}]
