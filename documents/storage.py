"""Stored packets: where a rendered PDF is kept and found again.

A packet's file is sealed (a one-case packet under its case's data key, which the purge destroys;
a docket under the field keyring) and its row keyed by the input hash (`rendering.input_hash`) and
by its document's slot (kind, case, parameters), so a newer packet of the same document replaces
the older. `produce` answers from a stored packet of the same inputs, else renders and stores one
in one short transaction (with the photos' export events and the audit entry). The deletion of a
case's packets, photo derivatives and batches (retention, lockdown) lives here too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.http import HttpRequest

from cases import datakeys
from cases.audit import audit_record
from cases.models import PACKET_EXPORT_NOTE, Case, CustodyAction, CustodyEvent
from cases.selectors import case_attachments
from cases.types import User
from core.crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from documents.models import PacketBatch, PacketKind, PhotoDerivative, StoredPacket
from documents.rendering import Rendered, input_hash, render_packet, template_version


@dataclass
class PacketResult:
    packet: StoredPacket
    pdf: bytes
    cached: bool

    @property
    def filename(self) -> str:
        return packet_filename(self.packet)


def packet_filename(packet: StoredPacket) -> str:
    if packet.kind == PacketKind.DOCKET:
        label = packet.parameters.get("date", "docket")
        room = packet.parameters.get("courtroom")
        return f"docket-{label}{'-' + room if room else ''}.pdf".replace("/", "-").replace(" ", "-")
    number = packet.case.number if packet.case is not None else "packet"
    return f"{packet.kind}-{number}.pdf"


def slot_for(*, kind: str, case: Case | None, parameters: dict[str, Any]) -> str:
    key = json.dumps({"kind": kind, "case": case.pk if case else None, "p": parameters}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


def seal_packet(packet: StoredPacket, pdf: bytes, keys: dict[str, bytes] | None = None) -> bytes:
    """A one-case packet is sealed under its case's data key (destroyed at purge, so old file
    backups of it become unreadable too); a docket spanning cases under the field keyring.
    `keys`: data keys already read (`Rendered.keys`)."""
    if packet.case_id:
        scope = datakeys.scope_for_case(packet.case)
        return datakeys.seal(scope=scope, data=pdf, context=packet.crypto_context, keys=keys)
    return encrypt_bytes(pdf, context=packet.crypto_context)


def open_packet(packet: StoredPacket, blob: bytes, keys: dict[str, bytes] | None = None) -> bytes:
    if blob.startswith(datakeys.PREFIX) and packet.case_id:
        return datakeys.unseal(
            scope=datakeys.scope_for_case(packet.case), blob=blob, context=packet.crypto_context, keys=keys
        )
    return decrypt_bytes(blob, context=packet.crypto_context)


def read_stored(packet: StoredPacket, keys: dict[str, bytes] | None = None) -> bytes | None:
    """The PDF, or None when it can no longer be read; `keys` from `cases.datakeys.keys_for`."""
    try:
        with packet.file.open("rb") as fh:
            pdf = open_packet(packet, fh.read(), keys)
    except (OSError, DecryptionError, ValueError):
        return None
    # AES-GCM has authenticated the bytes under associated data naming this packet, so they are
    # the ones stored for this row; the SHA-256 need not be recomputed on every request.
    if len(pdf) != packet.size:
        return None
    return pdf


def delete_files_on_commit(names: list[str]) -> None:
    def remove() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove)


def served_again(
    *, packet: StoredPacket, pdf: bytes, by: User, kind: str, target: Any, request: HttpRequest | None
) -> PacketResult:
    """A stored packet returned without rendering, recorded in the audit trail as `cached`."""
    audit_record(
        actor=by, action="packet.generate", target=target, request=request,
        kind=kind, sha256=packet.sha256, status="cached",
    )  # fmt: skip
    return PacketResult(packet=packet, pdf=pdf, cached=True)


UNREAD = object()  # `produce`: the caller has not read the document's stored packet


def _stored_with_inputs(
    *, kind: str, digest: str, stamp: str, slot_packet: StoredPacket | None | object
) -> tuple[StoredPacket, bytes] | None:
    """A readable stored packet of these inputs, if any (an unreadable one is deleted: the key was
    rotated away or the file lost, so it is rendered again). Its stamp is brought up to date, so
    that the next request can skip the context."""
    if slot_packet is UNREAD:
        existing = StoredPacket.objects.select_related("case").filter(kind=kind, input_hash=digest).first()
    else:
        existing = slot_packet if isinstance(slot_packet, StoredPacket) and slot_packet.input_hash == digest else None
    if existing is None:
        return None
    pdf = read_stored(existing)
    if pdf is None:
        existing.delete()
        return None
    if stamp and existing.inputs_stamp != stamp:
        StoredPacket.objects.filter(pk=existing.pk).update(inputs_stamp=stamp)
    return existing, pdf


def _store(
    *, packet: StoredPacket, rendered: Rendered, cases: list[Case], by: User, target: Any, request: HttpRequest | None
) -> None:
    """Store a rendered packet in one transaction: its sealed file and row, its links to the cases
    it holds, the older packet of the same document superseded, the export of each embedded photo
    in its chain of custody, the audit entry."""
    with transaction.atomic():
        packet.file.save("packet", ContentFile(seal_packet(packet, rendered.pdf, rendered.keys)), save=False)
        packet.save()
        StoredPacket.cases.through.objects.bulk_create(
            StoredPacket.cases.through(storedpacket=packet, case=c) for c in cases
        )
        # An older packet of the same document is superseded (its file goes with the row),
        # unless a batch delivered it: the batch's ZIP is built from it at download.
        StoredPacket.objects.filter(slot=packet.slot, batches__isnull=True).exclude(pk=packet.pk).delete()
        if rendered.embedded:
            CustodyEvent.objects.bulk_create(
                CustodyEvent(
                    evidence_id=evidence_id,
                    action=CustodyAction.EXPORTED,
                    actor=packet.created_by,
                    note=PACKET_EXPORT_NOTE,
                )
                for evidence_id in rendered.embedded
            )
        audit_record(
            actor=by,
            action="packet.generate",
            target=target,
            request=request,
            kind=packet.kind,
            sha256=packet.sha256,
            status="rendered",
        )


def produce(
    *,
    kind: str,
    case: Case | None,
    cases: list[Case],
    parameters: dict[str, Any],
    context: dict[str, Any],
    by: User,
    request: HttpRequest | None,
    audit_target: Any,
    stamp: str = "",
    slot_packet: StoredPacket | None | object = UNREAD,
) -> PacketResult:
    """The packet of this context: the stored one of the same inputs, else rendered and stored.
    `slot_packet`: the document's current stored packet (or None), when the caller has read it:
    a packet of the same inputs can only be that one, so it is compared here instead of looked up
    (a concurrent insert of the same inputs still meets the unique constraint)."""
    digest = input_hash(kind=kind, parameters=parameters, context=context)
    found = _stored_with_inputs(kind=kind, digest=digest, stamp=stamp, slot_packet=slot_packet)
    if found is not None:
        return served_again(packet=found[0], pdf=found[1], by=by, kind=kind, target=audit_target, request=request)

    rendered = render_packet(kind=kind, context=context, digest=digest, user=by, case=case)
    packet = StoredPacket(
        kind=kind,
        case=case,
        parameters=parameters,
        slot=slot_for(kind=kind, case=case, parameters=parameters),
        input_hash=digest,
        template_version=template_version(),
        inputs_stamp=stamp,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size=len(rendered.pdf),
        pages=rendered.pages,
        created_by=by if getattr(by, "pk", None) else None,
    )
    try:
        _store(packet=packet, rendered=rendered, cases=cases, by=by, target=audit_target, request=request)
    except IntegrityError:  # someone stored the same inputs a moment ago: theirs is identical in content
        if packet.file.name:
            packet.file.storage.delete(packet.file.name)
        winner = StoredPacket.objects.select_related("case").get(kind=kind, input_hash=digest)
        stored = read_stored(winner)
        if stored is None:
            raise
        return served_again(packet=winner, pdf=stored, by=by, kind=kind, target=audit_target, request=request)
    return PacketResult(packet=packet, pdf=rendered.pdf, cached=False)


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Reads that see one snapshot of the database: a read-only transaction, REPEATABLE READ on
    PostgreSQL (whose default, READ COMMITTED, gives each statement its own snapshot; SQLite's
    transactions are snapshots already). Without it a change committed between the stamp and the
    context, then undone, could leave a packet of the changed data under the stamp of the data
    before it. Inside a caller's transaction, that transaction's snapshot rules apply."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    # psycopg opens the transaction with these in its BEGIN (one round trip, not a BEGIN and a SET
    # TRANSACTION); they are put back before the connection serves anything else.
    from psycopg import IsolationLevel  # only on PostgreSQL: psycopg is not installed for SQLite alone

    connection.ensure_connection()
    pg = connection.connection
    before = pg.isolation_level, pg.read_only
    pg.isolation_level, pg.read_only = IsolationLevel.REPEATABLE_READ, True
    try:
        with transaction.atomic():
            yield
    finally:
        if not pg.closed:
            pg.isolation_level, pg.read_only = before


def slot_packet(*, kind: str, case: Case) -> StoredPacket | None:
    """The document's current stored packet (a newer one replaces the older), if any."""
    return (
        StoredPacket.objects.select_related("case").filter(slot=slot_for(kind=kind, case=case, parameters={})).first()
    )


