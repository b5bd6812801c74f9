"""Writes to the core record. One transaction per call; views, API, commands and tasks call these."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Case as DbCase
from django.db.models import DateField, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from cases.account_changes import account_change
from cases.audit import audit_record
from cases.fields import encrypted_fields
from cases.mfa import mfa_is_recent
from cases.models import (
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
    ForceType,
    Incident,
    IncidentOfficer,
    Officer,
    YesNoUnknown,
    local_date,
)
from cases.permissions import may
from cases.retention import Hold, purge_holds_for, retention_date
from cases.roles import Role, role_of
from cases.signals import evidence_added


def _next_case_number(year: int) -> str:
    return case_numbers_reserve(year=year, count=1)[0]


def case_numbers_reserve(*, year: int, count: int) -> list[str]:
    """`count` consecutive case numbers of `year`, reserved under one row lock (bulk imports
    create cases with bulk_create and need their numbers up front). Call inside a transaction."""
    seq, _ = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    first = seq.last_value + 1
    seq.last_value += count
    seq.save(update_fields=["last_value"])
    return [f"{year}-{n:04d}" for n in range(first, first + count)]


@transaction.atomic
def demonstrator_create(*, by: Any, **fields: Any) -> Demonstrator:
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
    by: Any,
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
def case_assign_lawyers(*, case: Case, lawyers: Iterable[Any], by: Any) -> Case:
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
    *, case: Case, by: Any, closed_on: datetime.date | None = None, confirm: bool = False, note: str = ""
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
def officer_merge(*, source: Officer, target: Officer, by: Any) -> Officer:
    """Fold an unidentified (or duplicate) officer into a known one, carrying every link."""
    if source.pk == target.pk:
        raise ValidationError("An officer cannot be merged into itself.")
    if target.merged_into_id:
        raise ValidationError("The target officer was itself merged; merge into its successor.")
    from cases.models import IncidentOfficer

    for sighting in IncidentOfficer.objects.filter(officer=source):
        if IncidentOfficer.objects.filter(incident_id=sighting.incident_id, officer=target).exists():
            sighting.delete()
        else:
            sighting.officer = target
            sighting.save(update_fields=["officer"])
    # Every other link (complaints, citations in other apps, ...) found generically, so this app
    # needs to know nothing of the apps built on it.
    for relation in Officer._meta.related_objects:
        if (
            relation.related_model in (Officer, IncidentOfficer)
            or getattr(relation, "through", None) is IncidentOfficer
        ):
            continue
        if relation.many_to_many:
            accessor = getattr(source, relation.get_accessor_name())
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


def _read_capped(upload: File, limit: int) -> bytes:
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
    upload: File,
    kind: str,
    content_type: str,
    by: Any,
    description: str = "",
    captured_at: datetime.datetime | None = None,
    **links: Any,
) -> Evidence:
    """Store an evidence file: the original exactly as uploaded (SHA-256 kept) and, for photos, a
    re-encoded copy without metadata for people to download; both sealed under the case's data key
    in generated file names outside the web root, with a custody entry.

    The type is judged from the content only (`content_type` as declared by the client is ignored;
    `kind` must agree with the content). Refused files raise ValidationError({"file": ...}).
    """
    from django.core.files.base import ContentFile

    from cases import datakeys
    from core import uploads

    data = _read_capped(upload, settings.EVIDENCE_MAX_BYTES)
    inspected = uploads.inspect(data, declared_kind=kind)
    evidence = Evidence(
        kind=inspected.kind,
        content_type=inspected.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        captured_at=captured_at,
        uploaded_by=by,
        description=description,
        served_content_type=inspected.served_content_type,
        metadata_stripped=inspected.served is not None,
        **links,
    )
    if not (evidence.case_id or evidence.complaint_id or evidence.incident_id):
        raise ValidationError(gettext("Evidence must belong to a case, a complaint or an incident."))
    scope = datakeys.scope_of_evidence(evidence)
    written: list[str] = []
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
        for name in written:
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


def evidence_open(*, evidence: Evidence, by: Any, request: Any = None, original: bool = False) -> EvidenceFile:
    """The bytes to hand out, logged in the chain of custody and the audit trail.

    People get the metadata-free copy of a photo; `original=True` (coordinators, for court) gets
    the file exactly as uploaded, checked against its SHA-256 first: the permission table's
    `evidence.original` row decides who, for the page and the API alike (PermissionDenied for the
    others). The caller has already scoped `evidence` through cases.access.evidence_list_visible_to.
    """
    if original and not may(by, "evidence.original"):
        raise PermissionDenied(gettext("Only coordinators and administrators download originals."))
    use_served = not original and bool(evidence.served_file)
    data = _evidence_unseal(evidence, served=use_served)
    if not use_served and hashlib.sha256(data).hexdigest() != evidence.sha256:
        raise ValidationError("The stored original no longer matches its SHA-256: report this.")
    content_type = evidence.served_content_type if use_served else evidence.content_type
    extension = {
        "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "video/mp4": "mp4",
        "video/quicktime": "mov", "video/webm": "webm", "video/3gpp": "3gp", "application/pdf": "pdf",
        "text/plain": "txt",
    }.get(content_type, "bin")  # fmt: skip
    suffix = "original" if original else "copy"
    action = CustodyAction.EXPORTED if original else CustodyAction.DOWNLOADED
    evidence_log_access(evidence=evidence, by=by, action=action, request=request)
    return EvidenceFile(data, content_type, f"evidence-{evidence.public_id}-{suffix}.{extension}", use_served)


def evidence_bytes_for_render(*, evidence: Evidence) -> bytes:
    """The metadata-free copy of a photo (the original when there is none), unsealed, for a
    document that embeds it. Nothing is logged here: the caller records the export itself (a
    packet logs one custody "exported" entry per embedded photo when it is stored, and its own
    audit entry), where `evidence_open` would log a download on every render. The caller has
    already scoped `evidence` through cases.access.evidence_list_visible_to."""
    return _evidence_unseal(evidence, served=bool(evidence.served_file))


def _evidence_unseal(evidence: Evidence, *, served: bool) -> bytes:
    from cases import datakeys

    field = evidence.served_file if served else evidence.file
    with field.open("rb") as handle:
        blob = handle.read()
    return datakeys.unseal(
        scope=datakeys.scope_of_evidence(evidence), blob=blob, context=_evidence_context(evidence, served=served)
    )


def evidence_log_access(
    *, evidence: Evidence, by: Any, action: str = CustodyAction.DOWNLOADED, request: Any = None
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


@dataclass(frozen=True)
class ArrestWitnessed:
    description: str = ""
    conduct: str = Conduct.UNKNOWN


@dataclass(frozen=True)
class Attachment:
    """A photo or video sent with a report; `kind` and `content_type` were sniffed from content."""

    upload: File
    kind: str
    content_type: str
    captured_at: datetime.datetime | None = None


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


def _existing_report(*, reporter: Any, client_uuid: uuid.UUID, data: IncidentInput) -> Incident:
    incident = Incident.objects.get(client_uuid=client_uuid)
    if incident.reporter_id != reporter.pk or not _same_report(incident, data):
        raise IncidentConflict("This report id was already used for a different report.", code="conflict")
    return incident


@transaction.atomic
def incident_create(
    *, reporter: Any, client_uuid: uuid.UUID, data: IncidentInput, attachments: Iterable[Attachment] = ()
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
        if status != "full" or not badge:
            defaults["description"] = sighting.features.strip()
        officer, _ = officer_find_or_create(agency=sighting.agency, badge_number=badge, defaults=defaults)
        if officer.pk in seen:
            continue
        seen.add(officer.pk)
        IncidentOfficer.objects.create(
            incident=incident, officer=officer, badge_as_seen=badge, features_as_seen=sighting.features.strip()
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


def _record_create(*, model: type[Any], by: Any, m2m: dict[str, Iterable[Any]] | None = None, **fields: Any) -> Any:
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(list(values))
    audit_record(
        actor=by, action=f"{model._meta.model_name}.create", target=obj, fields=sorted([*fields, *(m2m or {})])
    )
    return obj


def _record_update(*, instance: Any, by: Any, m2m: dict[str, Iterable[Any]] | None = None, **changes: Any) -> Any:
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
def event_create(*, by: Any, **fields: Any) -> Event:
    return _record_create(model=Event, by=by, **fields)


@transaction.atomic
def event_update(*, event: Event, by: Any, **changes: Any) -> Event:
    return _record_update(instance=event, by=by, **changes)


@transaction.atomic
def demonstrator_update(*, demonstrator: Demonstrator, by: Any, **changes: Any) -> Demonstrator:
    return _record_update(instance=demonstrator, by=by, **changes)


@transaction.atomic
def case_update(*, case: Case, by: Any, **changes: Any) -> Case:
    return _record_update(instance=case, by=by, **changes)


@transaction.atomic
def arrest_create(*, by: Any, **fields: Any) -> Any:
    from cases.models import Arrest

    return _record_create(model=Arrest, by=by, **fields)


@transaction.atomic
def arrest_update(*, arrest: Any, by: Any, **changes: Any) -> Any:
    return _record_update(instance=arrest, by=by, **changes)


@transaction.atomic
def officer_create(*, by: Any, **fields: Any) -> Officer:
    return _record_create(model=Officer, by=by, **fields)


@transaction.atomic
def officer_update(*, officer: Officer, by: Any, **changes: Any) -> Officer:
    return _record_update(instance=officer, by=by, **changes)


@transaction.atomic
def incident_update(
    *, incident: Incident, by: Any, force_types: Iterable[ForceType] | None = None, **changes: Any
) -> Incident:
    """Correct an observer's report (its own reporter inside the read-back window, or a coordinator)."""
    m2m = {"force_types": force_types} if force_types is not None else None
    return _record_update(instance=incident, by=by, m2m=m2m, **changes)


