"""Preservation letters in Chromium against the demo data: a lawyer opens an incident of a
client's case, downloads the letter to the police department (its text read back from the PDF:
the incident, the officers, the records asked for, no client's name), records it sent by
certified mail, and sees it listed with its tracking number."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Case, Incident
from claims.models import PreservationLetter, RecordKind
from tests.documents.conftest import pdf_text
from tests.e2e.conftest import DESKTOP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_lawyer_makes_a_preservation_letter_and_records_it_sent(demo, session_for):
    lawyer = demo["lawyer"]
    case = Case.objects.filter(lawyers=lawyer, incidents__isnull=False).select_related("demonstrator").first()
    assert case is not None, "the demo puts a lawyer's client in an incident report"
    assert RecordKind.objects.filter(holder="police", active=True).exists()
    desk = session_for(lawyer, DESKTOP)
    desk.goto(f"/desk/cases/{case.public_id}/")
    desk.page.get_by_role("link", name="Preservation letters").first.click()
    page = desk.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Preservation letters")
    incident = Incident.objects.select_related("event").get(public_id=page.url.rstrip("/").split("/")[-2])
    police = page.locator("#plan-police-card")
    expect(police).to_contain_text("(unverified)")
    send_by = police.locator("[data-send-by]").get_attribute("data-send-by")
    assert send_by

    with page.expect_download(timeout=60000) as info:
        police.get_by_role("link", name="Download the letter (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"preservation-police-{incident.public_id}.pdf"
    text = pdf_text(Path(download.path()).read_bytes())
    assert "Philadelphia Police Department" in text
    assert "".join((incident.place or incident.event.place).split()) in "".join(text.split())
    assert "body" in text.casefold() and "camera" in text.casefold()  # the records asked for
    names = [n for n in (case.demonstrator.legal_name, case.demonstrator.preferred_name) if n]
    assert names and not any(name in text for name in names)  # the letter names no client

    page.get_by_label("Sent to").select_option("police")
    page.get_by_label("Sent at").fill(f"{send_by}T09:30")
    page.get_by_label("Sent how").select_option("mail")
    page.get_by_label("Tracking or message number").fill("9407 1000 0000 0000 0001")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The letter was recorded as sent.")
    expect(police.locator(".letters")).to_contain_text("9407 1000 0000 0000 0001")
    expect(police.locator(".letters")).not_to_contain_text("after the send-by day")
    letter = PreservationLetter.objects.get(incident=incident, recipient="police")
    assert letter.sent_how == "mail" and letter.recorded_by == lawyer and letter.sent_in_time
    assert letter.record_kinds.count() == RecordKind.objects.filter(holder="police", active=True).count()
    desk.screenshot("lawyer-preservation-desktop")
    assert not desk.axe_violations()
    desk.assert_clean()
