"""A realistic case for packet tests: names in four scripts, three citations on the three tracks,
an arrest, two observer reports, a complaint, statements and a photo. Returns what a packet must
show so tests can look for it in the PDF text."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import (
    ArrestSeen,
    BadgeStatus,
    CaseStatus,
    ExcessiveForceComplaint,
    ForceType,
    IncidentOfficer,
    WitnessStatement,
)
from cases.services import evidence_add
from citations.deadlines import sync_citation_deadlines, sync_complaint_deadlines
from citations.models import CitationKind, CitationStatus, PaymentKind, Response
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    DemonstratorFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
    PaymentFactory,
    UserFactory,
)

NAMES = {
    "spanish": "José Núñez García",
    "vietnamese": "Nguyễn Thị Lan",
    "arabic": "فاطمة حداد",
    "chinese": "李伟",
}


def photo_bytes(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (640, 480)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def build_case(
    *, lawyer: Any, text: dict[str, str] | None = None, with_complaint: bool = True, suffix: str = ""
) -> dict[str, Any]:
    """`text` overrides free-text values (the hostile-input tests pass attacks in every field);
    `suffix` keeps numbers and the event name unique when a test builds several cases."""
    t = {
        "legal_name": NAMES["spanish"],
        "preferred_name": "",
        "pronouns": "he/him",
        "event_name": "Encampment at the federal building",
        "place": "8th & Arch St",
        "narrative": "Officers on bicycles pushed into a seated group; the client was walking away.",
        "injuries": "Bruised wrist",
        "witnesses": "Two legal observers in green hats",
        "statement": f"I saw {NAMES['vietnamese']} and {NAMES['arabic']} pushed by an officer; {NAMES['chinese']} filmed it.",
        "witness_name": NAMES["chinese"],
        "complaint_narrative": "Struck with a bicycle while walking away as instructed.",
        "treatment": "Seen at Jefferson ER the same night",
        "description": "Photo of the injury",
        "charges": "18 Pa.C.S. § 5502 failure to disperse",
        "officer_features": "Tall, grey moustache, badge taped over",
        "offense_description": "Failure to disperse upon official order",
        **(text or {}),
    }
    now = timezone.now()
    event = EventFactory(
        name=(t["event_name"] + suffix)[:200], starts_at=now - datetime.timedelta(days=10), place=t["place"][:300]
    )
    person = DemonstratorFactory(legal_name=t["legal_name"], preferred_name=t["preferred_name"], pronouns=t["pronouns"])
    case = CaseFactory(event=event, demonstrator=person, lawyers=[lawyer], status=CaseStatus.ACTIVE)
    issued = now - datetime.timedelta(days=9)
    hearing = (now + datetime.timedelta(days=12)).replace(hour=14, minute=0, second=0, microsecond=0)
    cvn = CitationFactory(
        case=case, number="CVN-2026-00042" + suffix, kind=CitationKind.PHL_CVN, offense_code="Phila. Code § 10-611",
        offense_description=t["offense_description"][:200], fine=Decimal("50.00"), issued_at=issued, place=t["place"][:300],
    )  # fmt: skip
    PaymentFactory(citation=cvn, amount=Decimal("20.00"))
    # A traffic summary citation: its 10-day answer carries a warrant risk in Philadelphia too (a
    # non-traffic one there follows Rule 1002: a notice to appear, tests/citations/test_rule_1002.py).
    summary = CitationFactory(
        case=case, number="SC-2026-00077" + suffix, kind=CitationKind.TRAFFIC, offense_code="75 Pa.C.S. § 3714",
        fine=Decimal("75.00"), costs=Decimal("12.50"), issued_at=issued + datetime.timedelta(minutes=5),
        officer_name_as_written="Ofc. T. Bradley", officer_badge_as_written="4137",
    )  # fmt: skip
    nta = CitationFactory(
        case=case, number="MC-2026-00105" + suffix, kind=CitationKind.PHL_SUMMARY_NTA, offense_code="18 Pa.C.S. § 5503",
        offense_subsection="(a)(4)", fine=Decimal("100.00"), issued_at=issued + datetime.timedelta(minutes=10),
        hearing_at=hearing, courtroom="1104", status=CitationStatus.HEARING_SCHEDULED, response=Response.NOT_GUILTY,
        responded_at=issued + datetime.timedelta(days=2),
    )  # fmt: skip
    PaymentFactory(citation=nta, amount=Decimal("100.00"))
    PaymentFactory(citation=nta, amount=Decimal("100.00"), kind=PaymentKind.REFUND)
    arrest = ArrestFactory(
        case=case, arrested_at=issued - datetime.timedelta(hours=1), place=t["place"][:300], charges=t["charges"],
        police_report_number="PR-2018-00006", injured=True,
    )  # fmt: skip
    observer = UserFactory(role="observer")
    known = OfficerFactory(name="Sgt. R. Malone", badge_number="4100" + suffix, unit="Bike Unit")
    unknown = OfficerFactory(
        name="",
        badge_number="",
        badge_status=BadgeStatus.COVERED,
        helmet_number="B-17",
        description=t["officer_features"],
    )
    incident = IncidentFactory(
        reporter=observer, event=event, occurred_at=issued - datetime.timedelta(hours=2), place=t["place"][:300],
        narrative=t["narrative"], injuries=t["injuries"], witnesses=t["witnesses"], commander_present="Capt. L. Murphy",
    )  # fmt: skip
    incident.people_affected.add(case)
    IncidentOfficer.objects.create(incident=incident, officer=known, badge_as_seen="4100" + suffix)
    IncidentOfficer.objects.create(incident=incident, officer=unknown, features_as_seen=t["officer_features"])
    forces = list(ForceType.objects.order_by("id")[:2])
    incident.force_types.set(forces)
    seen = IncidentFactory(
        reporter=observer, event=event, occurred_at=issued - datetime.timedelta(minutes=70), place="Arch St"
    )
    ArrestSeen.objects.create(incident=seen, case=case, person_description="Person in yellow raincoat")
    unrelated = IncidentFactory(reporter=observer, event=event, narrative="UNRELATED-REPORT-XYZ")

    complaint = None
    if with_complaint:
        complaint = ExcessiveForceComplaint.objects.create(
            case=case, narrative=t["complaint_narrative"], injuries=t["injuries"], treatment=t["treatment"]
        )
        complaint.incidents.set([incident])
        complaint.officers.set([known, unknown])
        complaint.force_types.set(forces)
    sync_citation_deadlines([cvn, summary, nta])
    if complaint is not None:
        sync_complaint_deadlines([complaint])
    statement = WitnessStatement.objects.create(
        witness_name=t["witness_name"], witness_contact="267-555-0199", statement=t["statement"],
        taken_by=lawyer, complaint=complaint, incident=incident if complaint is None else None,
        case=case if complaint is None else None,
    )  # fmt: skip
    photo = evidence_add(
        upload=ContentFile(photo_bytes(), name="p.png"), kind="photo", content_type="image/png", by=observer,
        description=t["description"], captured_at=issued - datetime.timedelta(hours=2), incident=incident,
    )  # fmt: skip
    document = evidence_add(
        upload=ContentFile(b"ER discharge summary\n", name="n.txt"), kind="document", content_type="text/plain",
        by=lawyer, description="ER discharge summary", case=case,
    )  # fmt: skip
    return {
        "case": case,
        "event": event,
        "person": person,
        "citations": [cvn, summary, nta],
        "hearing": hearing,
        "arrest": arrest,
        "incident": incident,
        "unrelated": unrelated,
        "complaint": complaint,
        "statement": statement,
        "photo": photo,
        "document": document,
        "officers": [known, unknown],
        "text": t,
    }
