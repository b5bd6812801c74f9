"""The night in Chromium: a jail-support volunteer on a phone sees only the board of the event
assigned to them, the board refreshes itself when someone is moved, and a quick hotline entry
goes through the phone's queue into the log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Arrest, CustodyStatus, Event
from custody.models import HotlineEntry
from custody.services.board import arrest_move
from demo.night import NIGHT_EVENT
from demo.scenario import DEMO_EVENT
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_jail_support_sees_only_the_board_of_its_event(demo, session_for):
    phone = session_for(demo["jailsupport"], PHONE)
    phone.goto("/")
    phone.page.get_by_role("link", name="Custody boards").first.click()
    boards = phone.page.locator("#boards")
    expect(boards).to_contain_text(NIGHT_EVENT)
    expect(boards).not_to_contain_text(DEMO_EVENT)
    boards.get_by_role("link", name="Custody board", exact=True).click()
    expect(phone.page.get_by_role("heading", level=1)).to_contain_text(NIGHT_EVENT)
    expect(phone.page.locator(".board-summary")).to_contain_text("2 held more than 12 hours")
    expect(phone.page.locator("li.board-person.overdue")).to_have_count(2)
    expect(phone.page.locator("[data-stage=held] li.board-person")).to_have_count(4)
    expect(phone.page.locator(".badge.medical").first).to_be_visible()
    phone.screenshot("custody-board-phone")
    assert not phone.axe_violations()
    other = Event.objects.get(name=DEMO_EVENT)
    for path in (f"/custody/events/{other.public_id}/", "/desk/cases/", "/coordination/"):
        response = phone.page.goto(phone.base + path)
        assert response is not None and response.status in (403, 404), path
    phone.assert_clean()


def test_the_board_refreshes_itself_when_someone_is_released(demo, session_for):
    event = Event.objects.get(name=NIGHT_EVENT)
    watcher = session_for(demo["jailsupport"], DESKTOP)
    watcher.goto(f"/custody/events/{event.public_id}/")
    expect(watcher.page.locator("#board-state")).to_contain_text("Updated")  # the first poll answered
    released = watcher.page.locator("[data-stage=released] li.board-person")
    before = released.count()
    arrest = Arrest.objects.filter(case__event=event, custody_status=CustodyStatus.ARRESTED).first()
    arrest_move(arrest=arrest, stage=CustodyStatus.RELEASED, by=demo["coordinator"])
    expect(released).to_have_count(before + 1, timeout=25_000)  # the next poll (every 15 s)
    expect(watcher.page.locator(f"[data-stage=released] [data-arrest='{arrest.public_id}']")).to_be_visible()
    watcher.assert_clean()


def test_a_quick_hotline_entry_reaches_the_log(demo, session_for):
    event = Event.objects.get(name=NIGHT_EVENT)
    phone = session_for(demo["jailsupport"], PHONE)
    phone.goto(f"/custody/events/{event.public_id}/hotline/new/")
    assert not phone.axe_violations()
    phone.page.get_by_label("About whom").fill("Blue beanie, about 25, taken at 10th and Race")
    phone.page.get_by_label("Held at").select_option(label="9th Police District")
    phone.page.get_by_label("Medical needs (medication, disability, injury)").fill("Needs seizure medication")
    phone.page.get_by_role("button", name="Save entry").click()
    expect(phone.page.locator("#save-note")).to_contain_text("The legal team has the entry.", timeout=15_000)
    expect(phone.page.locator("#pending-reports li")).to_have_count(0)  # sent, then removed from the phone
    phone.goto(f"/custody/events/{event.public_id}/hotline/")
    expect(phone.page.locator("#hotline-entries")).to_contain_text("Blue beanie, about 25")
    expect(phone.page.locator("#hotline-entries")).to_contain_text("Needs seizure medication")
    phone.assert_clean()


def test_the_hotline_entry_opens_offline_and_reaches_the_log_once(demo, session_for):
    event = Event.objects.get(name=NIGHT_EVENT)
    before = set(HotlineEntry.objects.filter(event=event).values_list("pk", flat=True))
    phone = session_for(demo["jailsupport"], PHONE)
    form = f"{phone.base}/custody/events/{event.public_id}/hotline/new/"
    phone.goto(f"/custody/events/{event.public_id}/hotline/new/")
    phone.page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.page.reload()  # now controlled by the service worker
    log = f"/custody/events/{event.public_id}/hotline/"
    phone.goto(log)  # read online through the worker, which must not keep it
    phone.context.set_offline(True)
    posts: list[str] = []  # offline, the page keeps the entry and tries nothing
    phone.page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    phone.page.goto(form)  # served from the phone's copy
    fetched = phone.page.evaluate("url => fetch(url).then(() => 'answered', () => 'failed')", log)
    assert fetched == "failed"  # the log (names, medical needs) is never kept on the phone
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("New hotline entry")
    phone.page.get_by_label("About whom").fill("Grey hoodie, about 30, taken at 13th and Market")
    phone.page.get_by_label("Held at").select_option(label="9th Police District")
    phone.page.get_by_role("button", name="Save entry").click()
    expect(phone.page.locator("#pending-reports li")).to_have_count(1)
    assert posts == [] and set(HotlineEntry.objects.filter(event=event).values_list("pk", flat=True)) == before
    kept = phone.page.evaluate(
        """async () => { const urls = [];
           for (const name of await caches.keys()) {
             for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
           } return urls.sort(); }"""
    )
    form_path = f"/custody/events/{event.public_id}/hotline/new/"
    assert form_path in kept and all(url == form_path or url.startswith("/static/") for url in kept), kept

    phone.context.set_offline(False)
    expect(phone.page.locator("#pending-reports li")).to_have_count(0, timeout=35_000)  # sent on 'online'
    phone.page.reload()
    expect(phone.page.locator("#pending-reports li")).to_have_count(0)
    new = HotlineEntry.objects.filter(event=event).exclude(pk__in=before)
    assert [entry.about for entry in new] == ["Grey hoodie, about 30, taken at 13th and Market"]
    assert new.get().place.name == "9th Police District"
    phone.assert_clean()


def test_a_coordinator_finds_the_arrest_of_an_entry_by_name_and_links_it(demo, session_for):
    event = Event.objects.get(name=NIGHT_EVENT)
    desk = session_for(demo["coordinator"], DESKTOP)
    desk.goto(f"/custody/events/{event.public_id}/hotline/")
    entry = desk.page.locator("#hotline-entries li", has_text="Red jacket, about 20")
    expect(desk.page.locator("#hotline-entries select")).to_have_count(0)  # no list of every arrest
    entry.get_by_label("Find the arrest").fill("Eli Brooks")
    entry.get_by_role("button", name="Search").click()
    matches = desk.page.locator("#link-matches li")
    expect(matches).to_have_count(1)
    expect(matches).to_contain_text("Eli Brooks")
    assert "Eli" not in desk.page.url and "Brooks" not in desk.page.url  # the name went in the body
    assert not desk.axe_violations()
    desk.screenshot("hotline-link-search-desktop")
    matches.get_by_role("button", name="Link").click()
    expect(desk.page.locator(".messages")).to_contain_text("Entry linked.")
    entries = HotlineEntry.objects.filter(event=event).select_related("arrest__case__demonstrator")
    red_jacket = next(e for e in entries if e.about.startswith("Red jacket"))
    assert red_jacket.arrest is not None and red_jacket.arrest.case.demonstrator.legal_name == "Eli Brooks"
    desk.assert_clean()
