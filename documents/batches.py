"""Packet batches: every case with a hearing on a date, or every case of an event, packaged as
one ZIP (one PDF per case) or one merged PDF.

`batch_create` fixes the list of cases (from the requester's scope) and queues chunk tasks on
commit. Each chunk task renders (or reuses) its cases' packets one by one, recording progress
after each (and touching `last_progress_at`, the heartbeat); a case that fails is listed in
`errors` and the others carry on. Recording is idempotent: a case already recorded is skipped,
so a chunk may run twice. With several `db_worker` processes the chunks run in parallel.

Whichever chunk records the last case finishes the batch. A ZIP batch stores no archive: each
case's packet is already stored sealed (StoredPacket), so finishing writes the manifest (one
`SHA-256  file name` line per packet, `result_sha256` is the SHA-256 of the manifest) and
`batch_download` streams the ZIP, decrypting one stored packet at a time into a ZIP written on
an unseekable stream. A merged PDF is assembled in memory (pypdf) and stored sealed, so it is
limited to `PACKET_BATCH_PDF_MAX_CASES` cases.

A worker killed mid-chunk (SIGKILL, a reboot) leaves its task unfinished for good: django-tasks-db
has no recovery of its own (a claimed task stays "running"). `recover_stale_batches` (command
`recover_packet_batches`, task `documents.tasks.recover_stale_batches_task`) takes up a batch
whose heartbeat is older than `PACKET_BATCH_STALL_SECONDS` and none of whose chunk tasks is still
waiting in the queue (behind other batches: queued, not stalled; the task backend is asked through
the tasks API by the result ids kept on the batch; the rule is `core.stalls`, shared with the bulk runs): it re-enqueues the cases not yet recorded, up
to `PACKET_BATCH_RECOVERY_ATTEMPTS` times, then finishes the batch with those cases listed as
failed (`worker_lost`) so the rest is delivered.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from cases import datakeys
from cases.access import case_list_visible_to
from cases.audit import audit_record
from cases.models import Case, Event
from cases.permissions import may
from cases.types import User
from citations.access import citation_list_visible_to
from core.crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from core.stalls import is_stalled, waiting_in_queue
from documents.models import BatchKind, BatchOutput, BatchStatus, PacketBatch, PacketKind, StoredPacket
from documents.services import packet_for_case
from documents.storage import read_stored

logger = logging.getLogger(__name__)


MANIFEST_NAME = "MANIFEST.txt"
FAILED_NAME = "FAILED.txt"
ZIP_PIECE = 256 * 1024  # a packet goes into the ZIP (and out to the client) in pieces this size
ACTIVE = (BatchStatus.QUEUED, BatchStatus.RUNNING)


def chunk_size() -> int:
    return max(1, int(getattr(settings, "PACKET_BATCH_CHUNK", 5)))


def pdf_max_cases() -> int:
    """A merged PDF is built in memory (pypdf holds every page): at most this many cases."""
    return max(1, int(getattr(settings, "PACKET_BATCH_PDF_MAX_CASES", 25)))


def stall_timeout() -> datetime.timedelta:
    """No recorded progress for this long: the batch is stalled (a packet takes about 2 s)."""
    return datetime.timedelta(seconds=max(60, int(getattr(settings, "PACKET_BATCH_STALL_SECONDS", 15 * 60))))


def recovery_attempts() -> int:
    """How often a stalled batch is re-enqueued before its remaining cases are given up."""
    return max(0, int(getattr(settings, "PACKET_BATCH_RECOVERY_ATTEMPTS", 2)))


def _cases_for(
    *, by: User, kind: str, hearing_date: datetime.date | None, courtroom: str, event: Event | None
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
    by: User,
    kind: str,
    hearing_date: datetime.date | None = None,
    courtroom: str = "",
    event: Event | None = None,
    output: str = BatchOutput.ZIP,
    request: HttpRequest | None = None,
) -> PacketBatch:
    """Queue a batch over the cases the requester may see; the work starts after commit."""
    if not may(by, "packets.create"):
        raise ValidationError(_("Only lawyers and coordinators make packets."))
    if output not in BatchOutput.values:
        raise ValidationError({"output": _("Choose zip or pdf.")})
    cases = _cases_for(by=by, kind=kind, hearing_date=hearing_date, courtroom=courtroom, event=event)
    if output == BatchOutput.PDF and len(cases) > pdf_max_cases():
        message = _(
            "A merged PDF holds at most %(limit)s cases and this batch has %(count)s: choose zip (one PDF per "
            "case), or narrow the batch (one courtroom)."
        )
        raise ValidationError({"output": message % {"limit": pdf_max_cases(), "count": len(cases)}})
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
        chunks = _chunks([c.pk for c in cases]) or [[]]
        transaction.on_commit(lambda: _enqueue(batch.pk, chunks))
    return batch


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + chunk_size()] for i in range(0, len(ids), chunk_size())]


def _enqueue(batch_id: int, chunks: list[list[int]]) -> None:
    """Queue the chunks' tasks and keep their result ids on the batch (`_waiting_for_a_worker`)."""
    ids = [str(build_packet_batch_chunk.enqueue(batch_id, chunk).id) for chunk in chunks]
    PacketBatch.objects.filter(pk=batch_id).update(task_ids=ids)


