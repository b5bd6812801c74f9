"""Writes to the core record. One transaction per call; views, API, commands and tasks call these.

The plain records (events, people, cases, arrests, officers, incidents, complaints, statements)
take their fields as keyword arguments typed by a TypedDict per record below, which is also the
list checked at run time: a field not in it (a case's `status`, which only `case_close` changes)
is refused with TypeError, whatever the caller.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, TypedDict, TypeVar, Unpack

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Case as DbCase
from django.db.models import DateField, F, Model, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from cases import datakeys
from cases.account_changes import account_change
from cases.audit import audit_record
from cases.fields import encrypted_fields
from cases.mfa import mfa_is_recent, mfa_reset
from cases.models import (
    Arrest,
    ArrestSeen,
    Case,
    CaseNumberSequence,
    CaseStatus,
    Conduct,
    CustodyAction,
    CustodyEvent,
    Demonstrator,
    Event,
    Evidence,
    ExcessiveForceComplaint,
    ForceType,
    Incident,
    IncidentOfficer,
    Officer,
    WitnessStatement,
    YesNoUnknown,
    local_date,
)
from cases.permissions import may
from cases.retention import Hold, purge_holds_for, retention_date
from cases.roles import Role, role_of
from cases.signals import evidence_added, evidence_resealed
from cases.types import User
from core import uploads

M = TypeVar("M", bound=Model)

logger = logging.getLogger(__name__)


# --- The fields each plain record's services take ---------------------------------------------


class EventFields(TypedDict, total=False):
    name: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    jurisdiction: str
    time_zone: str
    description: str


class DemonstratorFields(TypedDict, total=False):
    legal_name: str
    preferred_name: str
    conceal_legal_name: bool
    date_of_birth: datetime.date | None
    phone: str
    email: str
    postal_address: str
    preferred_language: str
    pronouns: str
    support_contact: str
    special_needs: str
    support_notes: str
    consent_share_with_lawyers: bool
    consent_contact_sms: bool
    consent_contact_phone: bool


class CaseChanges(TypedDict, total=False):
    """What `case_update` may change: not the status (`case_close`), the lawyers
    (`case_assign_lawyers`), nor who, where and when the case is about."""

    lawyer_notes: str


class ArrestChanges(TypedDict, total=False):
    arrested_at: datetime.datetime
    place: str
    arresting_unit: str
    charges: str
    custody_status: str
    released_at: datetime.datetime | None
    bail_amount: Decimal | None
    bail_paid_by: str
    property_returned: bool
    injured: bool
    police_report_number: str


class ArrestFields(ArrestChanges, total=False):
    case: Case


class OfficerFields(TypedDict, total=False):
    """An officer's own fields; `merged_into` changes only through `officer_merge`."""

    agency: str
    name: str
    badge_number: str
    badge_status: str
    payroll_number: str
    unit: str
    helmet_number: str
    vehicle_number: str
    description: str


class IncidentChanges(TypedDict, total=False):
    """A report's corrections; who reported it, at which event and under which client UUID stay."""

    occurred_at: datetime.datetime
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    agencies_present: str
    commander_present: str
    dispersal_warning: str
    dispersal_warning_by: str
    dispersal_warning_words: str
    dispersal_warning_audible: str
    narrative: str
    injuries: str
    witnesses: str
    video_holders: str
    media_present: str
    people_affected_count: int | None


class ComplaintChanges(TypedDict, total=False):
    narrative: str
    injuries: str
    treatment: str
    forum: str
    filed_on: datetime.date | None
    reference_number: str
    status: str
    outcome: str


class ComplaintFields(ComplaintChanges, total=False):
    case: Case


class StatementChanges(TypedDict, total=False):
    anonymous: bool
    witness_name: str
    witness_contact: str
    statement: str
    taken_at: datetime.datetime


class StatementFields(StatementChanges, total=False):
    incident: Incident | None
    complaint: ExcessiveForceComplaint | None
    case: Case | None


def _only_allowed(service: str, given: Iterable[str], allowed: type[Any]) -> None:
    """Refuse fields outside the service's TypedDict (`allowed`), as Python refuses an unknown
    keyword: mypy checks the callers it sees, this every caller."""
    known = allowed.__required_keys__ | allowed.__optional_keys__
    refused = sorted(set(given) - known)
    if refused:
        raise TypeError(f"{service}() cannot set {', '.join(refused)}")


def _next_case_number(year: int) -> str:
    return case_numbers_reserve(year=year, count=1)[0]


def case_numbers_reserve(*, year: int, count: int) -> list[str]:
    """`count` case numbers of `year`, reserved under one row lock (bulk imports create cases
    with bulk_create, which skips `Case.save()`, and need their numbers up front). Call inside
    the transaction that creates the cases, so a rollback gives the numbers back."""
    return CaseNumberSequence.reserve(year=year, count=count)


@transaction.atomic
def demonstrator_create(*, by: User, **fields: Unpack[DemonstratorFields]) -> Demonstrator:
    _only_allowed("demonstrator_create", fields, DemonstratorFields)
    person = Demonstrator(**fields)
    person.full_clean()
    person.save()
    audit_record(actor=by, action="demonstrator.create", target=person, fields=sorted(fields))
    return person


