"""A lawyer in court enters a hearing's outcome from a phone in Chromium: the day's list, one
outcome menu per citation, a preview that writes nothing, then the confirmation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from citations.models import Citation, CitationStatus, Disposition
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_lawyer_records_a_hearing_outcome_from_a_phone(demo, session_for, request):
    citation = (
        Citation.objects.filter(case__lawyers__isnull=False, status=CitationStatus.HEARING_SCHEDULED)
        .exclude(hearing_at=None)
        .order_by("hearing_at")
        .first()
    )
    assert citation is not None, "the demo data has a hearing for a lawyer's client"
    lawyer = citation.case.lawyers.first()
    day = timezone.localtime(citation.hearing_at).date().isoformat()
    # The evening of the hearing day (the clock moves for the live server too): outcomes are
    # entered once the hearing is held, never ahead of it.
    traveller = time_machine.travel(citation.hearing_at + datetime.timedelta(hours=6), tick=True)
    traveller.start()
    request.addfinalizer(traveller.stop)

    phone = session_for(lawyer, PHONE)
    phone.goto(f"/desk/docket/outcomes/?date={day}")
    menu = phone.page.locator(f"#outcome-{citation.public_id}")
    expect(menu).to_be_visible()
    assert not phone.axe_violations()
    menu.select_option(Disposition.DISMISSED)
    phone.page.locator("#outcomes-form").get_by_role("button", name="Preview").click()
    report = phone.page.locator("#outcomes-report")
    expect(report).to_have_attribute("data-preview", "yes")
    assert Citation.objects.get(pk=citation.pk).disposition == Disposition.PENDING  # nothing written yet
    phone.screenshot("lawyer-hearing-outcomes-preview-phone")
    assert not phone.axe_violations()

    phone.page.locator("#outcomes-confirm").get_by_role("button").click()
    expect(phone.page.locator("#outcomes-report")).to_have_attribute("data-preview", "no")
    decided = Citation.objects.get(pk=citation.pk)
    assert (decided.status, decided.disposition) == (CitationStatus.DECIDED, Disposition.DISMISSED)
    phone.assert_clean()