def _waiting_for_a_worker(batch: PacketBatch) -> bool:
    """Whether the batch's chunk tasks are still queued, not all taken by a worker yet: behind
    other batches on a busy hearing day the heartbeat is old, yet no worker was lost. Asked of the
    task backend (`core.stalls.waiting_in_queue`) about the last chunk task enqueued only: a
    batch's chunk tasks are queued together with one priority and workers take a queue in order
    (django-tasks-db: priority, then enqueue time), so while any of them waits the last one does.
    One lookup per batch, however many chunks (the batch list shows `stalled` for each)."""
    return waiting_in_queue(build_packet_batch_chunk, batch.task_ids[-1] if batch.task_ids else "")


def _settled(batch: PacketBatch) -> set[str]:
    """Public ids of the cases already recorded, delivered or failed."""
    return set(batch.items) | {e["case"] for e in batch.errors if e.get("case")}


DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for a transaction chosen as a deadlock victim


def _retrying(step: Any, attempts: int = 4) -> Any:
    """Run `step` (one whole transaction, safe to repeat) again when PostgreSQL picked it as the
    victim of a deadlock: several workers and app servers write audit entries (one chain head)
    beside batch rows and packets, and the database breaks a cycle by aborting one of them. (The
    cycle seen in the scale-out check, a batch's finish locking its requester's account, is gone:
    `_locked_with_requester`; this stays as a guard.)"""
    for attempt in range(attempts):
        try:
            return step()
        except OperationalError as exc:
            cause = exc.__cause__
            if getattr(cause, "sqlstate", None) != DEADLOCK or attempt == attempts - 1:
                raise
            logger.warning("packet batch: deadlock victim, retrying (attempt %d)", attempt + 2)
            time.sleep(0.05 * (attempt + 1) + (os.getpid() % 10) / 100)  # workers retry at different moments
    return None


@task()
def build_packet_batch_chunk(batch_id: int, case_ids: list[int]) -> None:
    """One chunk of a batch, run by a task worker (queued by `_enqueue`, again by the recovery).
    The task lives beside what it runs: the batch both queues and runs it."""
    batch_run_chunk(batch_id=batch_id, case_ids=case_ids)


