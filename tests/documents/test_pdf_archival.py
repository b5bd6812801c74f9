"""What the file claims about itself: PDF/A-3b identification, output intent, metadata, tags."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader

from documents.pdf import render_pdf


@pytest.fixture(scope="module")
def pdf() -> bytes:
    html = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Case packet 2026-0042</title>
    <meta name="author" content="Laura Lawyer"><meta name="description" content="Case packet: citations and evidence">
    <meta name="keywords" content="case packet"></head>
    <body><div class="running-case">Case 2026-0042</div><h1>Case packet</h1><p>Nguyễn Thị Lan, 李伟, فاطمة</p></body></html>"""
    return render_pdf(html).pdf


def test_claims_pdf_a_3b_in_xmp(pdf):  # type: ignore[no-untyped-def]
    doc = pikepdf.open(io.BytesIO(pdf))
    meta = doc.open_metadata()
    assert meta["pdfaid:part"] == "3"
    assert meta["pdfaid:conformance"] == "B"
    assert meta["dc:title"] == "Case packet 2026-0042"
    assert "Laura Lawyer" in str(meta["dc:creator"])
    assert meta["dc:description"] == "Case packet: citations and evidence"


def test_has_an_srgb_output_intent_with_an_icc_profile(pdf):  # type: ignore[no-untyped-def]
    doc = pikepdf.open(io.BytesIO(pdf))
    intents = doc.Root.OutputIntents
    assert len(intents) == 1
    intent = intents[0]
    assert intent.S == "/GTS_PDFA1"
    assert int(intent.DestOutputProfile.N) == 3
    assert len(intent.DestOutputProfile.read_bytes()) > 1000


def test_document_info_title_author_subject(pdf):  # type: ignore[no-untyped-def]
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info.title == "Case packet 2026-0042"
    assert info.author == "Laura Lawyer"
    assert info.subject == "Case packet: citations and evidence"


def test_tagged_for_assistive_technology(pdf):  # type: ignore[no-untyped-def]
    doc = pikepdf.open(io.BytesIO(pdf))
    assert bool(doc.Root.MarkInfo.Marked) is True
    assert "/StructTreeRoot" in doc.Root
    assert str(doc.Root.Lang) == "en"
    assert bool(doc.Root.ViewerPreferences.DisplayDocTitle) is True
    assert doc.pdf_version == "1.7"
    assert doc.trailer.ID  # PDF/A requires a file identifier


def test_every_font_is_embedded(pdf):  # type: ignore[no-untyped-def]
    doc = pikepdf.open(io.BytesIO(pdf))
    for page in doc.pages:
        for _, font in page.Resources.Font.items():
            descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
