"""Packets: build the context, reuse a stored PDF when every input is unchanged, else render.

Views, the API and batch tasks call these functions; they check the caller's scope themselves
(`cases.access`), so a task running for a user can never package a case that user cannot see.

The input hash covers the whole context (every value the template shows, evidence hashes
included), the packet kind and parameters, and the template version (a digest of the packet
templates and stylesheet). Building the context is a handful of queries and no rendering, so a
repeat request costs a few milliseconds; any change to the case, its citations, incidents,
statements or evidence changes the context and so the hash, and the next request renders afresh.

Rendering happens outside any transaction (about a second per packet) so workers do not hold
database locks while WeasyPrint runs; storing the result is one short transaction.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from cases.access import case_for, complaint_list_visible_to, evidence_list_visible_to, get_visible_or_404
from cases.audit import audit_record
from cases.models import (
    PACKET_EXPORT_NOTE,
    Case,
    CustodyAction,
    CustodyEvent,
    Evidence,
    ExcessiveForceComplaint,
)
from cases.selectors import case_attachments
from cases.services import evidence_bytes_for_render
from citations.models import Citation
from core.crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from documents import context as ctx
from documents.archival import RENDERER_VERSION
from documents.assets import STYLE_FILES, image_url
from documents.fingerprint import case_inputs_stamp
from documents.models import PacketKind, PhotoDerivative, StoredPacket

logger = logging.getLogger(__name__)

TEMPLATES = {
    PacketKind.CASE: "documents/case_packet.html",
    PacketKind.COMPLAINT: "documents/complaint_packet.html",
    PacketKind.PLEA: "documents/plea_letter.html",
    PacketKind.DOCKET: "documents/docket.html",
}
# A free-text value longer than this is shown up to here and embedded whole as a text file
# (PDF/A-3 allows it): WeasyPrint lays out about five pages a second, so a hostile 1 MB field
# would hold a worker for minutes and bury the packet under 200 pages, while the lawyer still
# gets every character.
INLINE_TEXT_LIMIT = 20_000
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 1600
PHOTO_MIN_SIDE = 1200
PHOTO_AS_IS_SIDE = 2400
PHOTO_JPEG_QUALITY = 82


class ConfirmationRequired(ValidationError):
    """A complaint packet for a client with open matters needs a lawyer's explicit confirmation."""


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
    number = packet.case.number if packet.case_id else "packet"
    return f"{packet.kind}-{number}.pdf"


