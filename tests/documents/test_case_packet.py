"""The case packet as a lawyer receives it: opened with pypdf and read."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader

from citations.models import Deadline
from documents.models import PacketKind
from documents.services import packet_for_case
from tests.documents.conftest import pdf_text, squash
from tests.documents.scenario import NAMES, build_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def packet(module_db):  # type: ignore[no-untyped-def]
    def build():  # type: ignore[no-untyped-def]
        lawyer = UserFactory(username="packet_lawyer", first_name="Laura", last_name="Lawyer", role="lawyer")
        s = build_case(lawyer=lawyer)
        result = packet_for_case(case=s["case"], by=lawyer, kind=PacketKind.CASE)
        complaint = packet_for_case(case=s["case"], by=lawyer, kind=PacketKind.COMPLAINT, confirm=True)
        claim = Deadline.objects.get(complaint=s["complaint"], kind="civil_claim")
        return {
            "complaint_pdf": complaint.pdf,
            "civil_claim_due": claim.due_on.isoformat(),
            "forces": [f.label for f in s["complaint"].force_types.all()],
            "pdf": result.pdf,
            "sha256": result.packet.sha256,
            "pages": result.packet.pages,
            "input_hash": result.packet.input_hash,
            "case_number": s["case"].number,
            "photo_sha": s["photo"].sha256,
            "document_sha": s["document"].sha256,
            "citations": [c.number for c in s["citations"]],
            "hearing": s["hearing"],
            "event": s["event"].name,
            "deadlines": [
                (d.get_kind_display(), d.due_on.isoformat(), d.citation.number if d.citation_id else "", d.warrant_risk)
                for d in Deadline.objects.filter(case=s["case"])
            ],
        }

    return module_db(build)


@pytest.fixture(scope="module")
def text(packet):  # type: ignore[no-untyped-def]
    return pdf_text(packet["pdf"])


def test_cover_sheet_names_the_case_client_event_and_lawyer(packet, text):  # type: ignore[no-untyped-def]
    assert "Case packet" in text
    assert packet["case_number"] in text
    assert NAMES["spanish"] in text
    assert packet["event"] in text
    assert "Laura Lawyer" in text


def test_every_page_has_the_running_header_and_page_x_of_y(packet):  # type: ignore[no-untyped-def]
    reader = PdfReader(io.BytesIO(packet["pdf"]))
    pages = len(reader.pages)
    assert pages == packet["pages"] >= 2
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert f"Case {packet['case_number']}" in page_text
        assert "Privileged and confidential: attorney work product" in page_text
        assert f"Page {number} of {pages}" in page_text
        assert f"content hash {packet['input_hash'][:12]}" in page_text


def test_citations_table_has_status_amounts_and_deadlines(packet, text):  # type: ignore[no-untyped-def]
    for number in packet["citations"]:
        assert number in text
    flat = squash(text)
    assert "Fine$75.00" in flat and "Costs$12.50" in flat
    assert "Balance$30.00" in flat  # $50 CVN with $20 paid
    assert "Refunded$100.00" in flat
    assert "Hearingscheduled" in flat


def test_every_deadline_is_listed_with_its_due_date(packet, text):  # type: ignore[no-untyped-def]
    kinds = {kind for kind, *_ in packet["deadlines"]}
    # The three tracks and the complaint: respond, pay or dispute, appear, civil claim.
    assert {"Respond to the citation (plea)", "Pay or dispute the notice", "Appear at the hearing"} <= kinds
    assert "Bring a civil claim" in kinds
    flat = squash(text)
    for kind, due, number, _ in packet["deadlines"]:
        assert squash(kind) in flat and due in flat and (number in flat)
    assert any(risk for *_, risk in packet["deadlines"])
    assert "Warrant risk if missed" in text


def test_arrest_timeline_reports_statements(packet, text):  # type: ignore[no-untyped-def]
    assert "PR-2018-00006" in text
    assert "Arrested at 8th & Arch St" in text
    assert "Observer report" in text and "Capt. L. Murphy" in text
    assert "UNRELATED-REPORT-XYZ" not in text  # a report that does not concern the client
    assert "Sgt. R. Malone" in text and "B-17" in text
    assert f"I saw {NAMES['vietnamese']}" in text


def test_timeline_is_chronological(text):  # type: ignore[no-untyped-def]
    timeline = text[text.index("Timeline") :]
    order = [
        timeline.index(marker)
        for marker in ("Observer report", "Arrest", "Citation CVN-2026-00042 issued", "Hearing on citation")
    ]
    assert order == sorted(order)


def test_evidence_index_has_hashes_capture_time_and_custody(packet, text):  # type: ignore[no-untyped-def]
    flat = squash(text)
    assert packet["photo_sha"] in flat
    assert packet["document_sha"] in flat
    assert "Custody:" in text and "Uploaded" in text


def test_photo_is_embedded_as_a_jpeg(packet):  # type: ignore[no-untyped-def]
    pdf = pikepdf.open(io.BytesIO(packet["pdf"]))
    images = {image.objgen: str(image.get("/Filter")) for page in pdf.pages for image in page.get_images().values()}
    assert list(images.values()) == ["/DCTDecode"]


def test_names_in_four_scripts_have_glyphs_in_embedded_fonts(packet, text):  # type: ignore[no-untyped-def]
    for name in NAMES.values():
        if name == NAMES["arabic"]:
            continue  # the case packet carries the Arabic name in the statement only
        assert name in text
    pdf = pikepdf.open(io.BytesIO(packet["pdf"]))
    fonts = set()
    for page in pdf.pages:
        for _, font in page.resources.get("/Font", {}).items():
            descendant = font.get("/DescendantFonts")
            descriptor = descendant[0].get("/FontDescriptor") if descendant else font.get("/FontDescriptor")
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), "font not embedded"
            fonts.add(str(font.get("/BaseFont")).split("+", 1)[-1])
    assert {"Packet-Sans", "Packet-CJK", "Packet-Arabic"} <= fonts


def test_case_packet_claims_pdf_a_3a_with_its_metadata(packet):  # type: ignore[no-untyped-def]
    doc = pikepdf.open(io.BytesIO(packet["pdf"]))
    meta = doc.open_metadata()
    assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "A")
    assert meta["dc:title"] == f"Case packet {packet['case_number']}"
    assert "Laura Lawyer" in str(meta["dc:creator"])
    assert "/OutputIntents" in doc.Root and "/StructTreeRoot" in doc.Root


def test_complaint_packet_for_the_oversight_body(packet):  # type: ignore[no-untyped-def]
    text = pdf_text(packet["complaint_pdf"])
    flat = squash(text)
    assert "Excessive-force complaint" in text and "Civilian oversight commission" in text
    assert NAMES["spanish"] in text and packet["case_number"] in text
    assert "Struck with a bicycle while walking away" in text
    assert "Sgt. R. Malone" in text and "4100" in text  # named officer with badge and unit
    assert "Helmet B-17" in text and squash("Tall, grey moustache, badge taped over") in flat  # unidentified
    for force in packet["forces"]:
        assert squash(force) in flat
    assert "Bruised wrist" in text and "Seen at Jefferson ER the same night" in text
    assert NAMES["chinese"] in text  # the witness
    assert "Bring a civil claim" in text and packet["civil_claim_due"] in text
    assert packet["photo_sha"] in flat
    assert "A lawyer confirmed" in text  # the client has open citations
    assert "Page 1 of" in text