def stored_for_stamp(packet: StoredPacket | None, stamp: str) -> tuple[StoredPacket, bytes] | None:
    """`packet` and its PDF when its inputs stamp is `stamp` and it is readable, else None
    (documents/fingerprint.py)."""
    if packet is None or not stamp or packet.inputs_stamp != stamp:
        return None
    pdf = read_stored(packet)
    return (packet, pdf) if pdf is not None else None


@transaction.atomic
def packets_delete_for_case(*, case: Case) -> int:
    """Remove every stored packet holding this case's data (its own, and dockets listing it), and
    the photo derivatives of the evidence its packets show: the case's, its complaints' and that of
    the incidents linked to it (made again on demand for a photo that stays)."""
    PhotoDerivative.objects.filter(case_attachments(case, via="evidence")).delete()
    holding = StoredPacket.objects.filter(Q(case=case) | Q(cases=case)).values("pk")
    _, per_model = StoredPacket.objects.filter(pk__in=holding).delete()
    return per_model.get(StoredPacket._meta.label, 0)


@transaction.atomic
def packets_delete_all() -> int:
    PhotoDerivative.objects.all().delete()
    _, per_model = StoredPacket.objects.all().delete()
    return per_model.get(StoredPacket._meta.label, 0)


@transaction.atomic
def batches_delete_for_case(*, case: Case) -> int:
    """A batch result holding this case's packet goes too (its other cases can be asked for again)."""
    _, per_model = PacketBatch.objects.filter(pk__in=PacketBatch.objects.filter(cases=case).values("pk")).delete()
    return per_model.get(PacketBatch._meta.label, 0)


@transaction.atomic
def batches_delete_all() -> int:
    _, per_model = PacketBatch.objects.all().delete()
    return per_model.get(PacketBatch._meta.label, 0)