@lru_cache(maxsize=1)
def template_version() -> str:
    """Digest of every packet template, the stylesheet and the renderer settings."""
    from django.template.loader import get_template

    digest = hashlib.sha256(RENDERER_VERSION.encode())
    digest.update(STYLE_FILES["css/packet.css"].read_bytes())
    names = sorted(
        {*TEMPLATES.values()}
        | {
            "documents/base.html",
            "documents/_deadlines.html",
            "documents/_evidence.html",
            "documents/_statements.html",
            "documents/_officers.html",
            "documents/_incident.html",
        }
    )
    for name in names:
        origin = get_template(name).origin
        digest.update(name.encode())
        with open(origin.name, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()[:32]


def input_hash(*, kind: str, parameters: dict[str, Any], context: dict[str, Any]) -> str:
    payload = json.dumps(
        {"kind": kind, "parameters": parameters, "context": context, "template": template_version()},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def slot_for(*, kind: str, case: Case | None, parameters: dict[str, Any]) -> str:
    key = json.dumps({"kind": kind, "case": case.pk if case else None, "p": parameters}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


# --- Photos -----------------------------------------------------------------------------------


def jpeg_derivative(data: bytes, *, stripped: bool = False) -> bytes:
    """The JPEG to embed for a photo. JPEG costs WeasyPrint nothing to embed; PNG is re-encoded
    on every render (about a quarter of a packet's time).

    A metadata-free copy (`stripped`, made at upload) that is already an RGB or grey JPEG of at
    most PHOTO_AS_IS_SIDE pixels a side is embedded as it is. Anything else is decoded (JPEG at a
    reduced DCT scale where possible) and re-encoded with a long side of at most PHOTO_MAX_SIDE
    pixels (between PHOTO_MIN_SIDE and PHOTO_MAX_SIDE for large photos), which also drops any EXIF
    or GPS data."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
    with Image.open(io.BytesIO(data)) as image:
        if stripped and image.format == "JPEG" and image.mode in ("RGB", "L") and max(image.size) <= PHOTO_AS_IS_SIDE:
            return data
        if image.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale (much cheaper) while the long side stays >= PHOTO_MIN_SIDE.
            scale = 1
            while scale < 8 and max(image.size) // (scale * 2) >= PHOTO_MIN_SIDE:
                scale *= 2
            if scale > 1:
                image.draft("RGB", (image.size[0] // scale, image.size[1] // scale))
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), resample=Image.Resampling.BICUBIC, reducing_gap=3.0)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=PHOTO_JPEG_QUALITY)
        return out.getvalue()


# What a stored derivative was made with: a different recipe makes it again.
PHOTO_RECIPE = f"jpeg/{PHOTO_MAX_SIDE}/{PHOTO_MIN_SIDE}/{PHOTO_AS_IS_SIDE}/q{PHOTO_JPEG_QUALITY}"


def photo_derivative_make(*, evidence: Evidence) -> bytes:
    """Make the JPEG packets embed for a photo, store it sealed under the photo's data key (a
    `PhotoDerivative`, replacing any made with another recipe) and return it. Nothing is logged
    in the chain of custody: the packet that embeds it records the export."""
    from cases import datakeys

    stripped = bool(evidence.served_file) and evidence.metadata_stripped
    data = jpeg_derivative(evidence_bytes_for_render(evidence=evidence), stripped=stripped)
    derivative = PhotoDerivative(evidence=evidence, source_sha256=evidence.sha256, recipe=PHOTO_RECIPE, size=len(data))
    sealed = datakeys.seal(scope=datakeys.scope_of_evidence(evidence), data=data, context=derivative.crypto_context)
    derivative.file.save("derivative", ContentFile(sealed), save=False)
    stored = False
    try:
        with transaction.atomic():
            derivative.save()
            PhotoDerivative.objects.filter(evidence=evidence).exclude(pk=derivative.pk).delete()
        stored = True
    except IntegrityError:  # made a moment ago by another worker: the same bytes
        pass
    finally:
        if not stored:
            derivative.file.storage.delete(derivative.file.name)
    return data


def photo_derivative_ensure(*, evidence_id: int) -> None:
    """The upload task: make a photo's derivative unless it exists (or the photo is gone)."""
    from documents.context import is_photo

    evidence = Evidence.objects.select_related("case", "complaint__case", "incident").filter(pk=evidence_id).first()
    if evidence is None or not is_photo(evidence):
        return
    if PhotoDerivative.objects.filter(evidence=evidence, source_sha256=evidence.sha256, recipe=PHOTO_RECIPE).exists():
        return
    try:
        photo_derivative_make(evidence=evidence)
    except Exception:  # the first packet that needs it tries again (and lists the photo if it fails too)
        logger.warning("a photo derivative could not be made", exc_info=False)


def _photo_for(evidence: Evidence, stored: PhotoDerivative | None, keys: dict[str, bytes] | None = None) -> bytes:
    """The JPEG to embed: the stored derivative (of this photo's bytes, current recipe: as
    `_images_with_ids` selects it), unsealed; made (and stored) when there is none or it cannot
    be read. `keys` (from `cases.datakeys.keys_for`) saves the key lookup."""
    from cases import datakeys

    if stored is not None:
        try:
            with stored.file.open("rb") as fh:
                blob = fh.read()
            return datakeys.unseal(
                scope=datakeys.scope_of_evidence(evidence), blob=blob, context=stored.crypto_context, keys=keys
            )
        except (OSError, DecryptionError):
            stored.delete()  # unreadable (file lost): made again below
    return photo_derivative_make(evidence=evidence)


@dataclass
class LoadedImages:
    """What `_images_with_ids` read: the JPEGs by image key, the evidence row id of each, and the
    data keys it loaded (by scope), which the caller may reuse to seal the packet."""

    images: dict[str, bytes]
    ids: dict[str, int]
    keys: dict[str, bytes]


# What `_photo_for` and `cases.datakeys.scope_of_evidence` read of a photo and its derivative: the
# rest (descriptions, incident narratives) is neither decrypted nor loaded. A photo whose
# derivative has to be made again loads the rest of its row then.
_EVIDENCE_FOR_PHOTO = (
    "id", "public_id", "sha256", "case_id", "complaint_id", "incident_id",
    "case__public_id", "complaint__case__public_id", "incident__public_id",
)  # fmt: skip


def _load_images(context: dict[str, Any], user: Any) -> dict[str, bytes]:
    return _images_with_ids(context, user).images


def _images_with_ids(context: dict[str, Any], user: Any, *, also_scope: str = "") -> LoadedImages:
    """The JPEGs to embed for the context's image keys, of the photos the user may see (the scope
    is applied again here: the keys are only strings). Stored derivatives are read in one query
    with their photos; a photo without a usable one is read apart and its derivative made.
    `also_scope`: a data key to load with the photos' (the packet's own, to seal it)."""
    from cases import datakeys

    wanted = {_uuid(k) for k in context.get("images", [])}
    if not wanted:
        return LoadedImages({}, {}, {})
    visible = evidence_list_visible_to(user=user).filter(public_id__in=wanted)
    stored = list(
        PhotoDerivative.objects.filter(
            evidence__in=visible.values("pk"), recipe=PHOTO_RECIPE, source_sha256=F("evidence__sha256")
        )
        .select_related("evidence__case", "evidence__complaint__case", "evidence__incident")
        .only(
            "id",
            "public_id",
            "evidence_id",
            "source_sha256",
            "recipe",
            "file",
            *(f"evidence__{f}" for f in _EVIDENCE_FOR_PHOTO),
        )
    )
    rows = [(d.evidence, d) for d in stored]
    missing = wanted - {str(e.public_id) for e, _ in rows}
    if missing:
        rows += [
            (e, None)
            for e in visible.filter(public_id__in=missing).select_related("case", "complaint__case", "incident")
        ]
    scopes = {datakeys.scope_of_evidence(e) for e, _ in rows}
    keys = datakeys.keys_for(scopes | ({also_scope} if also_scope else set()))
    loaded = LoadedImages({}, {}, keys)
    for evidence, derivative in rows:
        try:
            loaded.images[evidence.public_id.hex] = _photo_for(evidence, derivative, keys)
            loaded.ids[evidence.public_id.hex] = evidence.pk
        except Exception:  # an unreadable photo is listed in the index, not embedded
            logger.warning("evidence photo could not be embedded in a packet", exc_info=False)
    return loaded


def _uuid(hex_key: str) -> str:
    import uuid

    return str(uuid.UUID(hex=hex_key))


# --- Rendering and storage --------------------------------------------------------------------


def render_packet_html(*, kind: str, context: dict[str, Any], digest: str, images: set[str] | None = None) -> str:
    """The final HTML for a packet: the template filled with the context and render metadata."""
    now = timezone.now()
    tz = timezone.get_current_timezone()
    local = now.astimezone(tz)
    lawyers = context.get("case", {}).get("lawyers", [])
    available = set(context.get("images", [])) if images is None else images
    evidence = [
        {
            **e,
            "image_key": e["image_key"] if e.get("image_key") in available else "",
            "image_src": image_url(e["image_key"]),
        }
        for e in context.get("evidence", [])
    ]
    page = {
        **context,
        "evidence": evidence,
        "author": ", ".join(lawyers) or "Legal support team",
        "keywords": f"{kind} packet, privileged, attorney work product",
        "generated_at": local.strftime("%Y-%m-%d %H:%M %Z"),
        "generated_date": local.strftime("%B %-d, %Y"),
        "generated_iso": local.isoformat(timespec="seconds"),
        "content_hash": digest[:12],
        "input_hash": digest,
    }
    return render_to_string(TEMPLATES[PacketKind(kind)], page)


def split_long_texts(value: Any, path: tuple[str, ...] = ()) -> tuple[Any, list[tuple[str, bytes, str]]]:
    """Cut every string longer than INLINE_TEXT_LIMIT, pointing to an attachment holding it whole."""
    if isinstance(value, str):
        if len(value) <= INLINE_TEXT_LIMIT:
            return value, []
        data = value.encode("utf-8")
        name = "-".join(p for p in path if p) + ".txt"
        digest = hashlib.sha256(data).hexdigest()
        head = value[:INLINE_TEXT_LIMIT]
        note = (
            f"\n[Continued: the full text ({len(value)} characters, SHA-256 {digest}) is attached to this PDF "
            f"as {name}.]"
        )
        return head + note, [(name, data, f"Full text of {' '.join(path)}")]
    if isinstance(value, dict):
        out, files = {}, []
        for key, item in value.items():
            out[key], more = split_long_texts(item, (*path, str(key)))
            files.extend(more)
        return out, files
    if isinstance(value, list):
        items, files = [], []
        for index, item in enumerate(value, start=1):
            new, more = split_long_texts(item, (*path, str(index)))
            items.append(new)
            files.extend(more)
        return items, files
    return value, []


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    embedded: list[int]  # the evidence ids of the photos in it
    keys: dict[str, bytes]  # data keys read for its photos (and its case's), by scope


def _render(*, kind: str, context: dict[str, Any], digest: str, user: Any, case: Case | None = None) -> Rendered:
    """The PDF of a packet (of `case`, if it is one case's)."""
    from cases import datakeys
    from documents.pdf import render_pdf  # WeasyPrint loads only in processes that render

    loaded = _images_with_ids(context, user, also_scope=datakeys.scope_for_case(case) if case else "")
    shown, attachments = split_long_texts(context)
    html = render_packet_html(kind=kind, context=shown, digest=digest, images=set(loaded.images))
    result = render_pdf(html, images=loaded.images, attachments=attachments)
    return Rendered(result.pdf, result.pages, sorted(loaded.ids.values()), loaded.keys)


def _seal_packet(packet: StoredPacket, pdf: bytes, keys: dict[str, bytes] | None = None) -> bytes:
    """A one-case packet is sealed under its case's data key (destroyed at purge, so old file
    backups of it become unreadable too); a docket spanning cases under the field keyring.
    `keys`: data keys already read (`Rendered.keys`)."""
    from cases import datakeys

    if packet.case_id:
        scope = datakeys.scope_for_case(packet.case)
        return datakeys.seal(scope=scope, data=pdf, context=packet.crypto_context, keys=keys)
    return encrypt_bytes(pdf, context=packet.crypto_context)


def _open_packet(packet: StoredPacket, blob: bytes, keys: dict[str, bytes] | None = None) -> bytes:
    from cases import datakeys

    if blob.startswith(datakeys.PREFIX) and packet.case_id:
        return datakeys.unseal(
            scope=datakeys.scope_for_case(packet.case), blob=blob, context=packet.crypto_context, keys=keys
        )
    return decrypt_bytes(blob, context=packet.crypto_context)


def _read_stored(packet: StoredPacket, keys: dict[str, bytes] | None = None) -> bytes | None:
    """The PDF, or None when it can no longer be read; `keys` from `cases.datakeys.keys_for`."""
    try:
        with packet.file.open("rb") as fh:
            pdf = _open_packet(packet, fh.read(), keys)
    except (OSError, DecryptionError, ValueError):
        return None
    # AES-GCM has authenticated the bytes under associated data naming this packet, so they are
    # the ones stored for this row; the SHA-256 need not be recomputed on every request.
    if len(pdf) != packet.size:
        return None
    return pdf


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def remove() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove)


def _served_again(
    *, packet: StoredPacket, pdf: bytes, by: Any, kind: str, target: Any, request: HttpRequest | None
) -> PacketResult:
    """A stored packet returned without rendering, recorded in the audit trail as `cached`."""
    audit_record(
        actor=by, action="packet.generate", target=target, request=request,
        kind=kind, sha256=packet.sha256, status="cached",
    )  # fmt: skip
    return PacketResult(packet=packet, pdf=pdf, cached=True)


UNREAD = object()  # `_produce`: the caller has not read the document's stored packet


def _produce(
    *,
    kind: str,
    case: Case | None,
    cases: list[Case],
    parameters: dict[str, Any],
    context: dict[str, Any],
    by: Any,
    request: HttpRequest | None,
    audit_target: Any,
    stamp: str = "",
    slot_packet: StoredPacket | None | object = UNREAD,
) -> PacketResult:
    """`slot_packet`: the document's current stored packet (or None), when the caller has read it:
    a packet of the same inputs can only be that one, so it is compared here instead of looked up
    (a concurrent insert of the same inputs still meets the unique constraint below)."""
    digest = input_hash(kind=kind, parameters=parameters, context=context)
    if slot_packet is UNREAD:
        existing = StoredPacket.objects.select_related("case").filter(kind=kind, input_hash=digest).first()
    else:
        existing = slot_packet if isinstance(slot_packet, StoredPacket) and slot_packet.input_hash == digest else None
    if existing is not None:
        pdf = _read_stored(existing)
        if pdf is not None:
            if stamp and existing.inputs_stamp != stamp:  # the next request can skip the context
                StoredPacket.objects.filter(pk=existing.pk).update(inputs_stamp=stamp)
            return _served_again(packet=existing, pdf=pdf, by=by, kind=kind, target=audit_target, request=request)
        existing.delete()  # unreadable (key rotated away, file lost): render again

    rendered = _render(kind=kind, context=context, digest=digest, user=by, case=case)
    pdf, embedded = rendered.pdf, rendered.embedded
    sha = hashlib.sha256(pdf).hexdigest()
    packet = StoredPacket(
        kind=kind,
        case=case,
        parameters=parameters,
        slot=slot_for(kind=kind, case=case, parameters=parameters),
        input_hash=digest,
        template_version=template_version(),
        inputs_stamp=stamp,
        sha256=sha,
        size=len(pdf),
        pages=rendered.pages,
        created_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            packet.file.save("packet", ContentFile(_seal_packet(packet, pdf, rendered.keys)), save=False)
            packet.save()
            StoredPacket.cases.through.objects.bulk_create(
                StoredPacket.cases.through(storedpacket=packet, case=c) for c in cases
            )
            # An older packet of the same document is superseded (its file goes with the row),
            # unless a batch delivered it: the batch's ZIP is built from it at download.
            StoredPacket.objects.filter(slot=packet.slot, batches__isnull=True).exclude(pk=packet.pk).delete()
            if embedded:
                CustodyEvent.objects.bulk_create(
                    CustodyEvent(
                        evidence_id=evidence_id,
                        action=CustodyAction.EXPORTED,
                        actor=packet.created_by,
                        note=PACKET_EXPORT_NOTE,
                    )
                    for evidence_id in embedded
                )
            audit_record(
                actor=by, action="packet.generate", target=audit_target, request=request,
                kind=kind, sha256=sha, status="rendered",
            )  # fmt: skip
    except IntegrityError:  # someone stored the same inputs a moment ago: theirs is identical in content
        if packet.file.name:
            packet.file.storage.delete(packet.file.name)
        winner = StoredPacket.objects.select_related("case").get(kind=kind, input_hash=digest)
        stored = _read_stored(winner)
        if stored is None:
            raise
        return _served_again(packet=winner, pdf=stored, by=by, kind=kind, target=audit_target, request=request)
    return PacketResult(packet=packet, pdf=pdf, cached=False)


@contextmanager
def _one_snapshot() -> Iterator[None]:
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
    from psycopg import IsolationLevel

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


def _slot_packet(*, kind: str, case: Case) -> StoredPacket | None:
    """The document's current stored packet (a newer one replaces the older), if any."""
    return (
        StoredPacket.objects.select_related("case").filter(slot=slot_for(kind=kind, case=case, parameters={})).first()
    )


def _stored_for_stamp(packet: StoredPacket | None, stamp: str) -> tuple[StoredPacket, bytes] | None:
    """`packet` and its PDF when its inputs stamp is `stamp` and it is readable, else None
    (documents/fingerprint.py)."""
    if packet is None or not stamp or packet.inputs_stamp != stamp:
        return None
    pdf = _read_stored(packet)
    return (packet, pdf) if pdf is not None else None


# --- Public service functions -----------------------------------------------------------------


def packet_for_case(
    *,
    case: Case,
    by: Any,
    kind: str = PacketKind.CASE,
    confirm: bool = False,
    complaint: ExcessiveForceComplaint | None = None,
    citation: Citation | None = None,
    request: HttpRequest | None = None,
) -> PacketResult:
    """A packet of `kind` for one case the user may see (Http404 otherwise)."""
    case = case_for(user=by, case_id=case.public_id)
    kind = PacketKind(kind)
    if kind == PacketKind.CASE:
        # The stamp and the context are read from one snapshot: the stamp stored with a packet
        # describes exactly the data the packet shows.
        with _one_snapshot():
            stamp = case_inputs_stamp(case=case, user=by)
            current = _slot_packet(kind=kind, case=case)
            stored = _stored_for_stamp(current, stamp)
            context = ctx.case_packet_context(case=case, user=by, scope_checked=True) if stored is None else {}
        if stored is not None:
            packet, pdf = stored
            return _served_again(packet=packet, pdf=pdf, by=by, kind=kind, target=case, request=request)
        return _produce(
            kind=kind,
            case=case,
            cases=[case],
            parameters={},
            context=context,
            by=by,
            request=request,
            audit_target=case,
            stamp=stamp,
            slot_packet=current,
        )
    if kind == PacketKind.COMPLAINT:
        return packet_for_complaint(case=case, complaint=complaint, by=by, confirm=confirm, request=request)
    if kind == PacketKind.PLEA:
        return packet_for_plea(case=case, citation=citation, by=by, request=request)
    raise ValidationError({"kind": gettext("A hearing docket covers a date, not one case.")})


def packet_for_complaint(
    *,
    case: Case,
    by: Any,
    complaint: ExcessiveForceComplaint | None = None,
    confirm: bool = False,
    request: HttpRequest | None = None,
) -> PacketResult:
    case = case_for(user=by, case_id=case.public_id)
    complaints = complaint_list_visible_to(user=by).filter(case=case)
    if complaint is not None:
        complaint = get_visible_or_404(complaints, complaint.public_id)
    else:
        complaint = complaints.order_by("-created_at", "-id").first()
        if complaint is None:
            raise ValidationError({"complaint": gettext("This case has no excessive-force complaint.")})
    context = ctx.complaint_packet_context(complaint=complaint, user=by)
    if context["open_matters"]:
        if not confirm:
            raise ConfirmationRequired(
                gettext(
                    "The client has an open citation or case. People with pending charges are advised to see a "
                    "lawyer before filing a complaint: a lawyer must confirm before this packet is generated."
                ),
                code="confirmation_required",
            )
        audit_record(
            actor=by,
            action="packet.complaint_confirmed",
            target=complaint,
            request=request,
            confirmed=True,
            kind="complaint",
        )
        context["confirmation_note"] = "confirmation recorded in the audit trail"
    return _produce(
        kind=PacketKind.COMPLAINT,
        case=case,
        cases=[case],
        parameters={"complaint": str(complaint.public_id)},
        context=context,
        by=by,
        request=request,
        audit_target=case,
    )


def packet_for_plea(
    *, case: Case, by: Any, citation: Citation | None = None, request: HttpRequest | None = None
) -> PacketResult:
    case = case_for(user=by, case_id=case.public_id)
    citations = Citation.objects.filter(case=case).select_related("case", "case__event", "case__demonstrator")
    if citation is not None:
        citation = get_visible_or_404(citations, citation.public_id)
    else:
        citation = citations.filter(response="").order_by("issued_at", "id").first() or citations.first()
        if citation is None:
            raise ValidationError({"citation": gettext("This case has no citation.")})
    context = ctx.plea_letter_context(citation=citation, user=by)
    return _produce(
        kind=PacketKind.PLEA,
        case=case,
        cases=[case],
        parameters={"citation": str(citation.public_id)},
        context=context,
        by=by,
        request=request,
        audit_target=case,
    )


def packet_for_docket(*, by: Any, date: Any, courtroom: str = "", request: HttpRequest | None = None) -> PacketResult:
    """The hearing docket for a date (and courtroom), over the cases the user may see."""
    context = ctx.docket_context(user=by, date=date, courtroom=courtroom)
    cases = list(Case.objects.filter(public_id__in=context["case_ids"]))
    return _produce(
        kind=PacketKind.DOCKET,
        case=None,
        cases=cases,
        parameters={"date": context["date"], "courtroom": courtroom},
        context=context,
        by=by,
        request=request,
        audit_target=None,
    )


def packet_download(*, packet: StoredPacket, by: Any, request: HttpRequest | None = None) -> bytes:
    """The stored file of a packet already fetched through `packet_list_visible_to`."""
    pdf = _read_stored(packet)
    if pdf is None:
        raise StoredPacket.DoesNotExist("the stored packet can no longer be read")
    audit_record(
        actor=by, action="packet.download", target=packet.case if packet.case_id else packet, request=request,
        kind=packet.kind, sha256=packet.sha256,
    )  # fmt: skip
    return pdf


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
    from documents.models import PacketBatch

    _, per_model = PacketBatch.objects.filter(pk__in=PacketBatch.objects.filter(cases=case).values("pk")).delete()
    return per_model.get(PacketBatch._meta.label, 0)


@transaction.atomic
def batches_delete_all() -> int:
    from documents.models import PacketBatch

    _, per_model = PacketBatch.objects.all().delete()
    return per_model.get(PacketBatch._meta.label, 0)
