"""What a lawyer sees of a long action's end and of the docket's day, in Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from citations.selectors import next_hearing_day
from tests.e2e.conftest import DESKTOP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_packet_button_comes_back_once_the_pdf_has_downloaded(demo, session_for):
    lawyer = demo["lawyer"]
    case = Case.objects.filter(lawyers=lawyer, citations__isnull=False).order_by("number").first()
    desk = session_for(lawyer, DESKTOP)
    desk.goto(f"/desk/cases/{case.public_id}/")
    button = desk.page.get_by_role("button", name="Generate packet (PDF)")
    with desk.page.expect_download(timeout=60000) as info:
        button.click()
    assert info.value.suggested_filename.endswith(".pdf")
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"  # noqa: SIM115
    # Back to normal well before the old 8-second timer would have restored it.
    expect(button).to_be_enabled(timeout=3000)
    expect(button).to_have_text("Generate packet (PDF)", timeout=3000)
    expect(button).not_to_have_attribute("aria-busy", "true")
    assert desk.page.url.endswith(f"/desk/cases/{case.public_id}/")
    desk.assert_clean()


def test_the_docket_opens_on_the_next_hearing_day_or_points_to_it(demo, session_for):
    lawyer = demo["lawyer"]
    next_day = next_hearing_day(user=lawyer, on_or_after=timezone.localdate())
    desk = session_for(lawyer, DESKTOP)
    desk.goto("/desk/docket/")
    if next_day is not None:
        expect(desk.page.get_by_label("Date", exact=True)).to_have_value(next_day.isoformat())
        expect(desk.page.locator("#docket tbody tr").first).to_be_visible()
        before = next_day - datetime.timedelta(days=1)
        if before >= timezone.localdate():
            desk.goto(f"/desk/docket/?date={before.isoformat()}")
            expect(desk.page.locator("#docket-none")).to_contain_text("No hearing on this date.")
            desk.page.locator("#docket-none a").click()
            expect(desk.page.get_by_label("Date", exact=True)).to_have_value(next_day.isoformat())
    else:
        expect(desk.page.locator("#docket-none")).to_contain_text("No later hearing is scheduled.")
    assert not desk.axe_violations()
    desk.assert_clean()