def batch_run_chunk(*, batch_id: int, case_ids: list[int]) -> None:
    """Render (or reuse) each case's packet not yet recorded, recording progress after each;
    finish the batch when the last case is in."""
    batch = PacketBatch.objects.select_related("requested_by").filter(pk=batch_id).first()
    if batch is None or batch.finished:  # purged or dropped on lockdown meanwhile, or given up
        return
    now = timezone.now()
    PacketBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, started_at=now
    )
    PacketBatch.objects.filter(pk=batch_id, status__in=ACTIVE).update(last_progress_at=now)
    settled = _settled(batch)
    cases = {c.pk: c for c in Case.objects.filter(pk__in=case_ids).select_related("event", "demonstrator")}
    for case_id in case_ids:
        case = cases.get(case_id)
        if case is not None and str(case.public_id) in settled:
            continue  # an earlier run of this chunk (before a recovery) recorded it
        error = ""
        packet_id = ""
        try:
            if case is None:
                raise Case.DoesNotExist
            result = _retrying(partial(packet_for_case, case=case, by=batch.requested_by, kind=PacketKind.CASE))
            packet_id = str(result.packet.public_id)
        except Exception as exc:  # one case must not sink the batch
            error = _error_code(exc)
            logger.warning("packet batch: a case failed (%s)", error)
        recorded = _retrying(partial(_record, batch_id=batch_id, case=case, packet_id=packet_id, error=error))
        if recorded is None:
            return  # the batch is gone or finished
    _retrying(partial(_finish_if_complete, batch_id))


def _error_code(exc: Exception) -> str:
    if isinstance(exc, Http404 | Case.DoesNotExist):
        return "case_not_available"
    return f"render_failed:{type(exc).__name__}"


def _record(*, batch_id: int, case: Case | None, packet_id: str, error: str) -> bool | None:
    """Record one case under the batch's row lock, once: False when it was already recorded (a
    second run of a chunk), None when the batch is gone or finished."""
    with transaction.atomic():
        batch = PacketBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.finished or batch.done >= batch.total:
            return None
        key = str(case.public_id) if case else ""
        if key and key in _settled(batch):
            return False
        packet = StoredPacket.objects.filter(public_id=packet_id).first() if packet_id and not error else None
        if not error and packet is None:
            error = "packet_superseded"  # another render replaced it between its render and now
        if error or packet is None:
            batch.errors = [*batch.errors, {"case": key, "number": case.number if case else "", "error": error}]
            batch.failed += 1
        else:
            batch.items = {**batch.items, key: packet_id}
            batch.packets.add(packet)  # held: a newer render of the document no longer deletes it
        batch.done += 1
        batch.last_progress_at = timezone.now()
        batch.save(update_fields=["errors", "items", "failed", "done", "last_progress_at"])
    return True


def _locked_with_requester(batch_id: int) -> PacketBatch | None:
    """The batch row, locked, with its requester read alongside but *not* locked: a plain
    `select_for_update()` over the join would lock the requester's account row too (FOR UPDATE
    on every joined table), and each audit entry naming that account as actor takes a KEY SHARE
    lock on it for its foreign key while holding the audit chain head. Finishing a batch then
    audits, waiting for the chain head: a deadlock cycle with any transaction auditing for the
    same person (it picked app servers' incident reports as victims in the scale-out check)."""
    return (
        PacketBatch.objects.select_for_update(of=("self",)).select_related("requested_by").filter(pk=batch_id).first()
    )


def _finish_if_complete(batch_id: int) -> None:
    """Once every case is recorded: a ZIP batch gets its manifest, a PDF batch its sealed merged
    PDF. No delivered packet at all (and cases asked for): failed."""
    with transaction.atomic():
        batch = _locked_with_requester(batch_id)
        if batch is None or batch.done < batch.total or batch.finished:
            return
        packets = _delivered(batch)
        if batch.output == BatchOutput.PDF:
            count = _seal_merged(batch, packets) if packets else 0
        else:
            count = len(packets)
            batch.manifest = "".join(f"{p.sha256}  {_file_name(p)}\n" for p in packets)
            if count or batch.total == 0:
                batch.result_sha256 = hashlib.sha256(batch.manifest.encode()).hexdigest()
        batch.status = BatchStatus.DONE if count or batch.total == 0 else BatchStatus.FAILED
        batch.finished_at = timezone.now()
        batch.save(update_fields=["result", "manifest", "result_sha256", "status", "finished_at", "errors"])
        audit_record(
            actor=batch.requested_by, action="packet.batch_done", target=batch, status=batch.status,
            count=count, errors=batch.failed, sha256=batch.result_sha256,
        )  # fmt: skip