@transaction.atomic
def case_create(
    *,
    event: Event,
    demonstrator: Demonstrator,
    by: User,
    opened_on: datetime.date | None = None,
    status: str = CaseStatus.INTAKE,
) -> Case:
    opened_on = opened_on or timezone.localdate()
    case = Case(event=event, demonstrator=demonstrator, opened_on=opened_on, status=status)
    case.number = _next_case_number(opened_on.year)
    case.full_clean()
    case.save()
    audit_record(actor=by, action="case.create", target=case)
    return case


@transaction.atomic
def case_assign_lawyers(*, case: Case, lawyers: Iterable[User], by: User) -> Case:
    lawyers = list(lawyers)
    for lawyer in lawyers:
        if not may(lawyer, "cases.represent"):
            raise ValidationError({"lawyers": gettext("%(u)s is not a lawyer.") % {"u": lawyer.username}})
    Case.objects.select_for_update().filter(pk=case.pk).first()
    case.lawyers.set(lawyers)
    if case.status == CaseStatus.INTAKE and lawyers:
        case.status = CaseStatus.ACTIVE
        case.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="case.assign", target=case, fields=["lawyers"], count=len(lawyers))
    return case


@dataclass
class BulkAssignResult:
    """What assigning many cases to one lawyer did, or (preview) would do."""

    lawyer: User
    assigned: list[Case] = field(default_factory=list)
    skipped: list[tuple[Case, str]] = field(default_factory=list)  # (case, why)
    batch: str = ""
    preview: bool = False


def lawyer_check_assignable(lawyer: User) -> None:
    """Refuse an account the permission table does not let represent a client."""
    if not may(lawyer, "cases.represent"):
        raise ValidationError({"lawyer": gettext("%(u)s is not a lawyer.") % {"u": lawyer.username}})


def cases_assign_lawyer(
    *,
    cases: Iterable[Case],
    lawyer: User,
    by: User,
    preview: bool = False,
    progress: Callable[[int, BulkAssignResult], None] | None = None,
    batch: str = "",
) -> BulkAssignResult:
    """Add one lawyer to many cases (the coordinator's "these cases go to her"), each case through
    case_assign_lawyers in its own transaction: a case that fails is rolled back alone and listed
    in `skipped` with the reason, as are closed cases and those the lawyer already has. Only an
    account allowed by `cases.represent` can be assigned. With `preview`, nothing is written.
    `progress`, if given, is called for each case inside that case's transaction (a case left
    alone or rolled back: in a transaction of its own) with the number of cases handled so far and
    that case's part of the result (a background run records it: citations/runs.py). `batch`: the
    audit trail's batch id to use."""
    lawyer_check_assignable(lawyer)
    result = BulkAssignResult(lawyer=lawyer, batch=batch or uuid.uuid4().hex[:12], preview=preview)
    rows = list(
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .defer("lawyer_notes", "close_note")  # sealed, and not what an assignment reads
        .prefetch_related("lawyers")
        .order_by("number", "pk")
    )

    def report(handled: int, case: Case, assigned: bool) -> None:
        if progress is not None and not preview:
            part = BulkAssignResult(lawyer=lawyer, batch=result.batch)
            if assigned:
                part.assigned.append(case)
            else:
                part.skipped.append(result.skipped[-1])
            progress(handled, part)

    for handled, case in enumerate(rows, start=1):
        current = list(case.lawyers.all())
        if case.status == CaseStatus.CLOSED:
            result.skipped.append((case, gettext("The case is closed.")))
        elif any(other.pk == lawyer.pk for other in current):
            result.skipped.append((case, gettext("This lawyer is already assigned.")))
        elif preview:
            result.assigned.append(case)
            continue
        else:
            try:
                with transaction.atomic():
                    case_assign_lawyers(case=case, lawyers=[*current, lawyer], by=by)
                    report(handled, case, assigned=True)
            except ValidationError as exc:
                result.skipped.append((case, " ".join(exc.messages)))
            except Exception:
                logger.exception("bulk assignment: case %s rolled back", case.pk)
                result.skipped.append((case, gettext("An error stopped this case; nothing of it was saved.")))
            else:
                result.assigned.append(case)
                continue
        with transaction.atomic():
            report(handled, case, assigned=False)
    if not preview:
        audit_record(
            actor=by, action="case.bulk_assign", count=len(result.assigned), batch=result.batch, rows=len(rows),
            errors=len(result.skipped),
        )  # fmt: skip
    return result


class CloseNeedsConfirmation(ValidationError):
    """Closing a case that still holds pending matters (`holds`: cases.retention.Hold, in order)
    needs confirm=True and a written note: closing starts the clock towards the purge."""

    def __init__(self, holds: list[Hold]) -> None:
        super().__init__(
            gettext(
                "This case still has pending matters: closing it starts its retention period. Confirm, and say "
                "why, to close it anyway."
            ),
            code="confirmation_required",
        )
        self.holds = holds


CLOSE_NOTE_MAX = 2000


