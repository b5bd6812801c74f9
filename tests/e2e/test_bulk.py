"""A coordinator waives every code violation notice of an event in Chromium: the preview shows
what would change and writes nothing, the confirmation decides them and lists the refunds owed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Max, Min
from playwright.sync_api import expect

from cases.models import Event
from citations.models import Citation, CitationKind, Disposition
from tests.e2e.conftest import DESKTOP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_previews_then_confirms_a_mass_waiver(demo, session_for):
    event = (
        Event.objects.filter(cases__citations__kind=CitationKind.PHL_CVN)
        .annotate(n=Count("cases__citations"))
        .order_by("-n")
        .first()
    )
    assert event is not None, "the demo data has code violation notices"
    notices = Citation.objects.filter(case__event=event, kind=CitationKind.PHL_CVN)
    span = notices.aggregate(first=Min("issued_at"), last=Max("issued_at"))
    zone = ZoneInfo(event.time_zone)
    first, last = span["first"].astimezone(zone).date(), span["last"].astimezone(zone).date()
    before = dict(notices.values_list("pk", "disposition"))

    desk = session_for(demo["coordinator"], DESKTOP)
    desk.goto("/coordination/")
    desk.page.get_by_role("link", name="Mass disposition (waive or withdraw many citations)").click()
    form = desk.page.locator("#disposition-filters")
    form.get_by_label("Event").select_option(str(event.public_id))
    form.get_by_label("Kind of citation").select_option(CitationKind.PHL_CVN)
    form.get_by_label("Issued from").fill(first.isoformat())
    form.get_by_label("Issued until (included)").fill(last.isoformat())
    form.get_by_label("Decision").select_option(Disposition.WAIVED)
    form.get_by_role("button", name="Preview").click()

    report = desk.page.locator("#disposition-report")
    expect(report).to_have_attribute("data-preview", "yes")
    expect(report.get_by_role("status")).to_contain_text("would be decided as “Waived”")
    assert dict(notices.values_list("pk", "disposition")) == before  # the preview wrote nothing
    desk.screenshot("coordinator-mass-disposition-preview")
    assert not desk.axe_violations()

    desk.page.locator("#disposition-confirm").get_by_role("button").click()
    expect(desk.page.locator("#disposition-report")).to_have_attribute("data-preview", "no")
    expect(desk.page.locator("#disposition-report").get_by_role("status")).to_contain_text("decided as “Waived”")
    now = dict(notices.values_list("pk", "disposition"))
    changed = [pk for pk, disposition in now.items() if disposition != before[pk]]
    assert changed and all(now[pk] == Disposition.WAIVED for pk in changed)
    assert len(changed) == desk.page.locator("#decided tbody tr").count()
    desk.screenshot("coordinator-mass-disposition-done")
    assert not desk.axe_violations()
    desk.assert_clean()