def _case(packet: StoredPacket) -> Case:
    """A batch's packet is a case packet (docket packets are never batched)."""
    if packet.case is None:
        raise ValueError(f"packet {packet.public_id} holds no case")
    return packet.case


def _file_name(packet: StoredPacket) -> str:
    return f"case-{_case(packet).number}.pdf"


def _delivered(batch: PacketBatch) -> list[StoredPacket]:
    """The stored packets of the delivered cases, in case-number order; one that is gone (deleted
    with its case's data) is listed as failed."""
    packets = sorted(
        StoredPacket.objects.select_related("case").filter(public_id__in=list(batch.items.values())),
        key=lambda p: _case(p).number,
    )
    found = {str(p.public_id) for p in packets}
    for case_key, packet_key in batch.items.items():
        if packet_key not in found:
            batch.errors = [*batch.errors, {"case": case_key, "number": "", "error": "packet_superseded"}]
    return packets


def _seal_merged(batch: PacketBatch, packets: list[StoredPacket]) -> int:
    """One merged PDF with a bookmark per case, stored sealed. In memory: `pdf_max_cases` bounds it."""
    from pypdf import PdfReader, PdfWriter  # lazy: only the merged-PDF batches need it

    writer = PdfWriter()
    count = 0
    for packet in packets:
        pdf = read_stored(packet)
        if pdf is None:
            batch.errors = [*batch.errors, _lost(packet, "packet_unreadable")]
            continue
        writer.append(PdfReader(io.BytesIO(pdf)), outline_item=f"case-{_case(packet).number}", import_outline=False)
        count += 1
    if not count:
        return 0
    buffer = io.BytesIO()
    writer.write(buffer)
    del writer
    data = buffer.getvalue()
    del buffer
    batch.result_sha256 = hashlib.sha256(data).hexdigest()
    sealed = encrypt_bytes(data, context=batch.crypto_context)
    del data
    batch.result.save("packets.pdf", ContentFile(sealed), save=False)
    return count


def _lost(packet: StoredPacket, error: str) -> dict[str, str]:
    case = _case(packet)
    return {"case": str(case.public_id), "number": case.number, "error": error}


# --- Download ----------------------------------------------------------------------------------


@dataclass
class BatchDownload:
    filename: str
    content_type: str
    chunks: Iterator[bytes]


def batch_download(*, batch: PacketBatch, by: User, request: HttpRequest | None = None) -> BatchDownload:
    """A finished batch already fetched through `batch_list_visible_to` (so the caller sees every
    case in it), audited here. ZIP: streamed, one stored packet decrypted at a time; merged PDF
    (and a ZIP made before streaming): the sealed file."""
    if batch.status != BatchStatus.DONE or not batch.result_sha256:
        raise PacketBatch.DoesNotExist("the batch has no result yet")
    extension = "pdf" if batch.output == BatchOutput.PDF else "zip"
    if batch.result:
        try:
            with batch.result.open("rb") as fh:
                data = decrypt_bytes(fh.read(), context=batch.crypto_context)
        except (OSError, DecryptionError) as exc:
            raise PacketBatch.DoesNotExist("the batch result can no longer be read") from exc
        chunks: Iterator[bytes] = iter([data])
    else:
        chunks = _zip_stream(batch, *_download_inputs(batch))
    audit_record(
        actor=by, action="packet.batch_download", target=batch, request=request, sha256=batch.result_sha256,
        format=batch.output, count=batch.done - batch.failed,
    )  # fmt: skip
    return BatchDownload(
        filename=f"packets-{batch.public_id.hex[:8]}.{extension}",
        content_type="application/pdf" if extension == "pdf" else "application/zip",
        chunks=chunks,
    )


def _manifest_entries(manifest: str) -> list[tuple[str, str]]:
    """(SHA-256, file name) per manifest line."""
    return [(line[:64], line[66:]) for line in manifest.splitlines() if len(line) > 66]