@transaction.atomic
def case_close(
    *, case: Case, by: User, closed_on: datetime.date | None = None, confirm: bool = False, note: str = ""
) -> Case:
    """Close `case` (its retention period starts). A case with an open citation, an open deadline or
    a hold (cases.retention.purge_holds_for) closes only with confirm=True and a note saying why;
    otherwise CloseNeedsConfirmation lists the holds. The note is stored sealed on the case; the
    audit entry records the holds' codes (never their dates or the note)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(gettext("The case is already closed."))
    today = timezone.localdate()
    holds = purge_holds_for(Case.objects.filter(pk=case.pk), today=today).get(case.pk, [])
    note = note.strip()
    if holds and not (confirm and note):
        raise CloseNeedsConfirmation(holds)
    if len(note) > CLOSE_NOTE_MAX:
        raise ValidationError({"note": gettext("At most %(n)s characters.") % {"n": CLOSE_NOTE_MAX}})
    case.status = CaseStatus.CLOSED
    case.closed_on = closed_on or today
    case.retention_until = retention_date(closed_on=case.closed_on)
    case.close_note = note
    case.full_clean()
    case.save(update_fields=["status", "closed_on", "retention_until", "close_note", "updated_at"])
    if holds:
        codes = sorted({hold.code for hold in holds})
        audit_record(
            actor=by, action="case.close", target=case, fields=["close_note"], confirmed=True, reason=codes,
            count=len(holds),
        )  # fmt: skip
    else:
        audit_record(actor=by, action="case.close", target=case, fields=["close_note"] if note else [])
    return case


def officer_find_or_create(
    *, agency: str, badge_number: str = "", defaults: dict[str, Any] | None = None
) -> tuple[Officer, bool]:
    """A known officer by agency and full badge number, or a new record created once.

    Without a badge number every sighting is its own unidentified officer (to be merged later).
    """
    agency = agency.strip() or "Philadelphia Police Department"
    badge_number = badge_number.strip()
    defaults = dict(defaults or {})
    if not badge_number:
        defaults.setdefault("badge_status", "not_seen")
        return Officer.objects.create(agency=agency, **defaults), True
    if defaults.get("badge_status", "full") != "full":
        return Officer.objects.create(agency=agency, badge_number=badge_number, **defaults), True
    lookup = {"agency": agency, "badge_number": badge_number, "badge_status": "full", "merged_into__isnull": True}
    existing = Officer.objects.filter(**lookup).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Officer.objects.create(agency=agency, badge_number=badge_number, **defaults), True
    except IntegrityError:  # a concurrent request created it first
        return Officer.objects.get(**lookup), False


@transaction.atomic
def officer_merge(*, source: Officer, target: Officer, by: User) -> Officer:
    """Fold an unidentified (or duplicate) officer into a known one, carrying every link.

    Every sighting is kept with what the observer saw (badge and features as seen), also where
    the known officer is already on the same incident: the sighting moves to the known officer
    and remembers the record it was first made under (`recorded_as`)."""
    if source.pk == target.pk:
        raise ValidationError("An officer cannot be merged into itself.")
    if target.merged_into_id:
        raise ValidationError("The target officer was itself merged; merge into its successor.")
    if source.merged_into_id:
        raise ValidationError("This officer was already merged.")
    sightings = IncidentOfficer.objects.filter(officer=source)
    sightings.filter(recorded_as__isnull=True).update(recorded_as=source, officer=target)
    sightings.update(officer=target)
    # Every other link (complaints, citations in other apps, ...) found generically, so this app
    # needs to know nothing of the apps built on it.
    for relation in Officer._meta.related_objects:
        if (
            relation.related_model in (Officer, IncidentOfficer)
            or getattr(relation, "through", None) is IncidentOfficer
        ):
            continue
        accessor_name = relation.get_accessor_name()
        if relation.many_to_many and accessor_name:  # (a hidden relation has no accessor to carry)
            accessor = getattr(source, accessor_name)
            for obj in accessor.all():
                getattr(obj, relation.field.name).remove(source)
                getattr(obj, relation.field.name).add(target)
        elif relation.one_to_many:
            relation.related_model._default_manager.filter(**{relation.field.name: source}).update(
                **{relation.field.name: target}
            )
    Officer.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    audit_record(actor=by, action="officer.merge", target=target, fields=["merged_into"])
    return target


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _read_capped(upload: File[bytes], limit: int) -> bytes:
    """The upload's bytes, refusing more than `limit` whatever its declared size says."""
    if (upload.size or 0) > limit:
        raise ValidationError({"file": gettext("Files may be at most %(n)s bytes.") % {"n": limit}}, code="too_large")
    upload.seek(0)
    chunks, total = [], 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
        total += len(chunk)
        if total > limit:
            raise ValidationError(
                {"file": gettext("Files may be at most %(n)s bytes.") % {"n": limit}}, code="too_large"
            )
        chunks.append(chunk)
    upload.seek(0)
    return b"".join(chunks)