@transaction.atomic
def complaint_create(
    *,
    by: Any,
    incidents: Iterable[Any] = (),
    officers: Iterable[Officer] = (),
    force_types: Iterable[ForceType] = (),
    **fields: Any,
) -> Any:
    from cases.models import ExcessiveForceComplaint

    m2m = {"incidents": incidents, "officers": officers, "force_types": force_types}
    return _record_create(model=ExcessiveForceComplaint, by=by, m2m=m2m, **fields)


@transaction.atomic
def complaint_update(*, complaint: Any, by: Any, m2m: dict[str, Iterable[Any]] | None = None, **changes: Any) -> Any:
    return _record_update(instance=complaint, by=by, m2m=m2m, **changes)


@transaction.atomic
def statement_create(*, by: Any, **fields: Any) -> Any:
    from cases.models import WitnessStatement

    return _record_create(model=WitnessStatement, by=by, taken_by=by, **fields)


@transaction.atomic
def statement_update(*, statement: Any, by: Any, **changes: Any) -> Any:
    return _record_update(instance=statement, by=by, **changes)


# --- Accounts and roles ---------------------------------------------------------------------------
# Every account change goes through these, whoever asks (the coordination pages, commands): who may
# is checked here, the acting person must have confirmed a code within MFA_RECENT_SECONDS, each
# change is audited, and what it sets off (sessions and tokens ended) happens once, on success
# (cases.account_changes). `by=None` is an operator on the server (a management command).

