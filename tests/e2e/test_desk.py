"""A lawyer at a desk, a coordinator at the legal-support desk and an organizer in a meeting,
each driving the real pages in Chromium against the demo data."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Case
from citations.dashboard import dashboard_summary
from citations.models import Citation, CitationKind, Deadline
from tests.citations.test_pages_dashboard import personal_values
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _unanswered_citation(lawyer) -> Citation:
    return (
        # A traffic citation: in Philadelphia a non-traffic summary citation follows Rule 1002 (no 10-day answer).
        Citation.objects.filter(case__lawyers=lawyer, kind=CitationKind.TRAFFIC, response="", status="issued")
        .filter(deadlines__kind="respond", deadlines__status__in=["open", "missed"])
        .select_related("case")
        .first()
    )


def test_a_lawyer_records_a_plea_and_sees_the_deadline_change(demo, session_for):
    lawyer = demo["lawyer2"]
    citation = _unanswered_citation(lawyer)
    assert citation is not None, "the demo data has an unanswered statewide citation"
    desk = session_for(lawyer, DESKTOP)
    desk.goto("/desk/cases/")
    desk.screenshot("lawyer-my-cases-desktop")
    assert not desk.axe_violations()
    desk.page.get_by_role("link", name=citation.case.number, exact=True).click()
    expect(desk.page.get_by_role("heading", level=1)).to_contain_text(citation.case.number)
    desk.screenshot("lawyer-case-desktop")
    assert not desk.axe_violations()

    desk.page.get_by_role("link", name=citation.number, exact=True).first.click()
    respond = desk.page.locator("#deadlines li[data-kind=respond]")
    expect(respond).to_have_attribute("data-status", "open")
    desk.page.get_by_text("Record a plea or response").click()
    desk.page.get_by_label("Plea or response").select_option("not_guilty")
    desk.page.locator("#action-respond").get_by_role("button", name="Save").click()
    expect(desk.page.get_by_role("status")).to_contain_text("The response was recorded.")
    expect(desk.page.locator("#deadlines li[data-kind=respond]")).to_have_attribute("data-status", "met")
    expect(desk.page.locator("#citation-response")).to_contain_text("not guilty")
    assert Deadline.objects.get(citation=citation, kind="respond").status == "met"
    desk.screenshot("lawyer-citation-desktop")
    assert not desk.axe_violations()
    desk.assert_clean()


def test_a_lawyer_generates_a_packet_and_downloads_a_pdf_that_opens(demo, session_for):
    lawyer = demo["lawyer"]
    case = Case.objects.filter(lawyers=lawyer, citations__isnull=False).order_by("number").first()
    desk = session_for(lawyer, DESKTOP)
    desk.goto(f"/desk/cases/{case.public_id}/")
    with desk.page.expect_download(timeout=60000) as info:
        desk.page.get_by_role("button", name="Generate packet (PDF)").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = open(download.path(), "rb").read()  # noqa: SIM115
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert len(reader.pages) >= 1 and case.number in text

    for path, name in (("/desk/due/", "lawyer-due"), ("/desk/docket/", "lawyer-docket")):
        desk.goto(path)
        desk.screenshot(f"{name}-desktop")
        assert not desk.axe_violations(), path
    phone = session_for(lawyer, PHONE)
    for path, name in (("/desk/cases/", "lawyer-my-cases"), (f"/desk/cases/{case.public_id}/", "lawyer-case"),
                       ("/desk/due/", "lawyer-due")):  # fmt: skip
        phone.goto(path)
        phone.screenshot(f"{name}-phone")
    desk.assert_clean()
    phone.assert_clean()


def test_the_organizers_dashboard_shows_the_demo_numbers_and_no_personal_data(demo, session_for):
    summary = dashboard_summary()
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        organizer = session_for(demo["organizer"], viewport)
        organizer.goto("/citations/dashboard/")
        expect(organizer.page.locator("#people-total")).to_have_text(summary["people"]["people"]["display"])
        expect(organizer.page.locator("#citations-total")).to_have_text(summary["citations"]["total"]["display"])
        expect(organizer.page.locator("#people-cited")).to_have_text(summary["people"]["cited"]["display"])
        html = organizer.page.content()
        assert not [value for value in personal_values() if value in html]
        organizer.page.get_by_text("Show as a table").first.click()
        organizer.screenshot(f"organizer-dashboard-{suffix}")
        assert not organizer.axe_violations()
        organizer.assert_clean()


def test_a_coordinator_assigns_a_case_and_the_lawyer_then_sees_it(demo, session_for):
    waiting = Case.objects.filter(lawyers__isnull=True).exclude(status="closed").order_by("number").first()
    assert waiting is not None, "the demo data has a case waiting for a lawyer"
    lawyer2 = demo["lawyer2"]
    before = session_for(lawyer2, DESKTOP)
    before.goto("/desk/cases/")
    assert before.page.get_by_role("link", name=waiting.number, exact=True).count() == 0

    coordinator = session_for(demo["coordinator"], DESKTOP)
    coordinator.goto("/coordination/")
    coordinator.screenshot("coordinator-home-desktop")
    assert not coordinator.axe_violations()
    coordinator.page.get_by_role("link", name=f"Assign case {waiting.number}").click()
    coordinator.page.get_by_label(lawyer2.get_full_name() or lawyer2.username, exact=True).check()
    coordinator.page.get_by_role("button", name="Save assignment").click()
    expect(coordinator.page.get_by_role("status")).to_contain_text(f"Case {waiting.number} assigned.")
    for path, name in (
        ("/coordination/accounts/", "coordinator-accounts"),
        ("/coordination/audit/", "coordinator-audit"),
    ):
        coordinator.goto(path)
        coordinator.screenshot(f"{name}-desktop")
        assert not coordinator.axe_violations(), path
    coordinator.assert_clean()
    small = session_for(demo["coordinator"], PHONE)
    for path, name in (("/coordination/", "coordinator-home"), ("/coordination/accounts/", "coordinator-accounts")):
        small.goto(path)
        small.screenshot(f"{name}-phone")
    small.assert_clean()

    after = session_for(lawyer2, DESKTOP)
    after.goto("/desk/cases/")
    expect(after.page.get_by_role("link", name=waiting.number, exact=True)).to_have_count(1)
    after.assert_clean()