@transaction.atomic
def evidence_add(
    *,
    upload: File[bytes],
    kind: str,
    content_type: str,
    by: User,
    description: str = "",
    captured_at: datetime.datetime | None = None,
    case: Case | None = None,
    complaint: ExcessiveForceComplaint | None = None,
    incident: Incident | None = None,
    client_sha256: str = "",
) -> Evidence:
    """Store an evidence file: the original exactly as uploaded (SHA-256 kept) and, for photos, a
    re-encoded copy without metadata for people to download; both sealed under the case's data key
    in generated file names outside the web root, with a custody entry. `client_sha256`, the hash
    the uploading phone computed before sending, is kept with whether it matched on arrival.

    The type is judged from the content only (`content_type` as declared by the client is ignored;
    `kind` must agree with the content). Refused files raise ValidationError({"file": ...}).
    """
    data = _read_capped(upload, settings.EVIDENCE_MAX_BYTES)
    inspected = uploads.inspect(data, declared_kind=kind)
    evidence = Evidence(
        kind=inspected.kind,
        content_type=inspected.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        client_sha256=client_sha256.strip().lower()[:64],
        captured_at=captured_at,
        uploaded_by=by,
        description=description,
        served_content_type=inspected.served_content_type,
        metadata_stripped=inspected.served is not None,
        case=case,
        complaint=complaint,
        incident=incident,
    )
    if not (evidence.case_id or evidence.complaint_id or evidence.incident_id):
        raise ValidationError(gettext("Evidence must belong to a case, a complaint or an incident."))
    evidence.client_hash_matched = (
        hmac.compare_digest(evidence.client_sha256, evidence.sha256) if client_sha256 else None
    )
    scope = datakeys.scope_of_evidence(evidence)
    written: list[str | None] = []
    try:
        evidence.file.save(
            "original",
            ContentFile(datakeys.seal(scope=scope, data=data, context=_evidence_context(evidence))),
            save=False,
        )
        written.append(evidence.file.name)
        if inspected.served is not None:
            sealed = datakeys.seal(scope=scope, data=inspected.served, context=_evidence_context(evidence, served=True))
            evidence.served_file.save("served", ContentFile(sealed), save=False)
            written.append(evidence.served_file.name)
        evidence.full_clean()
        evidence.save()
    except BaseException:
        for name in filter(None, written):
            evidence.file.storage.delete(name)
        raise
    # (Should an enclosing transaction roll back later, the sealed files stay behind without a row;
    # purge_expired sweeps such orphans.)
    CustodyEvent.objects.create(evidence=evidence, action=CustodyAction.UPLOADED, actor=by)
    audit_record(actor=by, action="evidence.upload", target=evidence, sha256=evidence.sha256, kind=evidence.kind)
    evidence_added.send(sender=Evidence, evidence=evidence, by=by)
    return evidence


def _evidence_context(evidence: Evidence, *, served: bool = False) -> str:
    return f"cases.evidence:{evidence.public_id}:{'served' if served else 'original'}"


@dataclass(frozen=True)
class EvidenceFile:
    data: bytes
    content_type: str
    filename: str
    metadata_stripped: bool


def evidence_open(
    *, evidence: Evidence, by: User, request: HttpRequest | None = None, original: bool = False
) -> EvidenceFile:
    """The bytes to hand out, logged in the chain of custody and the audit trail.

    People get the copy to share (`evidence_shared_bytes`: a photo's blurred copy when it has
    one, else its metadata-free copy); `original=True` (coordinators, for court) gets the file
    exactly as uploaded, checked against its SHA-256 first: the permission table's
    `evidence.original` row decides who, for the page and the API alike (PermissionDenied for the
    others). The caller has already scoped `evidence` through cases.access.evidence_list_visible_to.
    """
    if original and not may(by, "evidence.original"):
        raise PermissionDenied(gettext("Only coordinators and administrators download originals."))
    shared = None if original else evidence_shared_copy(evidence=evidence)
    use_served = not original and bool(evidence.served_file)
    if shared is not None:
        data, content_type, suffix = shared, SHARED_COPY_TYPE, "blurred"
    else:
        data = _evidence_unseal(evidence, served=use_served)
        if not use_served and hashlib.sha256(data).hexdigest() != evidence.sha256:
            raise ValidationError("The stored original no longer matches its SHA-256: report this.")
        content_type = evidence.served_content_type if use_served else evidence.content_type
        suffix = "original" if original else "copy"
    extension = {
        "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "video/mp4": "mp4",
        "video/quicktime": "mov", "video/webm": "webm", "video/3gpp": "3gp", "application/pdf": "pdf",
        "text/plain": "txt",
    }.get(content_type, "bin")  # fmt: skip
    action = CustodyAction.EXPORTED if original else CustodyAction.DOWNLOADED
    evidence_log_access(evidence=evidence, by=by, action=action, request=request)
    filename = f"evidence-{evidence.public_id}-{suffix}.{extension}"
    return EvidenceFile(data, content_type, filename, use_served or shared is not None)


def evidence_bytes_for_render(*, evidence: Evidence) -> bytes:
    """The metadata-free copy of a photo (the original when there is none), unsealed, without
    any blurring: what the blur editor marks. Documents and downloads hand out
    `evidence_shared_bytes` instead. Nothing is logged here (see `evidence_shared_bytes`). The
    caller has already scoped `evidence` through cases.access.evidence_list_visible_to."""
    return _evidence_unseal(evidence, served=bool(evidence.served_file))


# Which bytes of a file a person gets has one home, here. An app above this one that keeps a
# copy to share instead of the copy without metadata (claims: a photo's blurred copy, with
# bystanders' faces blurred) registers where to read it from its AppConfig.ready(): this app
# cannot import it. A source answers a JPEG without metadata, or None when it has no copy.
SHARED_COPY_TYPE = "image/jpeg"
SharedCopySource = Callable[[Evidence], bytes | None]
_SHARED_COPY_SOURCES: list[SharedCopySource] = []


def evidence_shared_copy_register(source: SharedCopySource) -> None:
    """Called once by the app that keeps copies to share (claims), at start-up."""
    if source not in _SHARED_COPY_SOURCES:
        _SHARED_COPY_SOURCES.append(source)


def evidence_shared_copy(*, evidence: Evidence) -> bytes | None:
    """The registered copy to share of a file (a JPEG without metadata), or None."""
    for source in _SHARED_COPY_SOURCES:
        data = source(evidence)
        if data is not None:
            return data
    return None


