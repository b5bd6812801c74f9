"""Packet batches: every case with a hearing on a date, or every case of an event, packaged as
one ZIP (one PDF per case) or one merged PDF.

`batch_create` fixes the list of cases (from the requester's scope) and queues chunk tasks on
commit. Each chunk task renders (or reuses) its cases' packets one by one, recording progress
after each; a case that fails is listed in `errors` and the others carry on. Whichever chunk
finishes the last case assembles the result, sealed at rest like stored packets. With several
`db_worker` processes the chunks run in parallel.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import case_list_visible_to
from cases.audit import audit_record
from cases.crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from cases.models import Case, Event
from citations.access import citation_list_visible_to
from documents.access import may_make_packets
from documents.models import BatchKind, BatchOutput, BatchStatus, PacketBatch, PacketKind, StoredPacket

logger = logging.getLogger(__name__)


def chunk_size() -> int:
    return max(1, int(getattr(settings, "PACKET_BATCH_CHUNK", 5)))


def _cases_for(
    *, by: Any, kind: str, hearing_date: datetime.date | None, courtroom: str, event: Event | None
) -> list[Case]:
    if kind == BatchKind.HEARING_DATE:
        if hearing_date is None:
            raise ValidationError({"hearing_date": _("A hearing date is needed.")})
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(hearing_date, datetime.time.min, tzinfo=tz)
        citations = citation_list_visible_to(user=by).filter(
            hearing_at__gte=start, hearing_at__lt=start + datetime.timedelta(days=1)
        )
        if courtroom:
            citations = citations.filter(courtroom=courtroom)
        return list(Case.objects.filter(pk__in=citations.values("case_id")).order_by("number"))
    if kind == BatchKind.EVENT:
        if event is None:
            raise ValidationError({"event": _("An event is needed.")})
        return list(case_list_visible_to(user=by).filter(event=event).order_by("number"))
    raise ValidationError({"kind": _("Unknown batch kind.")})


def batch_create(
    *,
    by: Any,
    kind: str,
    hearing_date: datetime.date | None = None,
    courtroom: str = "",
    event: Event | None = None,
    output: str = BatchOutput.ZIP,
    request: HttpRequest | None = None,
) -> PacketBatch:
    """Queue a batch over the cases the requester may see; the work starts after commit."""
    if not may_make_packets(by):
        raise ValidationError(_("Only lawyers and coordinators make packets."))
    if output not in BatchOutput.values:
        raise ValidationError({"output": _("Choose zip or pdf.")})
    cases = _cases_for(by=by, kind=kind, hearing_date=hearing_date, courtroom=courtroom, event=event)
    with transaction.atomic():
        batch = PacketBatch.objects.create(
            kind=kind,
            hearing_date=hearing_date if kind == BatchKind.HEARING_DATE else None,
            courtroom=courtroom if kind == BatchKind.HEARING_DATE else "",
            event=event if kind == BatchKind.EVENT else None,
            output=output,
            requested_by=by,
            total=len(cases),
        )
        batch.cases.set(cases)
        audit_record(
            actor=by, action="packet.batch_create", target=batch, request=request, kind=kind, count=len(cases),
            format=output,
        )  # fmt: skip
        ids = [c.pk for c in cases]
        chunks = [ids[i : i + chunk_size()] for i in range(0, len(ids), chunk_size())] or [[]]
        transaction.on_commit(lambda: _enqueue(batch.pk, chunks))
    return batch


def _enqueue(batch_id: int, chunks: list[list[int]]) -> None:
    from documents.tasks import build_packet_batch_chunk

    for chunk in chunks:
        build_packet_batch_chunk.enqueue(batch_id, chunk)


def batch_run_chunk(*, batch_id: int, case_ids: list[int]) -> None:
    """Render (or reuse) each case's packet, recording progress after each; assemble at the end."""
    from documents.services import packet_for_case

    batch = PacketBatch.objects.select_related("requested_by").filter(pk=batch_id).first()
    if batch is None:  # purged or dropped on lockdown meanwhile
        return
    PacketBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, started_at=timezone.now()
    )
    cases = {c.pk: c for c in Case.objects.filter(pk__in=case_ids).select_related("event", "demonstrator")}
    for case_id in case_ids:
        case = cases.get(case_id)
        error = ""
        packet_id = ""
        try:
            if case is None:
                raise Case.DoesNotExist
            result = packet_for_case(case=case, by=batch.requested_by, kind=PacketKind.CASE)
            packet_id = str(result.packet.public_id)
        except Exception as exc:  # one case must not sink the batch
            error = _error_code(exc)
            logger.warning("packet batch: a case failed (%s)", error)
        _record(batch_id=batch_id, case=case, packet_id=packet_id, error=error)
    _assemble_if_complete(batch_id)


def _error_code(exc: Exception) -> str:
    from django.http import Http404

    if isinstance(exc, Http404 | Case.DoesNotExist):
        return "case_not_available"
    return f"render_failed:{type(exc).__name__}"


