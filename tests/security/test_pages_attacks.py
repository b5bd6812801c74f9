"""The web pages and the PDF packets attacked: another lawyer's client through every page,
packet and export; an organizer after personal data; stored HTML, script and CSS payloads in every
text field, rendered in every page and in the PDF packet."""

from __future__ import annotations

import io
import uuid

import pytest
from django.db import models
from django.test import Client
from django.utils import timezone

from cases.fields import BlindIndexField, EncryptedDateField
from cases.models import Case, Demonstrator, ForceType
from citations.models import Citation
from tests.factories import CitationFactory
from tests.security.conftest import leaks, marker

SCRIPT = '"><script>alert(1)</script>'
PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(2)><style>*{display:none}</style>"\'><svg onload=alert(3)><link rel=attachment href="file:///etc/passwd"><img src="http://127.0.0.1:9/leak">'
RAW_DANGER = ["<script>alert", "<img src=x", "<style>*", "<svg onload", "<link rel=attachment", 'href="file:', "<img src=\"http"]  # fmt: skip


def csrf_post(client: Client, url: str, data: dict | None = None):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


@pytest.fixture
def citations(victim):
    w = victim
    mine = CitationFactory(case=w.case_a, number="C-MINE-1")
    theirs = CitationFactory(case=w.case_b, number="C-THEIRS-1", place=marker("citation_place"),
                             docket_number=marker("docket")[:60], officer_name_as_written="Ofc. Plain")  # fmt: skip
    return mine, theirs


@pytest.mark.django_db
def test_a_lawyer_cannot_reach_another_lawyers_client_through_pages_packets_or_exports(
    victim, citations, lawyer, client_for
):
    w = victim
    _mine, theirs = citations
    web = client_for(lawyer)
    for url in [f"/desk/cases/{w.case_b.public_id}/", f"/desk/citations/{theirs.public_id}/",
                f"/evidence/{w.evidence_b.public_id}/download/", f"/coordination/cases/{w.case_b.public_id}/assign/"]:  # fmt: skip
        response = web.get(url)
        assert response.status_code in (403, 404), url
        assert not leaks(response.content, w), url
    for url in ["/desk/cases/", "/desk/due/", "/desk/docket/", f"/desk/cases/{w.case_a.public_id}/",
                "/citations/export.csv", "/observe/reports/", "/citations/dashboard/"]:  # fmt: skip
        response = web.get(url)
        assert not leaks(response.content, w), url
        assert b"C-THEIRS-1" not in response.content, url
    before = Citation.objects.get(pk=theirs.pk).status
    for url in [f"/documents/cases/{w.case_b.public_id}/packet/", f"/desk/citations/{theirs.public_id}/plea/",
                f"/desk/citations/{theirs.public_id}/close/", f"/coordination/cases/{w.case_b.public_id}/assign/"]:  # fmt: skip
        response = csrf_post(web, url, {"response": "not_guilty", "lawyers": [lawyer.pk]})
        assert response.status_code in (403, 404), url
        assert not leaks(response.content, w) and not response.content.startswith(b"%PDF"), url
    assert Citation.objects.get(pk=theirs.pk).status == before
    assert list(Case.objects.get(pk=w.case_b.pk).lawyers.all()) != [lawyer]
    docket = csrf_post(web, "/documents/docket/packet/", {"date": timezone.localdate().isoformat()})
    if docket.status_code == 200:
        assert not leaks(pdf_text(docket.content), w)


@pytest.mark.django_db
def test_an_organizer_reaches_no_personal_data_through_any_page(victim, citations, organizer, client_for):
    w = victim
    web = client_for(organizer)
    urls = ["/", "/citations/dashboard/", "/desk/cases/", f"/desk/cases/{w.case_b.public_id}/", "/desk/due/",
            "/desk/docket/", "/coordination/", "/coordination/audit/", "/coordination/accounts/",
            "/citations/export.csv", "/citations/import/", "/observe/reports/", "/admin/",
            f"/evidence/{w.evidence_b.public_id}/download/", "/citations/calendar/", "/security/lockdown/",
            f"/desk/citations/{citations[1].public_id}/", "/citations/dashboard/?event=" + str(w.event.public_id)]  # fmt: skip
    for url in urls:
        response = web.get(url)
        assert not leaks(response.content, w), url
        assert b"Ana Alvarez" not in response.content, url
        if url not in ("/", "/citations/dashboard/", urls[-1]):
            assert response.status_code in (302, 403, 404), (url, response.status_code)
    packet = csrf_post(web, f"/documents/cases/{w.case_a.public_id}/packet/")
    assert packet.status_code in (403, 404) and not packet.content.startswith(b"%PDF")