def evidence_shared_bytes(*, evidence: Evidence) -> bytes:
    """What a person or a document gets of a file: its registered copy to share (a photo's
    blurred copy) when there is one, else the copy without metadata (the original when there is
    none). Nothing is logged here: a document that embeds it records the export itself (a packet
    logs one custody "exported" entry per embedded photo when it is stored, and its own audit
    entry), where `evidence_open` logs a download. The caller has scoped `evidence`."""
    shared = evidence_shared_copy(evidence=evidence)
    return shared if shared is not None else evidence_bytes_for_render(evidence=evidence)


def _evidence_unseal(evidence: Evidence, *, served: bool) -> bytes:
    field = evidence.served_file if served else evidence.file
    with field.open("rb") as handle:
        blob = handle.read()
    return datakeys.unseal(
        scope=datakeys.scope_of_evidence(evidence), blob=blob, context=_evidence_context(evidence, served=served)
    )


def evidence_reseal(*, evidence: Evidence, from_scope: str) -> None:
    """Re-seal an evidence file's original and copy under the data key of the scope it belongs to
    now, after its case (or its complaint's case) changed: a person merge folds one case into
    another, and each file must stay readable under its new case's key (crypto-shredding works
    per case). `from_scope` is the scope it was sealed under. Same file names, same SHA-256."""
    to_scope = datakeys.scope_of_evidence(evidence)
    if to_scope == from_scope:
        return
    for served in (False, True):
        stored = evidence.served_file if served else evidence.file
        if not stored or not stored.name:
            continue
        with stored.open("rb") as handle:
            blob = handle.read()
        context = _evidence_context(evidence, served=served)
        data = datakeys.unseal(scope=from_scope, blob=blob, context=context)
        sealed = datakeys.seal(scope=to_scope, data=data, context=context)
        with stored.storage.open(stored.name, "wb") as handle:
            handle.write(sealed)
    evidence_resealed.send(sender=Evidence, evidence=evidence, from_scope=from_scope, to_scope=to_scope)


def evidence_log_access(
    *, evidence: Evidence, by: User, action: str = CustodyAction.DOWNLOADED, request: HttpRequest | None = None
) -> None:
    CustodyEvent.objects.create(evidence=evidence, action=action, actor=by)
    audit_record(actor=by, action=f"evidence.{action}", target=evidence, request=request)


# --- Observer reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerSeen:
    """An officer as an observer saw them: a badge number, or a unit and features when none."""

    badge_number: str = ""
    agency: str = ""
    name: str = ""
    unit: str = ""
    helmet_number: str = ""
    features: str = ""
    badge_status: str = ""  # "" means: full when a badge number is given, else not seen
    # A unit, helmet or vehicle number as the observer wrote it, in one free-text box: which of
    # the three it is nobody knows, so it is kept with the features as seen, never as a unit.
    marking: str = ""


@dataclass(frozen=True)
class ArrestWitnessed:
    description: str = ""
    conduct: str = Conduct.UNKNOWN


@dataclass(frozen=True)
class Attachment:
    """A photo or video sent with a report; `kind` and `content_type` were sniffed from content."""

    upload: File[bytes]
    kind: str
    content_type: str
    captured_at: datetime.datetime | None = None
    client_sha256: str = ""  # the phone's hash of the file before sending, when it sent one


class IncidentConflict(ValidationError):
    """A client UUID that is already used by a different report (another reporter or payload)."""


@dataclass
class IncidentInput:
    """Everything an observer reports. Only `event` and `occurred_at` are required."""

    event: Event
    occurred_at: datetime.datetime
    place: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    agencies_present: str = ""
    commander_present: str = ""
    dispersal_warning: str = YesNoUnknown.UNKNOWN
    dispersal_warning_by: str = ""
    dispersal_warning_words: str = ""
    dispersal_warning_audible: str = YesNoUnknown.UNKNOWN
    narrative: str = ""
    injuries: str = ""
    witnesses: str = ""
    video_holders: str = ""
    media_present: str = ""
    people_affected_count: int | None = None
    force_types: list[ForceType] = field(default_factory=list)
    officers: list[OfficerSeen] = field(default_factory=list)
    arrests_seen: list[ArrestWitnessed] = field(default_factory=list)

    SCALARS = (
        "occurred_at", "place", "latitude", "longitude", "agencies_present", "commander_present",
        "dispersal_warning", "dispersal_warning_by", "dispersal_warning_words", "dispersal_warning_audible",
        "narrative", "injuries", "witnesses", "video_holders", "media_present", "people_affected_count",
    )  # fmt: skip


def _same_report(incident: Incident, data: IncidentInput) -> bool:
    """Whether a stored report carries the same content as a retried one (scalar fields)."""
    if incident.event_id != data.event.pk:
        return False
    for name in IncidentInput.SCALARS:
        stored, sent = getattr(incident, name), getattr(data, name)
        if isinstance(stored, Decimal) or isinstance(sent, Decimal):
            stored = None if stored is None else Decimal(stored).quantize(Decimal("0.000001"))
            sent = None if sent is None else Decimal(sent).quantize(Decimal("0.000001"))
        if (stored or None) != (sent or None):
            return False
    return True


def _existing_report(*, reporter: User, client_uuid: uuid.UUID, data: IncidentInput) -> Incident:
    incident = Incident.objects.get(client_uuid=client_uuid)
    if incident.reporter_id != reporter.pk or not _same_report(incident, data):
        raise IncidentConflict("This report id was already used for a different report.", code="conflict")
    return incident


