"""What an observer sees on a 360 x 800 phone: a compact menu, a short form whose sections do not
repeat their title as a label, "Sent" with the time once a report has reached the legal team,
and "My reports" opening without a connection, saying it is a copy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Incident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_800 = {"width": 360, "height": 800}


def test_the_phone_menu_is_compact_and_the_form_short(demo, session_for):
    phone = session_for(demo["observer"], PHONE_800)
    phone.goto("/observe/")
    header = phone.page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] <= 60, header
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, width  # no sideways scroll of the page
    height = phone.page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= 2200, height  # was about 4,200 px with every section unfolded
    # A section's title is not repeated as the label of its field.
    repeated = phone.page.evaluate(
        """() => {
          const norm = t => t.replace(/[:*]/g, '').replace(/\\s+/g, ' ').trim().toLowerCase();
          const out = [];
          document.querySelectorAll('#incident-form fieldset, #incident-form details').forEach(box => {
            const title = box.querySelector(':scope > legend, :scope > summary');
            if (!title) return;
            box.querySelectorAll('label, legend').forEach(label => {
              if (label !== title && norm(label.textContent) === norm(title.textContent)) out.push(norm(title.textContent));
            });
          });
          return out;
        }"""
    )
    assert repeated == []
    # Every section opens (keyboard too) and its fields are then there to fill.
    summary = phone.page.locator("#section-officers > summary")
    summary.focus()
    phone.page.keyboard.press("Enter")
    expect(phone.page.locator("#id_officer_badge")).to_be_visible()
    assert not phone.axe_violations()
    phone.assert_clean()


def test_a_sent_report_says_sent_with_the_time_and_my_reports_opens_offline(demo, session_for):
    observer = demo["observer"]
    phone = session_for(observer, PHONE_800)
    phone.goto("/observe/")
    phone.page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.page.fill("#id_place", "Arch & 6th, steps")
    phone.page.get_by_role("button", name="Save report").click()
    note = phone.page.locator("#save-note")
    expect(note).to_have_text(re.compile(r"^Sent at \d\d:\d\d\. The legal team has the report\.$"), timeout=20000)
    assert Incident.objects.filter(reporter=observer, place="Arch & 6th, steps").count() == 1

    phone.goto("/observe/reports/")
    expect(phone.page.locator("#received-reports li", has_text="Arch & 6th")).to_have_count(1)
    expect(phone.page.locator("#offline-copy")).to_be_hidden()
    phone.page.reload()  # controlled by the service worker, which keeps a copy of the list
    phone.context.set_offline(True)
    phone.page.goto(phone.base + "/observe/reports/")
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("My reports")
    expect(phone.page.locator("#offline-copy")).to_be_visible()
    expect(phone.page.locator("#offline-copy")).to_contain_text("You are offline")
    expect(phone.page.locator("#received-reports li", has_text="Arch & 6th")).to_have_count(1)
    phone.context.set_offline(False)
    phone.assert_clean()