def fill_text_fields(obj: models.Model, payload: str) -> None:
    """Put the payload in every free-text column of a row (as much as each one holds)."""
    for field in obj._meta.concrete_fields:
        if (
            isinstance(field, (BlindIndexField, EncryptedDateField))
            or field.choices
            or not isinstance(field, (models.CharField, models.TextField))
        ):
            continue
        if (
            field.name in ("number", "sha256", "content_type", "served_content_type", "key", "time_zone")
            or not field.editable
        ):
            continue
        limit = getattr(field, "plain_max_length", None) or field.max_length or 10_000
        if limit >= len(SCRIPT):
            setattr(obj, field.name, payload[:limit] if limit >= len(payload) else SCRIPT)
    obj.save()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def poisoned(victim, citations, lawyer):
    """Everything on the lawyer's side, plus the shared rows (event, officer, force type, the
    lawyer's own name), carries the payload."""
    w = victim
    for obj in [w.event, w.case_a, w.case_a.demonstrator, w.arrest_a, w.complaint_a, w.statement_a, w.incident_o,
                w.evidence_o, w.officer, citations[0], *w.incident_o.officer_sightings.all(),
                ForceType.objects.get(code="baton")]:  # fmt: skip
        fill_text_fields(obj, PAYLOAD)
    lawyer.first_name, lawyer.last_name = SCRIPT[:150], SCRIPT[:150]
    lawyer.save()
    assert PAYLOAD in Demonstrator.objects.get(pk=w.case_a.demonstrator.pk).support_notes
    return w


def assert_escaped(html: str, where: str) -> None:
    for fragment in RAW_DANGER:
        assert fragment not in html, f"{where}: unescaped {fragment!r}"


@pytest.mark.django_db
def test_stored_html_script_and_css_payloads_are_escaped_in_every_page(
    poisoned, citations, client_for, lawyer, coordinator, administrator, observer, organizer
):
    w = poisoned
    pages = {
        lawyer: ["/", "/desk/cases/", f"/desk/cases/{w.case_a.public_id}/", f"/desk/citations/{citations[0].public_id}/",
                 "/desk/due/", "/desk/docket/", "/citations/calendar/"],
        coordinator: ["/coordination/", f"/coordination/cases/{w.case_a.public_id}/assign/", "/coordination/accounts/",
                      "/coordination/audit/", "/desk/cases/", f"/desk/cases/{w.case_a.public_id}/", "/citations/import/"],
        # the admin is the administrators' only (coordinators work in their own pages)
        administrator: [f"/admin/cases/demonstrator/{w.case_a.demonstrator.pk}/change/",
                        f"/admin/cases/incident/{w.incident_o.pk}/change/", "/admin/cases/officer/"],
        observer: ["/observe/reports/", "/observe/"],
        organizer: ["/citations/dashboard/"],
    }  # fmt: skip
    shown = 0
    for user, urls in pages.items():
        web = client_for(user)
        for url in urls:
            response = web.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
            html = response.content.decode()
            assert_escaped(html, url)
            shown += html.count("&lt;script&gt;alert(1)")
    assert shown >= 10, "the payloads must actually be on the pages for this test to mean anything"


@pytest.mark.django_db
def test_stored_payloads_in_every_text_field_are_inert_in_the_pdf_packet(poisoned, lawyer, monkeypatch):
    from documents import pdf as pdf_module
    from documents.services import packet_for_case

    fetchers = []
    original = pdf_module.AssetFetcher.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        fetchers.append(self)

    monkeypatch.setattr(pdf_module.AssetFetcher, "__init__", recording_init)
    result = packet_for_case(case=poisoned.case_a, by=lawyer)
    text = pdf_text(result.pdf)
    assert "<script>alert(1)</script>" in text.replace("\n", ""), "the payload must be printed as text"
    assert "passwd" not in "".join(u for f in fetchers for u in f.served)
    requested = [url for f in fetchers for url in f.requested]
    assert not [u for u in requested if u.startswith(("file:", "http:", "https:", "ftp:"))], requested
    assert b"/JavaScript" not in result.pdf and b"/EmbeddedFile" not in result.pdf.replace(b"/EmbeddedFiles", b"")


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(victim, coordinator, client_for):
    w = victim
    CitationFactory(case=w.case_a, number='=HYPERLINK("http://x")', place="+SUM(A1)", offense_description="@cmd")
    body = client_for(coordinator).get("/citations/export.csv").content.decode("utf-8-sig")
    for cell in ["=HYPERLINK", "+SUM(A1)", "@cmd"]:
        assert f",{cell}" not in body and f"\n{cell}" not in body and f'"{cell}' not in body
    assert "'=HYPERLINK" in body or "'+SUM(A1)" in body


@pytest.mark.django_db
def test_unknown_ids_and_malformed_ids_answer_like_forbidden_ones(victim, lawyer, client_for):
    w = victim
    web = client_for(lawyer)
    unknown = uuid.uuid4()
    forbidden = web.get(f"/desk/cases/{w.case_b.public_id}/")
    missing = web.get(f"/desk/cases/{unknown}/")
    assert forbidden.status_code == missing.status_code == 404
    # The page echoes the address asked for (the language form's "next"); apart from that, identical.
    assert strip_tokens(forbidden.content).replace(str(w.case_b.public_id).encode(), b"ID") == strip_tokens(
        missing.content
    ).replace(str(unknown).encode(), b"ID")


def strip_tokens(content: bytes) -> bytes:
    """Pages differ by their per-response CSRF token and CSP nonce, nothing else."""
    import re

    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'nonce="[^"]+"', b"", content)