@transaction.atomic
def incident_create(
    *, reporter: User, client_uuid: uuid.UUID, data: IncidentInput, attachments: Iterable[Attachment] = ()
) -> tuple[Incident, bool]:
    """Record an observer's report exactly once per `client_uuid`.

    A retry with the same client UUID and the same content returns the stored report and
    `created=False` (also when two retries race: the unique constraint decides). The same UUID
    with other content, or from another reporter, raises `IncidentConflict`.
    """
    client_uuid = uuid.UUID(str(client_uuid))
    if Incident.objects.filter(client_uuid=client_uuid).exists():
        return _existing_report(reporter=reporter, client_uuid=client_uuid, data=data), False
    incident = Incident(client_uuid=client_uuid, reporter=reporter, event=data.event)
    for name in IncidentInput.SCALARS:
        setattr(incident, name, getattr(data, name))
    incident.full_clean(exclude=["client_uuid"])
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:  # a concurrent retry with the same client UUID won the race
        return _existing_report(reporter=reporter, client_uuid=client_uuid, data=data), False

    incident.force_types.set(data.force_types)
    seen: set[int] = set()
    for sighting in data.officers:
        badge = sighting.badge_number.strip()
        status = sighting.badge_status or ("full" if badge else "not_seen")
        defaults = {
            "name": sighting.name.strip(),
            "unit": sighting.unit.strip(),
            "helmet_number": sighting.helmet_number.strip(),
            "badge_status": status,
        }
        features = " · ".join(part for part in (sighting.marking.strip(), sighting.features.strip()) if part)
        if status != "full" or not badge:
            defaults["description"] = features
        officer, _ = officer_find_or_create(agency=sighting.agency, badge_number=badge, defaults=defaults)
        if officer.pk in seen:
            continue
        seen.add(officer.pk)
        IncidentOfficer.objects.create(
            incident=incident, officer=officer, badge_as_seen=badge, features_as_seen=features
        )
    for arrest in data.arrests_seen:
        row = ArrestSeen(incident=incident, person_description=arrest.description, conduct=arrest.conduct)
        row.full_clean(exclude=["incident", "case"])
        row.save()
    for attachment in attachments:
        evidence_add(
            upload=attachment.upload,
            kind=attachment.kind,
            content_type=attachment.content_type,
            by=reporter,
            captured_at=attachment.captured_at,
            incident=incident,
            client_sha256=attachment.client_sha256,
        )
    filled = [f.name for f in encrypted_fields(Incident) if getattr(incident, f.name)]
    audit_record(actor=reporter, action="incident.create", target=incident, fields=filled)
    return incident, True


# --- Plain records: create and update with validation, one transaction, and an audit entry ------


def incident_days_recompute(*, event_id: int) -> int:
    """Each incident's local day (`occurred_on`) again in its event's time zone, after the zone was
    corrected: the dashboard counts force per day on that stored date. Reads the times in chunks
    and writes only the days that moved (a zone a few hours off moves only the incidents near
    midnight), each on condition that its time is still the one read: an incident whose time is
    edited meanwhile keeps the day its own save computed. The number of incidents found on
    another day."""
    event = Event.objects.filter(pk=event_id).only("pk", "time_zone").first()
    if event is None:
        return 0
    moved: list[tuple[int, datetime.datetime, datetime.date | None]] = []
    rows = Incident.objects.filter(event_id=event_id).order_by().values_list("pk", "occurred_at", "occurred_on")
    for pk, occurred_at, occurred_on in rows.iterator(chunk_size=2000):
        day = local_date(occurred_at, event.time_zone) if occurred_at else None
        if day != occurred_on:
            moved.append((pk, occurred_at, day))
    for at in range(0, len(moved), 1000):
        chunk = moved[at : at + 1000]
        Incident.objects.filter(pk__in=[pk for pk, _, _ in chunk]).update(
            occurred_on=DbCase(
                *(When(pk=pk, occurred_at=occurred_at, then=Value(day)) for pk, occurred_at, day in chunk),
                default=F("occurred_on"),
                output_field=DateField(),
            )
        )
    return len(moved)


def _record_create(
    *, model: type[M], by: User, fields: dict[str, Any], m2m: dict[str, Iterable[Model]] | None = None
) -> M:
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(list(values))
    audit_record(
        actor=by, action=f"{model._meta.model_name}.create", target=obj, fields=sorted([*fields, *(m2m or {})])
    )
    return obj


def _record_update(
    *, instance: M, by: User, changes: dict[str, Any], m2m: dict[str, Iterable[Model]] | None = None
) -> M:
    model = type(instance)
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    # Check the changed fields, the model's own clean() and every constraint; fields left alone are
    # not re-judged (e.g. a reporter removed since, set to NULL by the database).
    unchanged = [f.name for f in model._meta.concrete_fields if f.name not in changes]
    locked.clean_fields(exclude=unchanged)
    locked.clean()
    locked.validate_unique()
    locked.validate_constraints()
    update_fields = [*changes]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        update_fields.append("updated_at")
    if changes:
        locked.save(update_fields=update_fields)
    for name, values in (m2m or {}).items():
        getattr(locked, name).set(list(values))
    audit_record(
        actor=by,
        action=f"{model._meta.model_name}.update",
        target=locked,
        fields=sorted([*changes, *(m2m or {})]),
    )
    return locked


