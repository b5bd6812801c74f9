"""What the file claims about itself: PDF/A-3a identification, output intent, metadata, and the
structure tree that level "a" (accessible) stands for."""

from __future__ import annotations

import io
from importlib.metadata import version

import pikepdf
import pytest
from pypdf import PdfReader

from documents.archival import RENDERER_VERSION
from documents.assets import image_url
from documents.pdf import render_pdf


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    html = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Case packet 2026-0042</title>
    <meta name="author" content="Laura Lawyer"><meta name="description" content="Case packet: citations and evidence">
    <meta name="keywords" content="case packet"></head>
    <body><div class="running-case">Case 2026-0042</div><h1>Case packet</h1><p>Nguyễn Thị Lan, 李伟, فاطمة</p>
    <h2>Citations</h2><table><thead><tr><th>Number</th><th>Status</th></tr></thead>
    <tbody><tr><td>SC-1</td><td>Issued</td></tr></tbody></table>
    <img src="IMAGE" alt="Evidence photo E-1: the police line at 5th and Market"></body></html>"""
    return render_pdf(html.replace("IMAGE", image_url("p1")), images={"p1": jpeg_bytes()}).pdf


def test_claims_pdf_a_3a_in_xmp(pdf):  # type: ignore[no-untyped-def]
    doc = pikepdf.open(io.BytesIO(pdf))
    meta = doc.open_metadata()
    assert meta["pdfaid:part"] == "3"
    assert meta["pdfaid:conformance"] == "A"
    assert meta["dc:title"] == "Case packet 2026-0042"
    assert "Laura Lawyer" in str(meta["dc:creator"])
    assert meta["dc:description"] == "Case packet: citations and evidence"


def test_the_renderer_version_names_the_variant_the_file_claims(pdf):  # type: ignore[no-untyped-def]
    """Packets' template digest hashes RENDERER_VERSION: it must say what is rendered (it said
    PDF/A-3b while the files were PDF/A-3a)."""
    meta = pikepdf.open(io.BytesIO(pdf)).open_metadata()
    claimed = f"pdf/a-{meta['pdfaid:part']}{meta['pdfaid:conformance'].lower()}"
    assert f"/{claimed}/tagged/" in RENDERER_VERSION
    assert RENDERER_VERSION.startswith(f"weasyprint-{version('weasyprint')}/")


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


def _structure(node, out: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            out.append((str(kid.S), str(kid.get("/Alt", ""))))
            _structure(kid, out)


def test_structure_tree_has_headings_tables_and_figures_with_alt_text(pdf):  # type: ignore[no-untyped-def]
    doc = pikepdf.open(io.BytesIO(pdf))
    elements: list[tuple[str, str]] = []
    _structure(doc.Root.StructTreeRoot, elements)
    roles = [role for role, _ in elements]
    assert "/H1" in roles and "/H2" in roles and "/P" in roles
    assert "/Table" in roles and "/TH" in roles and "/TD" in roles
    figures = [alt for role, alt in elements if role == "/Figure"]
    assert figures == ["Evidence photo E-1: the police line at 5th and Market"]
