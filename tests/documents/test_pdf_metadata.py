"""Every PDF's metadata block (title, author, subject, keywords, when it was generated, its
content hash) comes from one helper, `documents.archival.pdf_metadata`: the claims PDFs (the
roster, a preservation letter, a chain of custody) carry it in their document properties and
their running line."""

import datetime
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from cases.services import evidence_add
from claims.evidence_export import custody_pdf
from claims.exports import preservation_letter_pdf, roster_pdf
from claims.selectors import plaintiff_roster, preservation_plans
from documents.archival import pdf_metadata
from tests.documents.conftest import pdf_text
from tests.factories import CaseFactory, EventFactory, IncidentFactory

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 7, 3, 16, 0, tzinfo=datetime.UTC)  # noon in Philadelphia


def test_the_block_is_written_in_the_current_time_zone():
    with timezone.override("America/New_York"), time_machine.travel(NOON, tick=False):
        block = pdf_metadata(title="T", subject="S", keywords="k", content_hash="abc")
    assert block == {
        "title": "T",
        "subject": "S",
        "author": "Legal support team",
        "keywords": "k",
        "generated_at": "2026-07-03 12:00 EDT",
        "generated_date": "July 3, 2026",
        "generated_iso": "2026-07-03T12:00:00-04:00",
        "content_hash": "abc",
    }


def test_the_claims_pdfs_carry_it(lawyer, observer, coordinator):
    event = EventFactory(name="Encampment")
    case = CaseFactory(event=event, lawyers=[lawyer])
    incident = IncidentFactory(event=event, reporter=observer, place="Broad & Arch")
    incident.people_affected.add(case)
    item = evidence_add(
        upload=ContentFile(b"notes\n", name="n.txt"), kind="document", content_type="text/plain", by=observer,
        incident=incident,
    )  # fmt: skip
    plan = next(p for p in preservation_plans(incident=incident) if p.recipient == "police")
    pdfs = {
        "Plaintiff roster: Encampment": roster_pdf(plaintiff_roster(event=event, user=coordinator), event),
        "Preservation demand: Police department": preservation_letter_pdf(incident=incident, plan=plan),
        f"Chain of custody: evidence {item.public_id}": custody_pdf(item),
    }
    for title, data in pdfs.items():
        info = PdfReader(io.BytesIO(data)).metadata
        assert info.title == title and info.author == "Legal support team", title
        assert info.creation_date is not None
        assert "Generated " in pdf_text(data)
    assert f"content hash {item.sha256[:12]}" in pdf_text(pdfs[f"Chain of custody: evidence {item.public_id}"])
