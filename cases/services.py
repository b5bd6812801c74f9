"""Writes to the core record. One transaction per call; views, API, commands and tasks call these."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.audit import audit_record
from cases.models import (
    Case,
    CaseNumberSequence,
    CaseStatus,
    CustodyAction,
    CustodyEvent,
    Demonstrator,
    Event,
    Evidence,
    Officer,
)
from cases.roles import Role, role_of


def _next_case_number(year: int) -> str:
    seq, _ = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return f"{year}-{seq.last_value:04d}"


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
        if role_of(lawyer) != Role.LAWYER:
            raise ValidationError({"lawyers": f"{lawyer.username} is not a lawyer."})
    Case.objects.select_for_update().filter(pk=case.pk).first()
    case.lawyers.set(lawyers)
    if case.status == CaseStatus.INTAKE and lawyers:
        case.status = CaseStatus.ACTIVE
        case.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="case.assign", target=case, fields=["lawyers"], count=len(lawyers))
    return case


@transaction.atomic
def case_close(*, case: Case, by: Any, closed_on: datetime.date | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("The case is already closed.")
    case.status = CaseStatus.CLOSED
    case.closed_on = closed_on or timezone.localdate()
    case.retention_until = case.closed_on + datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    case.full_clean()
    case.save(update_fields=["status", "closed_on", "retention_until", "updated_at"])
    audit_record(actor=by, action="case.close", target=case)
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
    """Store an evidence file unaltered, with the SHA-256 of the original and a custody entry."""
    size = upload.size or 0
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError({"file": f"Files may be at most {settings.EVIDENCE_MAX_BYTES} bytes."})
    evidence = Evidence(
        kind=kind,
        content_type=content_type,
        size=size,
        sha256=sha256_of(upload),
        captured_at=captured_at,
        uploaded_by=by,
        description=description,
        **links,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.full_clean()
    evidence.save()
    CustodyEvent.objects.create(evidence=evidence, action=CustodyAction.UPLOADED, actor=by)
    audit_record(actor=by, action="evidence.upload", target=evidence, sha256=evidence.sha256)
    return evidence


def evidence_log_access(
    *, evidence: Evidence, by: Any, action: str = CustodyAction.DOWNLOADED, request: Any = None
) -> None:
    CustodyEvent.objects.create(evidence=evidence, action=action, actor=by)
    audit_record(actor=by, action=f"evidence.{action}", target=evidence, request=request)
