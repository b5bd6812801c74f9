"""An observer in the street: the form works on a 360-pixel phone, survives losing the connection,
and every report reaches the server exactly once."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from cases.models import Incident
from tests.e2e.conftest import DESKTOP, PHONE


def wait_until_sent(page) -> None:
    """The phone sends on the browser's 'online' event, and retries every 15 s in any case."""
    try:
        expect(page.locator("#pending-reports li")).to_have_count(0, timeout=35000)
    except AssertionError as exc:
        raise AssertionError(f"still on the phone: {page.locator('#pending-reports').inner_text()!r}") from exc


pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_report_saved_offline_is_sent_once_when_the_connection_returns(demo, session_for):
    observer = demo["observer"]
    before = Incident.objects.filter(reporter=observer).count()
    phone = session_for(observer, PHONE)
    phone.goto("/observe/")
    phone.screenshot("observer-form-phone")
    assert not phone.axe_violations()
    page = phone.page

    phone.context.set_offline(True)
    page.fill("#id_place", "Juniper & Filbert, north corner")
    for section in ("Police present", "Dispersal warning", "Officers"):  # optional sections start folded
        page.locator("summary", has_text=section).click()
    page.get_by_label("Federal Protective Service").check()
    page.get_by_role("group", name="Was a dispersal warning given?").get_by_label("Yes").check()
    page.fill("#id_officer_badge", "7311")
    page.fill("#id_officer_unit", "Bike Unit")
    page.get_by_role("button", name="Add this officer").click()
    page.fill("#id_officer_unit", "SWAT")
    page.fill("#id_officer_features", "Helmet 22, badge taped over")
    page.get_by_role("button", name="Add this officer").click()
    page.get_by_label("Baton").check()
    page.fill("#id_narrative", "Officers pushed a seated line with bicycles.")
    page.get_by_role("button", name="Save report").click()

    pending = page.locator("#pending-reports li")
    pending.first.wait_for()
    assert pending.count() == 1
    assert "Juniper" in pending.first.inner_text()
    assert Incident.objects.filter(reporter=observer).count() == before  # nothing reached the server
    note = page.locator("#save-note")
    expect(note).to_have_text("Saved on this phone. It will be sent when there is a connection.")
    phone.screenshot("observer-offline-queue-phone")

    phone.context.set_offline(False)
    wait_until_sent(page)
    # the note that said "saved on this phone" now says it was sent, and when
    expect(note).to_have_text(re.compile(r"^Sent at \d\d:\d\d\. The legal team has the report\.$"))
    phone.goto("/observe/reports/")
    assert phone.page.locator("#received-reports li", has_text="Juniper & Filbert").count() == 1
    stored = Incident.objects.filter(reporter=observer, place="Juniper & Filbert, north corner")
    assert stored.count() == 1
    incident = stored.get()
    assert sorted(s.badge_as_seen for s in incident.officer_sightings.all()) == ["", "7311"]
    assert list(incident.force_types.values_list("code", flat=True)) == ["baton"]
    assert "Federal Protective Service" in incident.agencies_present
    assert (
        phone.page.evaluate(
            """() => new Promise(r => { const q = indexedDB.open('tracker-observer', 1);
             q.onsuccess = () => { const c = q.result.transaction('reports').objectStore('reports').count();
             c.onsuccess = () => r(c.result); }; })"""
        )
        == 0
    )  # deleted from the phone once the server has it
    phone.screenshot("observer-reports-phone")
    assert not phone.axe_violations()
    phone.assert_clean()

    desk = session_for(observer, DESKTOP)
    desk.goto("/observe/")
    desk.screenshot("observer-form-desktop")
    desk.assert_clean()


def test_the_form_opens_without_a_connection_once_it_was_visited(demo, session_for):
    observer = demo["observer"]
    phone = session_for(observer, PHONE)
    phone.goto("/observe/")
    phone.page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.page.reload()  # now controlled by the service worker
    phone.context.set_offline(True)
    attempts: list[str] = []  # the page knows it is offline: it keeps the reports and tries nothing
    phone.page.on("request", lambda request: attempts.append(request.url) if request.method == "POST" else None)
    phone.page.goto(phone.base + "/observe/")  # served from the phone's copy
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Report an incident")
    first_uuid = phone.page.input_value("input[name=client_uuid]")
    phone.page.fill("#id_place", "Offline corner one")
    phone.page.get_by_role("button", name="Save report").click()
    expect(phone.page.locator("#pending-reports li")).to_have_count(1)
    phone.page.goto(phone.base + "/observe/")  # the copy again: a new report gets a new id
    assert phone.page.input_value("input[name=client_uuid]") != first_uuid
    phone.page.fill("#id_place", "Offline corner two")
    phone.page.get_by_role("button", name="Save report").click()
    expect(phone.page.locator("#pending-reports li")).to_have_count(2)
    phone.page.goto(phone.base + "/observe/reports/")  # the list too, not the browser's offline page
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("My reports")
    expect(phone.page.locator("#pending-reports li")).to_have_count(2)
    assert Incident.objects.filter(place__startswith="Offline corner").count() == 0
    assert attempts == []
    phone.context.set_offline(False)
    wait_until_sent(phone.page)
    assert sorted(Incident.objects.filter(place__startswith="Offline corner").values_list("place", flat=True)) == [
        "Offline corner one",
        "Offline corner two",
    ]
    phone.assert_clean()


def _kept_copies(page) -> list[str]:
    """The URLs the phone keeps in the app's service-worker caches."""
    return page.evaluate(
        """async () => { const urls = [];
           for (const key of await caches.keys()) {
             if (!key.startsWith('tracker-')) continue;
             for (const request of await (await caches.open(key)).keys()) urls.push(request.url);
           }
           return urls; }"""
    )


def test_signing_out_removes_the_page_copies_but_keeps_unsent_reports(demo, session_for):
    """A phone handed on after sign-out shows nothing of the last observer's list; a report not yet
    sent is still on the phone (IndexedDB, not the page caches) for the next sign-in."""
    observer = demo["observer"]
    phone = session_for(observer, PHONE)
    phone.goto("/observe/")
    phone.page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.goto("/observe/reports/")  # the list of reports is copied to the phone too
    expect(phone.page.get_by_role("heading", level=1)).to_be_visible()
    phone.goto("/observe/")
    assert any(url.endswith("/observe/reports/") for url in _kept_copies(phone.page))

    # A report that cannot reach the server: the post is refused on the way out.
    phone.page.route(
        "**/*",
        lambda route: (
            route.abort()
            if route.request.method == "POST" and "/logout/" not in route.request.url
            else route.continue_()
        ),
    )
    phone.page.fill("#id_place", "Unsent corner")
    phone.page.get_by_role("button", name="Save report").click()
    expect(phone.page.locator("#pending-reports li")).to_have_count(1)

    phone.page.get_by_role("button", name="Sign out").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Sign in")
    deadline = time.monotonic() + 10  # the sign-in page's script removes them once it has loaded
    while _kept_copies(phone.page) and time.monotonic() < deadline:
        phone.page.wait_for_timeout(100)
    assert _kept_copies(phone.page) == []
    queued = phone.page.evaluate(
        """() => new Promise(r => { const q = indexedDB.open('tracker-observer', 1);
           q.onsuccess = () => { const c = q.result.transaction('reports').objectStore('reports').count();
           c.onsuccess = () => r(c.result); }; })"""
    )
    assert queued == 1
    assert not Incident.objects.filter(place="Unsent corner").exists()
    phone.assert_clean()