MFA_NOT_RECENT = "mfa_not_recent"


def _check_may_manage(*, by: Any, role: str | None = None, user: Any = None, request: Any = None) -> None:
    """Coordinators manage every account but administrators'; only administrators make or touch
    administrators; nobody changes their own account here; a person acting needs a fresh code."""
    if by is None:
        return
    acting = role_of(by)
    if not may(by, "accounts.manage"):
        raise ValidationError(gettext("Only coordinators and administrators manage accounts."))
    touches_admin = role == Role.ADMINISTRATOR or (
        user is not None and (user.is_superuser or role_of(user) == Role.ADMINISTRATOR)
    )
    if touches_admin and acting != Role.ADMINISTRATOR:
        raise ValidationError(gettext("Only an administrator can create or change an administrator's account."))
    if request is None or getattr(request, "user", None) != by or not mfa_is_recent(request):
        raise ValidationError(
            gettext("Confirm a code from your authenticator first: account changes need a fresh second factor."),
            code=MFA_NOT_RECENT,
        )


def _check_not_self(*, user: Any, by: Any, message: str) -> None:
    if by is not None and user.pk == by.pk:
        raise ValidationError(message)


def _set_group(user: Any, role: str) -> None:
    from django.contrib.auth.models import Group

    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    user.is_staff = role in (Role.COORDINATOR, Role.ADMINISTRATOR)
    user.is_superuser = role == Role.ADMINISTRATOR
    user._tracker_role = "unset"  # the cached role is stale now
    user.__dict__.pop("_tracker_attachment_scope", None)  # and the scope built for it (cases.access)


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError({"role": gettext("Choose one of the roles.")})


def _validated_password(password: str, user: Any) -> str:
    from django.contrib.auth.password_validation import validate_password

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
    by: Any,
    request: Any = None,
    first_name: str = "",
    last_name: str = "",
) -> Any:
    """A new account in one role, with a password that passes the site's validators."""
    from django.contrib.auth import get_user_model

    _check_role(role)
    _check_may_manage(by=by, role=role, request=request)
    User = get_user_model()
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
def account_set_role(*, user: Any, role: str, by: Any, request: Any = None) -> Any:
    _check_role(role)
    _check_may_manage(by=by, role=role, user=user, request=request)
    _check_not_self(user=user, by=by, message=gettext("You cannot change your own role."))
    with account_change(by=by, request=request):
        _set_group(user, role)
        user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(actor=by, action="account.role", target=user, fields=["role"], role=role, request=request)
    return user


@transaction.atomic
def account_set_active(*, user: Any, active: bool, by: Any, request: Any = None) -> Any:
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
def account_set_password(*, user: Any, password: str, by: Any, request: Any = None) -> Any:
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
def account_reset_mfa(*, user: Any, by: Any, request: Any = None) -> Any:
    """Remove an account's authenticator and recovery codes (after a lost phone): it enrols again
    at its next sign-in; every session and token of it ends."""
    from cases.mfa import mfa_reset

    _check_may_manage(by=by, user=user, request=request)
    _check_not_self(user=user, by=by, message=gettext("Ask another coordinator or an administrator to reset yours."))
    with account_change(by=by, request=request):
        mfa_reset(user=user, by=by, request=request)
    return user
