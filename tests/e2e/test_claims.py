"""The claims pages in Chromium against the demo data: a coordinator sorts the plaintiff roster
and downloads its CSV; a lawyer reads an officer's history; a coordinator merges an unidentified
officer's record into a known one from that page and the sighting stays; an observer's phone
hashes a photo before sending it and the server records that it matched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Event, Evidence, IncidentOfficer, Officer
from tests.e2e.conftest import DESKTOP, PHONE
from tests.factories import png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_sorts_the_roster_and_exports_it(demo, session_for):
    desk = session_for(demo["coordinator"], DESKTOP)
    event = Event.objects.filter(cases__complaints__allegations__isnull=False).distinct().get()
    desk.goto("/claims/roster/")
    desk.page.get_by_role("link", name=event.name).click()
    expect(desk.page.get_by_role("heading", level=1)).to_contain_text("Plaintiff roster")
    rows = desk.page.locator("#roster tbody tr")
    assert rows.count() >= 20
    desk.page.get_by_role("link", name="Evidence", exact=True).click()
    counts = [int(t) for t in desk.page.locator("#roster tbody tr td:nth-child(6)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    desk.page.get_by_role("link", name="Days left to sue").click()
    days = [
        int(v)
        for v in desk.page.locator("#roster tbody td[data-days]").evaluate_all("els => els.map(e => e.dataset.days)")
        if v
    ]
    assert days == sorted(days)
    desk.screenshot("coordinator-roster-desktop")
    assert not desk.axe_violations()
    with desk.page.expect_download() as download:
        desk.page.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("case number,name,injuries") and len(text.splitlines()) == rows.count() + 1
    desk.assert_clean()


def test_a_lawyer_reads_an_officer_s_history_on_a_phone(demo, session_for):
    officer = Officer.objects.filter(sightings__isnull=False, allegations__isnull=False).distinct().first()
    assert officer is not None, "the demo names officers in its complaints' allegations"
    phone = session_for(demo["lawyer"], PHONE)
    phone.goto("/claims/officers/")
    phone.page.get_by_label("Badge, name or unit").fill(officer.badge_number)
    phone.page.get_by_role("button", name="Search").click()
    phone.page.locator("#officers").get_by_role("link").first.click()
    expect(phone.page.get_by_role("heading", level=1)).to_contain_text(officer.badge_number)
    assert phone.page.locator("#sightings tbody tr").count() == officer.sightings.count()
    expect(phone.page.locator("#officer-findings")).to_contain_text("Sustained")
    expect(phone.page.get_by_text("never uses face recognition")).to_be_visible()
    phone.screenshot("lawyer-officer-phone")
    assert not phone.axe_violations()
    phone.assert_clean()


def test_a_coordinator_merges_a_covered_badge_into_a_known_officer(demo, session_for):
    unknown = Officer.objects.filter(badge_status="covered", merged_into__isnull=True, sightings__isnull=False).first()
    assert unknown is not None, "the demo has an officer with a covered badge"
    event_ids = unknown.sightings.values("incident__event_id")
    known = Officer.objects.filter(badge_status="full", sightings__incident__event_id__in=event_ids).first()
    seen = unknown.sightings.count()
    desk = session_for(demo["coordinator"], DESKTOP)
    desk.goto(f"/claims/officers/{known.public_id}/")
    candidate = desk.page.locator("form.merge-candidate").filter(has_text=unknown.description[:20])
    candidate.get_by_role("button", name="Merge into this officer").click()
    expect(desk.page.get_by_role("status")).to_contain_text("every sighting was kept")
    unknown.refresh_from_db()
    assert unknown.merged_into == known
    assert IncidentOfficer.objects.filter(recorded_as=unknown, officer=known).count() == seen
    expect(desk.page.locator("#sightings")).to_contain_text(unknown.description[:20])
    desk.screenshot("coordinator-officer-merged-desktop")
    assert not desk.axe_violations()
    desk.assert_clean()


def test_the_observer_s_phone_hashes_a_photo_and_the_server_finds_it_matched(demo, session_for):
    observer = demo["observer"]
    phone = session_for(observer, PHONE)
    phone.goto("/observe/")
    page = phone.page
    page.fill("#id_place", "Hash check corner")
    page.fill("#id_narrative", "A photo of the line.")
    page.set_input_files(
        "input[type=file][name=files]",
        files=[{"name": "line.png", "mimeType": "image/png", "buffer": png_bytes((30, 20))}],
    )
    page.get_by_role("button", name="Save report").click()
    # The phone hashes the file before it queues the report: wait for the answer, not for an empty queue.
    expect(page.locator("#save-note")).to_have_text(re.compile(r"^Sent at \d\d:\d\d\."), timeout=35000)
    evidence = Evidence.objects.get(incident__place="Hash check corner")
    assert evidence.client_sha256 == evidence.sha256 and evidence.client_hash_matched is True
    phone.assert_clean()
