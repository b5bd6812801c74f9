"""A realistic case history to purge: a closed case with everything hanging off it, a shared incident,
and a neighbour whose active case must come through untouched."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import ArrestSeen, Case, Demonstrator, Evidence
from cases.services import case_close, evidence_add
from citations.deadlines import deadlines_mark_missed
from citations.models import CitationStatus, Disposition, Payment, Response
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    DemonstratorFactory,
    EventFactory,
    IncidentFactory,
    WitnessStatementFactory,
    png_bytes,
)

LONG_AGO = datetime.date(2023, 3, 1)
TODAY = datetime.date(2026, 6, 1)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))


@dataclass
class Scenario:
    person: Demonstrator
    case: Case
    neighbour: Case
    secrets: list[str]  # plaintext that must vanish
    kept_secrets: list[str]  # the neighbour's, which must survive
    evidence: list[Evidence]


def build(*, coordinator, lawyer) -> Scenario:
    event = EventFactory(name="Encampment", starts_at=at(LONG_AGO))
    person = DemonstratorFactory(
        legal_name="Zelda Quixote-Marsh", preferred_name="Zed", phone="215-555-0177",
        date_of_birth=datetime.date(1991, 2, 3), email="zelda.qm@example.org", postal_address="77 Hidden Court",
        special_needs="Insulin at 6pm", support_notes="Sister is Yara Quixote",
    )  # fmt: skip
    neighbour_person = DemonstratorFactory(legal_name="Norbert Keepme", phone="215-555-0999")
    case = CaseFactory(event=event, demonstrator=person, lawyers=[lawyer], opened_on=LONG_AGO,
                       lawyer_notes="Client says officer 4410 swung first")  # fmt: skip
    neighbour = CaseFactory(event=event, demonstrator=neighbour_person, opened_on=LONG_AGO)
    ArrestFactory(case=case, arrested_at=at(LONG_AGO), place="Behind 77 Hidden Court", charges="5502 for Zelda",
                  police_report_number="PR-ZQM-1")  # fmt: skip
    # Paid on the day and closed: nothing pending on it (an open citation would hold the case).
    citation = CitationFactory(case=case, number="CVN-ZQM-0001", issued_at=at(LONG_AGO), place="Zelda's corner",
                               docket_number="MC-51-SU-ZQM", courtroom="1104", status=CitationStatus.CLOSED,
                               response=Response.PAID, disposition=Disposition.PAID, decided_on=LONG_AGO,
                               closed_on=LONG_AGO)  # fmt: skip
    Payment.objects.create(citation=citation, amount=Decimal("50.00"), paid_on=LONG_AGO, reference="RCPT-ZQM")
    CitationFactory(case=neighbour, number="CVN-NK-0002", issued_at=at(LONG_AGO))

    own_incident = IncidentFactory(event=event, occurred_at=at(LONG_AGO), narrative="Zelda was thrown down",
                                   injuries="Zelda: wrist", witnesses="Yara 267-555-0133")  # fmt: skip
    own_incident.people_affected.add(case)
    shared = IncidentFactory(event=event, occurred_at=at(LONG_AGO), narrative="Line pushed (shared)")
    shared.people_affected.add(case, neighbour)
    ArrestSeen.objects.create(incident=shared, case=case, person_description="Zelda, red coat")
    ArrestSeen.objects.create(incident=shared, case=neighbour, person_description="Norbert, green hat")
    complaint = ComplaintFactory(case=case, narrative="Baton to Zelda's wrist", injuries="Fractured wrist",
                                 treatment="ER at Jefferson", reference_number="CPOC-ZQM")  # fmt: skip
    complaint.incidents.add(own_incident)
    WitnessStatementFactory(case=case, witness_name="Walter Witnessman", witness_contact="267-555-0144",
                            statement="I saw Zelda fall")  # fmt: skip
    WitnessStatementFactory(case=None, complaint=complaint, witness_name="Wanda Watcher", statement="Baton swing")
    WitnessStatementFactory(case=None, incident=own_incident, witness_name="Ivo Incidentwit", statement="Saw it")
    WitnessStatementFactory(case=neighbour, witness_name="Nadia Neighbourwit", statement="Norbert was calm")
    evidence = [
        evidence_add(upload=SimpleUploadedFile("a.png", png_bytes()), kind="photo", content_type="image/png",
                     by=coordinator, description="Zelda's wrist", case=case),
        evidence_add(upload=SimpleUploadedFile("b.txt", b"ER note for Zelda Quixote-Marsh"), kind="document",
                     content_type="text/plain", by=coordinator, complaint=complaint),
        evidence_add(upload=SimpleUploadedFile("c.png", png_bytes((6, 6))), kind="photo", content_type="image/png",
                     by=coordinator, incident=own_incident),
    ]  # fmt: skip
    neighbour_evidence = evidence_add(
        upload=SimpleUploadedFile("n.txt", b"Norbert's receipt"), kind="document", content_type="text/plain",
        by=coordinator, case=neighbour,
    )  # fmt: skip
    # The complaint's civil-claim window is still open on closing: the close is confirmed.
    case_close(case=case, by=coordinator, closed_on=LONG_AGO + datetime.timedelta(days=30), confirm=True,
               note="Client asked to close; complaint handled outside")  # fmt: skip
    # By TODAY the daily sweep has marked the complaint's passed deadlines missed (an open one would hold it).
    deadlines_mark_missed(now=at(TODAY))
    secrets = [
        "Zelda", "Quixote", "215-555-0177", "1991-02-03", "zelda.qm@example.org", "Hidden Court", "Insulin",
        "Yara", "officer 4410 swung", "CVN-ZQM-0001", "MC-51-SU-ZQM", "RCPT-ZQM", "PR-ZQM-1", "CPOC-ZQM",
        "Walter Witnessman", "Wanda Watcher", "Ivo Incidentwit", "Fractured wrist", "ER at Jefferson",
    ]  # fmt: skip
    kept = ["Norbert Keepme", "215-555-0999", "CVN-NK-0002", "Nadia Neighbourwit", "Line pushed (shared)",
            "Norbert, green hat"]  # fmt: skip
    assert neighbour_evidence.pk
    return Scenario(person, case, neighbour, secrets, kept, evidence)
