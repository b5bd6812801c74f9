"""The look on a phone: the organizer's dashboard at 360 px keeps its text readable (nothing
under 12 px), its labels whole, and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.look import cut_text, horizontal_overflow, smallest_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MIN_TEXT_PX = 12


def test_the_dashboard_is_readable_on_a_phone(demo, session_for):
    for viewport in (PHONE, DESKTOP):
        organizer = session_for(demo["organizer"], viewport)
        organizer.goto("/citations/dashboard/")
        expect(organizer.page.locator("#officer-chart")).to_be_visible()
        smallest = smallest_text(organizer.page)
        assert smallest and smallest[0][0] >= MIN_TEXT_PX, f"{viewport}: text below {MIN_TEXT_PX} px: {smallest}"
        overflow = horizontal_overflow(organizer.page)
        assert overflow["scroll"] <= 0, f"{viewport}: scrolls sideways: {overflow}"
        assert not cut_text(organizer.page), cut_text(organizer.page)
        # the charts' labels are whole: the longest officer label is on the page as it is
        labels = organizer.page.locator("#officer-chart .bar-label").all_inner_texts()
        assert labels and not [label for label in labels if label.endswith("…")]
        assert not organizer.axe_violations()
        organizer.assert_clean()


FITS = """(selector) => {
  const table = document.querySelector(selector);
  const wrap = table.parentElement;
  const cells = [...table.querySelectorAll('td')].filter(td => td.scrollWidth > td.clientWidth + 1);
  return {table: table.scrollWidth, room: wrap.clientWidth, cells: cells.map(td => td.textContent.trim().slice(0, 60)).slice(0, 5)};
}"""


def test_the_audit_trail_fits_a_desk_screen_and_names_cases(demo, session_for):
    import hashlib

    from cases.audit import audit_record
    from cases.models import Case

    coordinator = demo["coordinator"]
    case = Case.objects.order_by("number").first()
    digest = hashlib.sha256(b"packet").hexdigest()  # long unbroken values: what ran off the table
    audit_record(actor=coordinator, action="case.read", target=case, sha256=digest, keys=digest * 2, path="/x" * 60)
    desk = session_for(coordinator, DESKTOP)
    desk.goto("/coordination/audit/")
    fit = desk.page.evaluate(FITS, "#audit")
    assert fit["table"] <= fit["room"], fit
    assert not fit["cells"], fit
    expect(desk.page.locator("#audit").get_by_role("link", name=f"Case {case.number}").first).to_be_visible()
    assert not desk.axe_violations()
    desk.assert_clean()