@transaction.atomic
def event_create(*, by: User, **fields: Unpack[EventFields]) -> Event:
    _only_allowed("event_create", fields, EventFields)
    return _record_create(model=Event, by=by, fields=dict(fields))


@transaction.atomic
def event_update(*, event: Event, by: User, **changes: Unpack[EventFields]) -> Event:
    _only_allowed("event_update", changes, EventFields)
    return _record_update(instance=event, by=by, changes=dict(changes))


@transaction.atomic
def demonstrator_update(*, demonstrator: Demonstrator, by: User, **changes: Unpack[DemonstratorFields]) -> Demonstrator:
    _only_allowed("demonstrator_update", changes, DemonstratorFields)
    return _record_update(instance=demonstrator, by=by, changes=dict(changes))


@transaction.atomic
def case_update(*, case: Case, by: User, **changes: Unpack[CaseChanges]) -> Case:
    """Change a case's notes. The status changes only through case_close (which sets the closing
    day and the retention date with it), the lawyers through case_assign_lawyers."""
    _only_allowed("case_update", changes, CaseChanges)
    return _record_update(instance=case, by=by, changes=dict(changes))


@transaction.atomic
def arrest_create(*, by: User, **fields: Unpack[ArrestFields]) -> Arrest:
    _only_allowed("arrest_create", fields, ArrestFields)
    return _record_create(model=Arrest, by=by, fields=dict(fields))


@transaction.atomic
def arrest_update(*, arrest: Arrest, by: User, **changes: Unpack[ArrestChanges]) -> Arrest:
    _only_allowed("arrest_update", changes, ArrestChanges)
    return _record_update(instance=arrest, by=by, changes=dict(changes))


@transaction.atomic
def officer_create(*, by: User, **fields: Unpack[OfficerFields]) -> Officer:
    _only_allowed("officer_create", fields, OfficerFields)
    return _record_create(model=Officer, by=by, fields=dict(fields))


@transaction.atomic
def officer_update(*, officer: Officer, by: User, **changes: Unpack[OfficerFields]) -> Officer:
    _only_allowed("officer_update", changes, OfficerFields)
    return _record_update(instance=officer, by=by, changes=dict(changes))


@transaction.atomic
def incident_update(
    *, incident: Incident, by: User, force_types: Iterable[ForceType] | None = None, **changes: Unpack[IncidentChanges]
) -> Incident:
    """Correct an observer's report (its own reporter inside the read-back window, or a coordinator)."""
    _only_allowed("incident_update", changes, IncidentChanges)
    m2m: dict[str, Iterable[Model]] | None = {"force_types": force_types} if force_types is not None else None
    return _record_update(instance=incident, by=by, changes=dict(changes), m2m=m2m)


@transaction.atomic
def complaint_create(
    *,
    by: User,
    incidents: Iterable[Incident] = (),
    officers: Iterable[Officer] = (),
    force_types: Iterable[ForceType] = (),
    **fields: Unpack[ComplaintFields],
) -> ExcessiveForceComplaint:
    _only_allowed("complaint_create", fields, ComplaintFields)
    m2m: dict[str, Iterable[Model]] = {"incidents": incidents, "officers": officers, "force_types": force_types}
    return _record_create(model=ExcessiveForceComplaint, by=by, fields=dict(fields), m2m=m2m)


@transaction.atomic
def complaint_update(
    *,
    complaint: ExcessiveForceComplaint,
    by: User,
    incidents: Iterable[Incident] | None = None,
    officers: Iterable[Officer] | None = None,
    force_types: Iterable[ForceType] | None = None,
    **changes: Unpack[ComplaintChanges],
) -> ExcessiveForceComplaint:
    """Change a complaint; each of `incidents`, `officers`, `force_types` given replaces that list."""
    _only_allowed("complaint_update", changes, ComplaintChanges)
    lists: dict[str, Iterable[Model] | None] = {
        "incidents": incidents,
        "officers": officers,
        "force_types": force_types,
    }
    m2m = {name: values for name, values in lists.items() if values is not None}
    return _record_update(instance=complaint, by=by, changes=dict(changes), m2m=m2m)


@transaction.atomic
def statement_create(*, by: User, **fields: Unpack[StatementFields]) -> WitnessStatement:
    _only_allowed("statement_create", fields, StatementFields)
    return _record_create(model=WitnessStatement, by=by, fields={**fields, "taken_by": by})


@transaction.atomic
def statement_update(
    *, witness_statement: WitnessStatement, by: User, **changes: Unpack[StatementChanges]
) -> WitnessStatement:
    """Change a witness statement (`witness_statement`: its own text is the field `statement`)."""
    _only_allowed("statement_update", changes, StatementChanges)
    return _record_update(instance=witness_statement, by=by, changes=dict(changes))


# --- Accounts and roles ---------------------------------------------------------------------------
# Every account change goes through these, whoever asks (the coordination pages, commands): who may
# is checked here, the acting person must have confirmed a code within MFA_RECENT_SECONDS, each
# change is audited, and what it sets off (sessions and tokens ended) happens once, on success
# (cases.account_changes). `by=None` is an operator on the server (a management command).

MFA_NOT_RECENT = "mfa_not_recent"