def _record(*, batch_id: int, case: Case | None, packet_id: str, error: str) -> None:
    with transaction.atomic():
        batch = PacketBatch.objects.select_for_update().get(pk=batch_id)
        key = str(case.public_id) if case else ""
        if error:
            batch.errors = [*batch.errors, {"case": key, "number": case.number if case else "", "error": error}]
            batch.failed += 1
        else:
            batch.items = {**batch.items, key: packet_id}
        batch.done += 1
        batch.save(update_fields=["errors", "items", "failed", "done"])


def _assemble_if_complete(batch_id: int) -> None:
    with transaction.atomic():
        batch = PacketBatch.objects.select_for_update().get(pk=batch_id)
        if batch.done < batch.total or batch.finished:
            return
        # One stored packet at a time goes into the archive: a hearing day of hundreds of packets
        # holds the archive and one PDF in memory, not every PDF besides.
        buffer = io.BytesIO()
        if batch.output == BatchOutput.PDF:
            count = _merge(_packets(batch), buffer)
            name = "packets.pdf"
        else:
            count = _zip(_packets(batch), batch, buffer)
            name = "packets.zip"
        data = buffer.getvalue()
        del buffer
        if count or batch.total == 0:
            batch.result_sha256 = hashlib.sha256(data).hexdigest()
            sealed = encrypt_bytes(data, context=batch.crypto_context)
            del data
            batch.result.save(name, ContentFile(sealed), save=False)
            batch.status = BatchStatus.DONE
        else:
            batch.status = BatchStatus.FAILED
        batch.finished_at = timezone.now()
        batch.save(update_fields=["result", "result_sha256", "status", "finished_at", "errors"])
        audit_record(
            actor=batch.requested_by, action="packet.batch_done", target=batch, status=batch.status,
            count=count, errors=batch.failed, sha256=batch.result_sha256,
        )  # fmt: skip


def _packets(batch: PacketBatch) -> Iterator[tuple[str, bytes]]:
    """(file name, PDF) for each delivered case, in case-number order, read one at a time."""
    from documents.services import _read_stored

    packets = sorted(
        StoredPacket.objects.select_related("case").filter(public_id__in=list(batch.items.values())),
        key=lambda p: p.case.number,
    )
    found = {str(p.public_id) for p in packets}
    for case_key, packet_key in batch.items.items():
        if packet_key not in found:
            batch.errors = [*batch.errors, {"case": case_key, "number": "", "error": "packet_superseded"}]
    for packet in packets:
        pdf = _read_stored(packet)
        if pdf is None:
            batch.errors = [*batch.errors, {"case": str(packet.case.public_id), "number": packet.case.number,
                                            "error": "packet_unreadable"}]  # fmt: skip
            continue
        yield f"case-{packet.case.number}.pdf", pdf


def _zip(files: Iterator[tuple[str, bytes]], batch: PacketBatch, out: io.BytesIO) -> int:
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, pdf in files:
            archive.writestr(name, pdf)
            count += 1
        if batch.errors:
            lines = [f"{e['number'] or e['case']}: {e['error']}" for e in batch.errors]
            archive.writestr("FAILED.txt", "Cases whose packet could not be made:\n" + "\n".join(lines) + "\n")
    return count


def _merge(files: Iterator[tuple[str, bytes]], out: io.BytesIO) -> int:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    count = 0
    for name, pdf in files:
        writer.append(PdfReader(io.BytesIO(pdf)), outline_item=name.removesuffix(".pdf"), import_outline=False)
        count += 1
    writer.write(out)
    return count


def batch_result(*, batch: PacketBatch, by: Any, request: HttpRequest | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of a finished batch already fetched through `batch_list_visible_to`."""
    if batch.status != BatchStatus.DONE or not batch.result:
        raise PacketBatch.DoesNotExist("the batch has no result yet")
    try:
        with batch.result.open("rb") as fh:
            data = decrypt_bytes(fh.read(), context=batch.crypto_context)
    except (OSError, DecryptionError) as exc:
        raise PacketBatch.DoesNotExist("the batch result can no longer be read") from exc
    audit_record(
        actor=by, action="packet.batch_download", target=batch, request=request, sha256=batch.result_sha256,
        format=batch.output, count=batch.done - batch.failed,
    )  # fmt: skip
    extension = "pdf" if batch.output == BatchOutput.PDF else "zip"
    return f"packets-{batch.public_id.hex[:8]}.{extension}", data


def batch_progress(batch: PacketBatch) -> dict[str, Any]:
    """Status for polling: counts and per-case errors (case id, number, code), never names."""
    return {
        "id": str(batch.public_id),
        "kind": batch.kind,
        "status": batch.status,
        "output": batch.output,
        "done": batch.done,
        "total": batch.total,
        "failed": batch.failed,
        "errors": batch.errors,
        "created_at": batch.created_at.isoformat(),
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
        "result_sha256": batch.result_sha256,
    }