def _download_inputs(batch: PacketBatch) -> tuple[dict[str, StoredPacket], dict[str, bytes]]:
    """Everything the stream needs from the database, read before the first byte goes out (two
    queries whatever the size): the packets by SHA-256, and their cases' data keys."""
    packets = {
        p.sha256: p
        for p in StoredPacket.objects.select_related("case").filter(public_id__in=list(batch.items.values()))
    }
    keys = datakeys.keys_for(datakeys.scope_for_case(p.case) for p in packets.values() if p.case_id)
    return packets, keys


class ZipPipe:
    """A write-only, unseekable file for zipfile: what is written waits here until taken (also
    the claims app's evidence export streams through it)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass  # (zipfile leaves a file it was handed open; its protocol names close all the same)

    def drain(self) -> Iterator[bytes]:
        """What was written since the last drain, as one piece (nothing when nothing was)."""
        if self._parts:
            data = b"".join(self._parts)
            self._parts.clear()
            yield data


def _zip_stream(batch: PacketBatch, packets: dict[str, StoredPacket], keys: dict[str, bytes]) -> Iterator[bytes]:
    """MANIFEST.txt, one PDF per manifest line (decrypted one at a time, checked against its
    line), FAILED.txt when a case is missing. zipfile on an unseekable stream writes a data
    descriptor after each entry, so nothing is buffered beyond one piece of one packet. Entries
    are stored, not deflated: PDFs with photos hardly compress, and deflating 300 MB took a
    download from 2 s to 19 s."""
    pipe = ZipPipe()
    failed = list(batch.errors)
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST_NAME, batch.manifest)
        yield from pipe.drain()
        for sha256, name in _manifest_entries(batch.manifest):
            packet = packets.get(sha256)
            pdf = read_stored(packet, keys) if packet is not None else None
            if pdf is None or hashlib.sha256(pdf).hexdigest() != sha256:
                number = name.removeprefix("case-").removesuffix(".pdf")
                error = "packet_superseded" if packet is None else "packet_unreadable"
                failed.append(
                    {"case": str(_case(packet).public_id) if packet else "", "number": number, "error": error}
                )
                continue
            view = memoryview(pdf)
            with archive.open(name, "w") as out:
                for start in range(0, len(view), ZIP_PIECE):
                    out.write(view[start : start + ZIP_PIECE])
                    yield from pipe.drain()
            del view, pdf
            yield from pipe.drain()
        if failed:
            lines = [f"{e['number'] or e['case']}: {e['error']}" for e in failed]
            archive.writestr(FAILED_NAME, "Cases whose packet could not be made:\n" + "\n".join(lines) + "\n")
    yield from pipe.drain()  # the central directory, written on close


# --- Progress and recovery ---------------------------------------------------------------------


def batch_is_stalled(batch: PacketBatch, *, now: datetime.datetime | None = None) -> bool:
    """Not finished, no progress recorded for longer than the stall timeout, and no chunk task
    still waiting in the queue (that batch is queued, not stalled): `core.stalls.is_stalled`."""
    return is_stalled(
        finished=batch.finished, last_progress_at=batch.last_progress_at, timeout=stall_timeout(),
        waiting=lambda: _waiting_for_a_worker(batch), now=now,
    )  # fmt: skip


def batch_progress(batch: PacketBatch) -> dict[str, Any]:
    """Status for polling: counts and per-case errors (case id, number, code), never names."""
    return {
        "id": str(batch.public_id),
        "kind": batch.kind,
        "status": batch.status,
        "stalled": batch_is_stalled(batch),
        "output": batch.output,
        "done": batch.done,
        "total": batch.total,
        "failed": batch.failed,
        "errors": batch.errors,
        "created_at": batch.created_at.isoformat(),
        "last_progress_at": batch.last_progress_at.isoformat(),
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
        "result_sha256": batch.result_sha256,
    }


@dataclass
class RecoveryReport:
    requeued: dict[str, int] = field(default_factory=dict)  # batch public id -> cases enqueued again
    given_up: dict[str, int] = field(default_factory=dict)  # batch public id -> cases listed as failed
    finished: list[str] = field(default_factory=list)  # every case was in, only the finishing was lost
    waiting: list[str] = field(default_factory=list)  # no progress, but a chunk task is still queued: left alone

    def as_dict(self) -> dict[str, Any]:
        return {
            "requeued": self.requeued, "given_up": self.given_up, "finished": self.finished, "waiting": self.waiting,
        }  # fmt: skip


def recover_stale_batches(*, older_than: datetime.timedelta | None = None) -> RecoveryReport:
    """Take up every unfinished batch without progress for `older_than` (default the stall
    timeout): re-enqueue its cases not yet recorded, or, once the recovery attempts are spent,
    list them as failed (`worker_lost`) and finish the batch with the rest. Safe to run from
    several places at once: each batch is claimed by one conditional UPDATE."""
    cutoff = timezone.now() - (older_than if older_than is not None else stall_timeout())
    report = RecoveryReport()
    stale = PacketBatch.objects.filter(status__in=ACTIVE, last_progress_at__lt=cutoff).order_by("pk")
    for batch in list(stale.only("pk", "public_id", "task_ids")):
        batch_id = batch.pk
        try:
            if _waiting_for_a_worker(batch):  # a long queue, not a lost worker: its turn will come
                report.waiting.append(str(batch.public_id))
                continue
        except Exception:  # the queue cannot be asked: decide on the heartbeat alone, as before
            logger.warning("packet batch recovery could not ask the task queue", exc_info=True)
        try:  # each batch in its own transactions, retried as a deadlock victim like the chunks' steps
            outcome = _retrying(partial(_recover, batch_id, cutoff))
            if outcome is not None:
                _retrying(partial(_finish_if_complete, batch_id))
        except Exception:  # one batch that cannot be recovered must not keep the others stalled
            logger.warning("packet batch recovery failed for one batch", exc_info=True)
            continue
        if outcome is None:
            continue
        key, status, count = outcome
        if status == "requeued":
            report.requeued[key] = count
        elif status == "given_up":
            report.given_up[key] = count
        else:
            report.finished.append(key)
        logger.warning("packet batch stalled: %s (%s)", key, status)
    return report


def _recover(batch_id: int, cutoff: datetime.datetime) -> tuple[str, str, int] | None:
    """Claim and take up one stale batch in one transaction (safe to repeat: a rolled-back claim
    is claimed again). (batch public id, what was done, how many cases), or None when another
    recovery claimed it first."""
    with transaction.atomic():
        # The claim: of two recoveries racing, only one UPDATE matches (the other sees the fresh heartbeat).
        claimed = PacketBatch.objects.filter(pk=batch_id, status__in=ACTIVE, last_progress_at__lt=cutoff).update(
            last_progress_at=timezone.now(), recoveries=F("recoveries") + 1
        )
        if not claimed:
            return None
        batch = PacketBatch.objects.select_for_update().get(pk=batch_id)
        key = str(batch.public_id)
        settled = _settled(batch)
        pending = list(
            batch.cases.exclude(public_id__in=settled).order_by("number").values_list("pk", "public_id", "number")
        )
        pending = pending[: batch.total - batch.done]
        # Cases no longer in the batch at all (deleted): they can only be reported.
        lost = [{"case": "", "number": "", "error": "case_not_available"}] * (batch.total - batch.done - len(pending))
        give_up = batch.recoveries > recovery_attempts()
        if give_up:
            lost += [
                {"case": str(public_id), "number": number, "error": "worker_lost"} for _, public_id, number in pending
            ]
        if lost:
            batch.errors = [*batch.errors, *lost]
            batch.failed += len(lost)
            batch.done += len(lost)
            batch.save(update_fields=["errors", "failed", "done"])
        if pending and not give_up:
            chunks = _chunks([pk for pk, _, _ in pending])
            transaction.on_commit(lambda: _enqueue(batch_id, chunks))
            status, count = "requeued", len(pending)
        elif lost:
            status, count = "given_up", len(lost)
        else:
            status, count = "finishing", 0
        audit_record(
            actor=None, action="packet.batch_recover", target=batch, status=status,
            count=len(pending) if status == "requeued" else 0, errors=len(lost),
        )  # fmt: skip
    return key, status, count
