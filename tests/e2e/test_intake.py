"""The intake desk in Chromium against the demo data: on a phone (360 px), typing a name shows
"possibly the same person"; submitting a new person creates a numbered case with its citation
and deadlines. At a desk: the merge queue's pair is compared, merged and the merge undone; a pair
marked as different people leaves the queue and comes back when put back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case, Demonstrator
from citations.models import Deadline
from custody.models import DuplicateDismissal, PersonMerge
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_intake_on_a_phone_suggests_while_typing_and_registers_a_numbered_case(demo, session_for):
    coordinator = demo["coordinator"]
    known = Case.objects.select_related("demonstrator").order_by("id")[2].demonstrator
    phone = session_for(coordinator, PHONE)
    phone.goto("/coordination/intake/")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.page.locator("#id_legal_name").fill(known.legal_name)
    suggestion = phone.page.locator("#suggestion-list li").first
    expect(suggestion).to_contain_text(known.display_name)
    expect(suggestion).to_contain_text("same name")
    phone.screenshot("intake-suggestion-phone")
    assert not phone.axe_violations()

    phone.page.locator("#id_legal_name").fill("Quinn Newperson")
    expect(phone.page.locator("#suggestions")).to_be_hidden()
    phone.page.locator("#id_phone").fill("267 555 0142")
    phone.page.get_by_label("Arrested at").fill("2026-07-04T21:05")
    phone.page.get_by_label("Where taken").fill("8th & Arch St")
    phone.page.locator("#id_citation-0-number").fill("E2E-0001")
    phone.page.locator("#id_citation-0-kind").select_option("traffic")  # its 10-day answer holds in Philadelphia
    phone.page.locator("#id_citation-0-offense_code").fill("18 Pa.C.S. § 5502")
    phone.page.locator("#id_citation-0-issued_at").fill("2026-07-04T23:10")
    phone.page.get_by_role("button", name="Register", exact=True).click()
    expect(phone.page.get_by_role("status")).to_contain_text("registered with 1 citation")
    person = Demonstrator.objects.get(
        legal_name_index=Demonstrator._meta.get_field("legal_name_index").index_for("Quinn Newperson")
    )
    case = Case.objects.get(demonstrator=person)
    assert case.number and case.number in phone.page.content()
    assert Deadline.objects.filter(citation__case=case).exists()
    phone.screenshot("intake-registered-phone")
    phone.assert_clean()


def test_choosing_a_suggestion_reuses_the_person(demo, session_for):
    coordinator = demo["coordinator"]
    known = Case.objects.select_related("demonstrator").order_by("id")[3].demonstrator
    people = Demonstrator.objects.count()
    desk = session_for(coordinator, DESKTOP)
    desk.goto("/coordination/intake/")
    desk.page.locator("#id_phone").fill(known.phone)
    desk.page.locator("#suggestion-list li").first.get_by_role("button", name="Use this record").click()
    expect(desk.page.locator("#chosen-person")).to_contain_text(known.display_name)
    desk.page.get_by_role("button", name="Register", exact=True).click()
    expect(desk.page.get_by_role("status")).to_contain_text("registered")
    assert Demonstrator.objects.count() == people
    desk.assert_clean()


def test_a_coordinator_merges_the_demo_duplicates_and_undoes_it(demo, session_for):
    coordinator = demo["coordinator"]
    cases = Case.objects.count()
    desk = session_for(coordinator, DESKTOP)
    desk.goto("/coordination/people/duplicates/")
    first_row = desk.page.locator("tbody tr").first
    expect(first_row).to_contain_text("same phone")
    assert not desk.axe_violations()
    first_row.get_by_role("link", name="Compare").click()
    expect(desk.page.get_by_role("heading", level=1)).to_contain_text("Compare two records")
    assert not desk.axe_violations()
    desk.page.get_by_label("Keep").select_option("first")
    desk.page.get_by_label("These two records are one person").check()
    desk.page.get_by_role("button", name="Merge").click()
    expect(desk.page.get_by_role("status")).to_contain_text("Records merged")
    assert Case.objects.count() == cases - 1 and PersonMerge.objects.count() == 1
    desk.screenshot("merge-queue-after-merge")
    desk.page.get_by_role("button", name="Undo this merge").click()
    expect(desk.page.get_by_role("status")).to_contain_text("The merge was undone.")
    assert Case.objects.count() == cases
    desk.assert_clean()


def test_a_coordinator_marks_a_pair_as_different_people_and_it_leaves_the_queue(demo, session_for):
    coordinator = demo["coordinator"]
    desk = session_for(coordinator, DESKTOP)
    desk.goto("/coordination/people/duplicates/")
    rows = desk.page.locator("tbody tr")
    before = rows.count()
    first_row = rows.first
    names = [first_row.locator("td").nth(i).inner_text() for i in (0, 1)]
    first_row.get_by_role("button", name="Not the same person").click()
    expect(desk.page.get_by_role("status")).to_contain_text("Marked as different people")
    expect(desk.page.locator("tbody tr")).to_have_count(before - 1)
    for row in desk.page.locator("tbody tr").all():
        assert [row.locator("td").nth(i).inner_text() for i in (0, 1)] != names
    mark = DuplicateDismissal.objects.get()
    expect(desk.page.locator(f"#dismissal-{mark.public_id}")).to_be_visible()
    assert not desk.axe_violations()
    desk.screenshot("merge-queue-after-dismissal")
    desk.page.reload()  # for good, not only on this page
    expect(desk.page.locator("tbody tr")).to_have_count(before - 1)
    desk.page.get_by_role("button", name="Put back in the queue").click()
    expect(desk.page.get_by_role("status")).to_contain_text("back in the queue")
    expect(desk.page.locator("tbody tr")).to_have_count(before)
    desk.assert_clean()
