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
