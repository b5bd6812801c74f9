"""The evidence export that holds up (the Berkeley Protocol's chain-of-custody and integrity
principles): one ZIP per case or per event, streamed piece by piece so memory stays flat
whatever the number of items (`documents.batches.ZipPipe`, as the packet batches stream).

Inside: every original exactly as uploaded (`evidence/`, read through
`cases.services.evidence_open`, which checks it against its SHA-256 and logs the export in its
chain of custody), a chain-of-custody PDF per item (`custody/`, captured, uploaded, each view,
download and export, this one included; rendered only by `documents.pdf`), the witness statements
(`statements/`), the blurred copy of each photo that has one (`blurred/`, what to share: faces of
bystanders blurred, see claims.services.blur_regions_set), `manifest.csv` naming every file with its SHA-256 and size, `manifest.csv.sig`
(the raw Ed25519 signature of the manifest, `core.crypto.sign_detached`), the public key that
checks it and `VERIFY.txt` saying how. Only coordinators export (originals are theirs to
hand out); the export is audited once, each item's chain of custody records it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string

from cases.access import evidence_list_visible_to, statement_list_visible_to
from cases.audit import audit_record
from cases.models import Case, CustodyEvent, Event, Evidence, WitnessStatement
from cases.selectors import case_attachments
from cases.services import evidence_open
from cases.types import User
from claims.selectors import blurred_bytes
from core.crypto import sign_detached, signing_public_key_pem
from documents.archival import pdf_metadata
from documents.batches import ZIP_PIECE, ZipPipe

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ["path", "sha256", "bytes", "kind", "evidence id", "captured at", "uploaded at", "what"]
VERIFY = """How to check this export

manifest.csv lists every file in this archive with its SHA-256. manifest.csv.sig is the Ed25519
signature of manifest.csv made by the legal-support tracker; signing-key.pem is its public key
(compare it with the one the tracker publishes at /claims/evidence-signing-key.pem).

1. Check the signature (OpenSSL 3):
   openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin -in manifest.csv -sigfile manifest.csv.sig
2. Check every file against the manifest:
   python3 -c "import csv,hashlib;[print(r['path'], hashlib.sha256(open(r['path'],'rb').read()).hexdigest()==r['sha256']) for r in csv.DictReader(open('manifest.csv'))]"

Any change to a file, or to the manifest, makes one of these checks fail.
"""


@dataclass
class EvidenceExport:
    filename: str
    chunks: Iterator[bytes]
    items: int


def _scope(
    *, by: User, case: Case | None, event: Event | None
) -> tuple[QuerySet[Evidence], QuerySet[WitnessStatement]]:
    evidence = evidence_list_visible_to(user=by)
    statements = statement_list_visible_to(user=by)
    if case is not None:
        return evidence.filter(case_attachments(case)), statements.filter(case_attachments(case))
    where = Q(case__event=event) | Q(complaint__case__event=event) | Q(incident__event=event)
    return evidence.filter(where), statements.filter(where)


def evidence_export(
    *, by: User, case: Case | None = None, event: Event | None = None, request: HttpRequest | None = None
) -> EvidenceExport:
    """The signed ZIP of a case's (or an event's) evidence in `by`'s scope, ready to stream."""
    if (case is None) == (event is None):
        raise ValueError("export one case or one event")
    signing_public_key_pem()  # refuse before the first byte when no signing key is configured
    evidence, statements = _scope(by=by, case=case, event=event)
    ids = list(evidence.order_by("created_at", "id").values_list("pk", flat=True))
    statement_ids = list(statements.order_by("taken_at", "id").values_list("pk", flat=True))
    target: Any = case if case is not None else event
    audit_record(
        actor=by,
        action="evidence.export_zip",
        target=target,
        request=request,
        count=len(ids),
        rows=len(statement_ids),
    )
    stem = f"evidence-{'case' if case is not None else 'event'}-{target.public_id}"
    return EvidenceExport(f"{stem}.zip", _stream(by, ids, statement_ids, request), len(ids))


