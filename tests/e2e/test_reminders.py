"""The reminders pages in Chromium against the demo data: a coordinator reads the outbox (English
and Spanish reminders, as they would be sent); a lawyer sees the warrant-risk alert on the home
page, records a client's opt-in on the consent page, and chooses the language of their own e-mails.
No accessibility violation, no CSP error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from reminders.models import ContactConsent, TeamAlert
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_outbox_shows_reminders_in_both_languages(demo, session_for):
    desk = session_for(demo["coordinator"], DESKTOP)
    desk.goto("/reminders/outbox/")
    expect(desk.page.get_by_role("heading", level=1)).to_have_text("Outbox")
    table = desk.page.locator("#outbox")
    expect(table).to_contain_text("Reminder from your legal support team")
    expect(table).to_contain_text("Recordatorio de su equipo de apoyo legal")
    desk.screenshot("coordinator-outbox-desktop")
    assert not desk.axe_violations()
    desk.assert_clean()


def test_a_lawyer_sees_the_alert_and_records_an_opt_in(demo, session_for):
    lawyer = demo["lawyer"]
    alert = TeamAlert.objects.get(warrant_risk=True)
    phone = session_for(lawyer, PHONE)
    phone.goto("/")
    expect(phone.page.locator(".alerts")).to_contain_text(alert.case.number)
    expect(phone.page.locator(".alerts")).to_contain_text("Warrant risk")
    assert not phone.axe_violations()
    case = Case.objects.filter(lawyers=lawyer, demonstrator__contact_preference__isnull=True).first()
    assert case is not None
    phone.goto(f"/reminders/people/{case.demonstrator.public_id}/consent/")
    phone.page.get_by_label("Channel").select_option("sms")
    phone.page.get_by_label("Choice").select_option("1")
    phone.page.get_by_label("How the person said so").select_option("verbal")
    phone.page.get_by_role("button", name="Record").click()
    expect(phone.page.locator("#consents")).to_contain_text("opt-in")
    assert ContactConsent.objects.filter(demonstrator=case.demonstrator, granted=True, recorded_by=lawyer).exists()
    assert not phone.axe_violations()
    phone.assert_clean()


def test_a_lawyer_chooses_the_language_of_their_emails(demo, session_for):
    lawyer = demo["lawyer"]
    desk = session_for(lawyer, DESKTOP)
    desk.goto("/account/security/")
    desk.page.get_by_role("link", name="Choose the language of the alerts and digests you receive").click()
    expect(desk.page.get_by_role("heading", level=1)).to_have_text("Language of your e-mails")
    expect(desk.page.get_by_label("English")).to_be_checked()
    assert not desk.axe_violations()
    desk.page.get_by_label("Español").check()
    desk.page.get_by_role("button", name="Save").click()
    expect(desk.page.locator(".messages")).to_contain_text("Saved.")
    expect(desk.page.get_by_label("Español")).to_be_checked()
    lawyer.refresh_from_db()
    assert lawyer.language == "es"
    assert not desk.axe_violations()
    desk.assert_clean()
