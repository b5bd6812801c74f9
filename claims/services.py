"""Writes of the claims app: allegations and their findings; preservation letters sent; a
photo's blur regions and its blurred copy. One
transaction per call, an audit entry per write (field names only); pages, the API and the demo
seed call these alike."""

from __future__ import annotations

import datetime
import logging
import math
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cases import datakeys
from cases.audit import audit_record
from cases.models import Evidence, ExcessiveForceComplaint, ForceType, Incident, Officer
from cases.services import evidence_bytes_for_render
from cases.types import User
from claims.models import Allegation, BlurredCopy, BlurRegion, FaceProposals, PreservationLetter
from claims.selectors import preservation_plans
from documents.context import is_photo
from documents.models import PhotoDerivative
from documents.photos import DETECT_RECIPE, Region, blurred_jpeg, face_proposals

logger = logging.getLogger(__name__)


class AllegationFields(TypedDict, total=False):
    officer: Officer | None
    force_type: ForceType | None
    incident: Incident | None
    finding: str
    discipline: str
    oversight_body: str
    body_case_number: str
    filed_on: datetime.date | None
    decided_on: datetime.date | None


ALLOWED = frozenset(AllegationFields.__annotations__)


def _check(allegation: Allegation) -> None:
    """The links must make sense together: the incident is of the complaint's event, and a
    merged officer record is replaced by the officer it was merged into."""
    errors: dict[str, str] = {}
    incident = allegation.incident
    if incident is not None and incident.event_id != allegation.complaint.case.event_id:
        errors["incident"] = _("The incident is not from the event of this complaint.")
    officer = allegation.officer
    if officer is not None and officer.merged_into_id is not None:
        errors["officer"] = _("This officer record was merged into another; choose that officer.")
    if errors:
        raise ValidationError(errors)


def _only_allowed(given: dict[str, object]) -> None:
    unknown = sorted(set(given) - ALLOWED)
    if unknown:
        raise TypeError(f"allegation fields not allowed: {', '.join(unknown)}")


@transaction.atomic
def allegation_create(
    *, complaint: ExcessiveForceComplaint, by: User, **fields: Unpack[AllegationFields]
) -> Allegation:
    """Add an allegation (officer, force type, incident) to a complaint, with its finding so far."""
    _only_allowed(dict(fields))
    allegation = Allegation(complaint=complaint, **fields)
    allegation.full_clean()
    _check(allegation)
    allegation.save()
    audit_record(actor=by, action="allegation.create", target=allegation, fields=sorted(fields))
    return allegation


@transaction.atomic
def allegation_update(*, allegation: Allegation, by: User, **changes: Unpack[AllegationFields]) -> Allegation:
    """Record a finding, discipline, dates or corrected links of an allegation."""
    _only_allowed(dict(changes))
    locked = Allegation.objects.select_for_update().select_related("complaint__case").get(pk=allegation.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    _check(locked)
    locked.save()
    audit_record(actor=by, action="allegation.update", target=locked, fields=sorted(changes))
    return locked


@transaction.atomic
def preservation_letter_record(
    *, incident: Incident, recipient: str, sent_at: datetime.datetime, sent_how: str, reference: str = "", by: User
) -> PreservationLetter:
    """Record that a preservation letter went to `recipient` (when, how, any tracking number),
    asking for every active kind of record it holds; its send-by day is computed now by the
    deadline engine, so the record shows whether it went out in time."""
    plan = next(p for p in preservation_plans(incident=incident) if p.recipient == recipient)
    if not plan.kinds or plan.send_by is None:
        raise ValidationError({"recipient": _("No kind of record held by this recipient is configured.")})
    letter = PreservationLetter(
        incident=incident,
        recipient=recipient,
        send_by=plan.send_by,
        sent_at=sent_at,
        sent_how=sent_how,
        reference=reference,
        recorded_by=by,
    )
    letter.full_clean()
    letter.save()
    letter.record_kinds.set(plan.kinds)
    audit_record(actor=by, action="preservation.sent", target=incident, kind=recipient)
    return letter


MAX_BLUR_REGIONS = 200


def blur_regions_set(
    *, evidence: Evidence, regions: list[Region], by: User, request: HttpRequest | None = None
) -> BlurredCopy | None:
    """Replace a photo's blur regions with `regions` (relative x, y, width, height) and make its
    blurred copy from the copy without metadata, sealed under the photo's data key; no regions:
    no blurred copy (shared copies are the copy without metadata again). The photo's packet
    derivative is dropped so the next packet embeds the blurred copy. The original is neither
    read nor written. The caller has scoped `evidence` (cases.access.evidence_list_visible_to)."""
    if not is_photo(evidence):
        raise ValidationError(_("Only photos can be blurred."))
    if len(regions) > MAX_BLUR_REGIONS:
        raise ValidationError(_("Too many regions."))
    if not all(math.isfinite(n) for region in regions for n in region):  # NaN passes every comparison
        raise ValidationError(_("A region must lie within the photo."))
    rows = [BlurRegion(evidence=evidence, x=x, y=y, w=w, h=h, marked_by=by) for x, y, w, h in regions]
    for row in rows:
        row.full_clean(exclude=["evidence", "marked_by"])
        if row.x + row.w > 1.0001 or row.y + row.h > 1.0001 or row.w <= 0 or row.h <= 0:
            raise ValidationError(_("A region must lie within the photo."))
    copy: BlurredCopy | None = None
    with transaction.atomic():
        old = BlurredCopy.objects.filter(evidence=evidence).first()
        if old is not None:
            old.delete()  # its sealed file goes with it (claims.receivers)
        BlurRegion.objects.filter(evidence=evidence).delete()
        BlurRegion.objects.bulk_create(rows)
        if rows:
            data = blurred_jpeg(evidence_bytes_for_render(evidence=evidence), regions)  # the copy without metadata
            copy = BlurredCopy(evidence=evidence, source_sha256=evidence.sha256, regions=len(rows), size=len(data))
            sealed = datakeys.seal(scope=datakeys.scope_of_evidence(evidence), data=data, context=copy.crypto_context)
            copy.file.save("blurred", ContentFile(sealed), save=False)
            copy.save()
        for derivative in PhotoDerivative.objects.filter(evidence=evidence):
            derivative.delete()  # its file too (documents.receivers); the next packet makes it again
        audit_record(actor=by, action="evidence.blur", target=evidence, request=request, count=len(rows))
    return copy


def face_proposals_for(*, evidence: Evidence) -> list[Region]:
    """The faces the detector proposes on a photo (`documents.photos.face_proposals`, on its copy
    without metadata), detected once and stored (`FaceProposals`) for its bytes and the
    detector's settings, then read back: the editor opens without running the detector again.
    A photo that cannot be decoded gets no proposal (and is tried again next time). The caller
    has scoped `evidence`."""
    stored = FaceProposals.objects.filter(
        evidence=evidence, source_sha256=evidence.sha256, detector=DETECT_RECIPE
    ).first()
    if stored is not None:
        return [(float(x), float(y), float(w), float(h)) for x, y, w, h in stored.regions]
    try:
        regions = face_proposals(evidence_bytes_for_render(evidence=evidence))
    except Exception:  # an undecodable photo: nothing proposed, the user still draws by hand
        logger.warning("faces could not be detected on a photo", exc_info=False)
        return []
    try:
        with transaction.atomic():
            FaceProposals.objects.update_or_create(
                evidence=evidence,
                defaults={"source_sha256": evidence.sha256, "detector": DETECT_RECIPE, "regions": regions},
            )
    except IntegrityError:  # stored a moment ago by another request: the same proposals
        pass
    return regions