def _stream(by: User, ids: list[int], statement_ids: list[int], request: HttpRequest | None) -> Iterator[bytes]:
    pipe = ZipPipe()
    manifest: list[list[Any]] = []
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:

        def put(path: str, data: bytes, row: list[Any]) -> Iterator[bytes]:
            digest = hashlib.sha256()
            view = memoryview(data)
            with archive.open(path, "w") as out:
                for start in range(0, len(view), ZIP_PIECE):
                    piece = view[start : start + ZIP_PIECE]
                    digest.update(piece)
                    out.write(piece)
                    yield from pipe.drain()
            manifest.append([path, digest.hexdigest(), len(data), *row])
            yield from pipe.drain()

        for n, pk in enumerate(ids, start=1):
            # One item at a time: read, hash, write, forget (flat memory whatever the count).
            item = Evidence.objects.select_related("uploaded_by").get(pk=pk)
            opened = evidence_open(evidence=item, by=by, request=request, original=True)
            extension = opened.filename.rsplit(".", 1)[-1]
            base = f"{n:04d}-{item.public_id}"
            times = [
                item.captured_at.isoformat() if item.captured_at else "",
                item.created_at.isoformat(),
            ]
            yield from put(f"evidence/{base}.{extension}", opened.data, [item.kind, item.public_id, *times, "original"])
            del opened
            blurred = blurred_bytes(item)
            if blurred is not None:
                yield from put(
                    f"blurred/{base}.jpg", blurred, [item.kind, item.public_id, *times, "blurred copy to share"]
                )
                del blurred
            yield from put(
                f"custody/{base}.pdf", custody_pdf(item), ["custody", item.public_id, *times, "chain of custody"]
            )
        for n, pk in enumerate(statement_ids, start=1):
            statement = WitnessStatement.objects.get(pk=pk)
            yield from put(
                f"statements/{n:04d}-{statement.public_id}.txt",
                statement_text(statement).encode("utf-8"),
                ["statement", statement.public_id, statement.taken_at.isoformat(), "", "witness statement"],
            )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(manifest)
        body = out.getvalue().encode("utf-8")
        archive.writestr(MANIFEST, body)
        archive.writestr(f"{MANIFEST}.sig", sign_detached(body))
        archive.writestr("signing-key.pem", signing_public_key_pem())
        archive.writestr("VERIFY.txt", VERIFY)
        yield from pipe.drain()
    yield from pipe.drain()  # the central directory, written on close


def statement_text(statement: WitnessStatement) -> str:
    who = "Anonymous witness" if statement.anonymous else (statement.witness_name or "Witness")
    lines = [f"Witness statement {statement.public_id}", f"Witness: {who}", f"Taken: {statement.taken_at.isoformat()}"]
    if statement.witness_contact and not statement.anonymous:
        lines.append(f"Contact: {statement.witness_contact}")
    return "\n".join([*lines, "", statement.statement, ""])


def custody_pdf(item: Evidence) -> bytes:
    """One item's chain of custody as a PDF (English, like the packets), through documents.pdf."""
    from documents.pdf import render_pdf  # WeasyPrint loads only in processes that render

    log = CustodyEvent.objects.filter(evidence=item).select_related("actor").order_by("at", "id")
    html = render_to_string(
        "claims/custody_pdf.html",
        {
            **pdf_metadata(
                title=f"Chain of custody: evidence {item.public_id}",
                subject="Chain of custody of one evidence file",
                keywords="chain of custody, evidence, privileged",
                content_hash=item.sha256[:12],
            ),
            "item": item,
            "log": [
                {
                    "at": e.at.isoformat(timespec="seconds"),
                    "action": e.get_action_display(),
                    "by": e.actor.username if e.actor else "",
                    "note": e.note,
                }
                for e in log
            ],
        },
    )
    return render_pdf(html).pdf