def _check_may_manage(
    *, by: User | None, role: str | None = None, user: User | None = None, request: HttpRequest | None = None
) -> None:
    """Coordinators manage every account but administrators'; only administrators make or touch
    administrators; nobody changes their own account here; a person acting needs a fresh code."""
    if by is None:
        return
    if not may(by, "accounts.manage"):
        raise ValidationError(gettext("Only coordinators and administrators manage accounts."))
    touches_admin = role == Role.ADMINISTRATOR or (
        user is not None and (user.is_superuser or role_of(user) == Role.ADMINISTRATOR)
    )
    if touches_admin and not may(by, "accounts.administrators"):
        raise ValidationError(gettext("Only an administrator can create or change an administrator's account."))
    account_check_fresh_second_factor(by=by, request=request)


def account_check_fresh_second_factor(*, by: User | None, request: HttpRequest | None) -> None:
    """A person changing accounts (`by`, the signed-in user of `request`) confirmed a code within
    MFA_RECENT_SECONDS; otherwise ValidationError with code MFA_NOT_RECENT."""
    if request is None or getattr(request, "user", None) != by or not mfa_is_recent(request):
        raise ValidationError(
            gettext("Confirm a code from your authenticator first: account changes need a fresh second factor."),
            code=MFA_NOT_RECENT,
        )


def _check_not_self(*, user: User, by: User | None, message: str) -> None:
    if by is not None and user.pk == by.pk:
        raise ValidationError(message)


def _set_group(user: User, role: str) -> None:
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    user.is_staff = role in (Role.COORDINATOR, Role.ADMINISTRATOR)
    user.is_superuser = role == Role.ADMINISTRATOR
    if hasattr(user, "_tracker_role"):
        del user._tracker_role  # the cached role is stale now
    user.__dict__.pop("_tracker_attachment_scope", None)  # and the scope built for it (cases.access)


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError({"role": gettext("Choose one of the roles.")})


def _validated_password(password: str, user: User) -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    return password


@transaction.atomic
def account_create(
    *,
    username: str,
    role: str,
    password: str,
    by: User | None,
    request: HttpRequest | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """A new account in one role, with a password that passes the site's validators."""
    _check_role(role)
    _check_may_manage(by=by, role=role, request=request)
    user = User(username=username.strip(), first_name=first_name.strip(), last_name=last_name.strip())
    user.full_clean(exclude=["password"])
    user.set_password(_validated_password(password, user))
    with account_change(by=by, request=request):
        user.save()
        _set_group(user, role)
        user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(
            actor=by, action="account.create", target=user, fields=["username", "role"], role=role, request=request
        )
    return user


@transaction.atomic
def account_set_role(*, user: User, role: str, by: User | None, request: HttpRequest | None = None) -> User:
    _check_role(role)
    _check_may_manage(by=by, role=role, user=user, request=request)
    _check_not_self(user=user, by=by, message=gettext("You cannot change your own role."))
    with account_change(by=by, request=request):
        _set_group(user, role)
        user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(actor=by, action="account.role", target=user, fields=["role"], role=role, request=request)
    return user


@transaction.atomic
def account_set_active(*, user: User, active: bool, by: User | None, request: HttpRequest | None = None) -> User:
    """Deactivate (every session ends, tokens revoked) or reactivate an account."""
    _check_may_manage(by=by, user=user, request=request)
    _check_not_self(user=user, by=by, message=gettext("You cannot deactivate your own account."))
    with account_change(by=by, request=request):
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = "account.deactivate" if not active else "account.reactivate"
        audit_record(actor=by, action=action, target=user, fields=["is_active"], request=request)
    return user


@transaction.atomic
def account_set_password(*, user: User, password: str, by: User | None, request: HttpRequest | None = None) -> User:
    """Set another account's password (it must pass the site's validators); every session and
    token of the account ends."""
    _check_may_manage(by=by, user=user, request=request)
    _check_not_self(user=user, by=by, message=gettext("Your own password cannot be set here."))
    user.set_password(_validated_password(password, user))
    with account_change(by=by, request=request):
        user.save(update_fields=["password"])
        audit_record(actor=by, action="account.password", target=user, fields=["password"], request=request)
    return user


@transaction.atomic
def account_reset_mfa(*, user: User, by: User | None, request: HttpRequest | None = None) -> User:
    """Remove an account's authenticator and recovery codes (after a lost phone): it enrols again
    at its next sign-in; every session and token of it ends."""
    _check_may_manage(by=by, user=user, request=request)
    _check_not_self(user=user, by=by, message=gettext("Ask another coordinator or an administrator to reset yours."))
    with account_change(by=by, request=request):
        mfa_reset(user=user, by=by, request=request)
    return user


@transaction.atomic
def account_change_own_password(*, user: User, password: str, request: HttpRequest | None) -> User:
    """A person's new password for their own account (the caller has checked the current one, as
    the admin's password form does): needs a fresh second factor; the account's other sessions
    and its tokens end, the session in use stays (the caller keeps it with
    update_session_auth_hash)."""
    account_check_fresh_second_factor(by=user, request=request)
    user.set_password(_validated_password(password, user))
    with account_change(by=user, request=request):
        user.save(update_fields=["password"])
        audit_record(actor=user, action="account.password", target=user, fields=["password"], request=request)
    return user


@transaction.atomic
def account_set_language(*, user: User, language: str, request: HttpRequest | None = None) -> User:
    """A person's choice of the language of the e-mails the tracker sends them (alerts, the
    morning digest); blank follows the site's language (`cases.selectors.account_language`)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": gettext("Choose one of the languages.")})
    user.language = language
    user.save(update_fields=["language"])
    audit_record(actor=user, action="account.language", target=user, fields=["language"], request=request)
    return user
