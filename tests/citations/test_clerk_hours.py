"""A filing's "due" shows the clerk's office hours of its court, as data with their source:
the seeded Philadelphia entry is marked not confirmed, a missing entry says to check the hours
rather than guessing, and entries are validated and audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from cases.models import AuditEntry, Case
from citations.calendar import calendar_feed_ics
from citations.deadlines import clerk_hours_table, due_wording
from citations.models import CitationKind, ClerkOfficeHours, Deadline, DeadlineKind
from citations.services import clerk_hours_save
from tests.citations.conftest import local

PHL_COURT = "phl-fjd"


def feed_text(user) -> str:  # type: ignore[no-untyped-def]
    """The feed's text, unfolded and unescaped (iCalendar escapes "," and ";")."""
    return calendar_feed_ics(user=user).decode().replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")


@pytest.fixture
def summary(make_citation, clock, lawyer):  # type: ignore[no-untyped-def]
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.TRAFFIC, issued_at=local(2026, 6, 1, 10))
    Case.objects.get(pk=citation.case_id).lawyers.add(lawyer)
    return citation


@pytest.mark.django_db
def test_philadelphia_municipal_court_hours_are_seeded_and_marked_not_confirmed():
    seeded = ClerkOfficeHours.objects.get(court=PHL_COURT)
    assert seeded.uncertain is True
    assert seeded.source.startswith("Not confirmed")
    assert "Municipal Court" in seeded.office
    assert seeded.weekdays == "01234" and seeded.opens < seeded.closes


def test_a_filing_says_file_by_the_closing_hour_with_the_hours_and_their_source(summary, client_for, lawyer):
    hours = ClerkOfficeHours.objects.get(court=PHL_COURT)
    respond = Deadline.objects.get(citation=summary, kind=DeadlineKind.RESPOND)
    closes = f"{hours.closes:%H:%M}"
    page = client_for(lawyer).get(f"/desk/citations/{summary.public_id}/").content.decode()
    assert f"file by {closes} that day at the clerk's office, not at midnight" in page
    assert f"hours: Mon–Fri {hours.opens:%H:%M}–{closes}" in page
    assert "source: Not confirmed" in page
    assert "hours not confirmed: check the clerk's hours" in page
    feed = feed_text(lawyer)
    assert f"File by {closes} on {respond.due_on:%Y-%m-%d} at the clerk's office, not at midnight" in feed
    assert f"hours: Mon-Fri {hours.opens:%H:%M}-{closes}; source: Not confirmed" in feed
    assert "not confirmed: check the clerk's hours)." in feed


def test_a_confirmed_entry_carries_no_warning(summary, client_for, lawyer, administrator):
    hours = ClerkOfficeHours.objects.get(court=PHL_COURT)
    hours.uncertain = False
    hours.source = "https://www.courts.phila.gov/municipal/criminal/ (checked)"
    clerk_hours_save(hours=hours, by=administrator)
    page = client_for(lawyer).get(f"/desk/citations/{summary.public_id}/").content.decode()
    assert "source: https://www.courts.phila.gov/municipal/criminal/ (checked)" in page
    assert "hours not confirmed" not in page
    feed = feed_text(lawyer)
    assert "source: https://www.courts.phila.gov/municipal/criminal/ (checked))." in feed
    assert "not confirmed: check the clerk's hours" not in feed


def test_a_missing_entry_says_check_the_clerks_hours_rather_than_guessing(summary, client_for, lawyer):
    ClerkOfficeHours.objects.all().delete()
    page = client_for(lawyer).get(f"/desk/citations/{summary.public_id}/").content.decode()
    assert "check the clerk's hours (none are entered for this court)" in page
    assert "file by " not in page
    feed = feed_text(lawyer)
    assert "check the clerk's hours (none are entered for this court)" in feed
    assert "File by " not in feed


@pytest.mark.django_db
def test_hours_apply_only_on_their_weekdays_and_the_earliest_closing_wins(administrator):
    monday, saturday = datetime.date(2026, 6, 8), datetime.date(2026, 6, 13)
    assert clerk_hours_table().on(PHL_COURT, saturday) is None
    assert clerk_hours_table().on("pa-ujs", monday) is None
    clerk_hours_save(
        hours=ClerkOfficeHours(court=PHL_COURT, office="Night window", weekdays="0", opens=datetime.time(9),
                               closes=datetime.time(15), source="Order 1 of 2026", uncertain=False),
        by=administrator,
    )  # fmt: skip
    table = clerk_hours_table()
    on_monday, on_tuesday = table.on(PHL_COURT, monday), table.on(PHL_COURT, monday + datetime.timedelta(days=1))
    assert on_monday is not None and on_monday.closes == datetime.time(15) and on_monday.office == "Night window"
    assert on_tuesday is not None and on_tuesday.closes == datetime.time(16)  # the seeded row


@pytest.mark.django_db
def test_entries_need_a_source_and_an_opening_before_the_closing_and_are_audited(administrator):
    def entry(**fields):  # type: ignore[no-untyped-def]
        base = {"court": PHL_COURT, "office": "Filing office", "weekdays": "01234", "opens": datetime.time(8),
                    "closes": datetime.time(16), "source": "https://example.org/hours"}  # fmt: skip
        return ClerkOfficeHours(**{**base, **fields})

    with pytest.raises(ValidationError):
        clerk_hours_save(hours=entry(source="  "), by=administrator)
    with pytest.raises(ValidationError):
        clerk_hours_save(hours=entry(opens=datetime.time(17)), by=administrator)
    with pytest.raises(ValidationError):
        clerk_hours_save(hours=entry(weekdays="07"), by=administrator)
    saved = clerk_hours_save(hours=entry(), by=administrator)
    assert saved.entered_by == administrator
    assert AuditEntry.objects.filter(action="clerk_hours.create").count() == 1


def test_without_the_hours_table_a_filing_claims_no_hours(summary):
    respond = Deadline.objects.select_related("citation__case__event").get(citation=summary, kind=DeadlineKind.RESPOND)
    assert due_wording(respond).hours is None
    assert due_wording(respond, clerk_hours=clerk_hours_table()).hours is not None


def test_the_api_gives_a_filings_clerk_hours_and_a_payment_none(summary, make_citation, lawyer):
    from tests.api.conftest import client_with_token

    hours = ClerkOfficeHours.objects.get(court=PHL_COURT)
    expected = {
        "office": hours.office, "weekdays": "01234", "opens": f"{hours.opens:%H:%M}",
        "closes": f"{hours.closes:%H:%M}", "source": hours.source, "confirmed": False,
    }  # fmt: skip
    notice = make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 1, 10), case=summary.case)
    api = client_with_token(lawyer)
    detail = api.get(f"/api/v1/citations/{summary.public_id}/").json()
    assert [(d["kind"], d["clerk_hours"]) for d in detail["deadlines"]] == [("respond", expected)]
    listed = {c["id"]: c for c in api.get("/api/v1/citations/").json()["results"]}
    assert listed[str(summary.public_id)]["deadlines"][0]["clerk_hours"] == expected
    assert [d["clerk_hours"] for d in listed[str(notice.public_id)]["deadlines"]] == [None]  # received by the day
    by_kind = {d["kind"]: d for d in api.get("/api/v1/deadlines/").json()["results"]}
    assert by_kind["respond"]["clerk_hours"] == expected and by_kind["pay_or_dispute"]["clerk_hours"] is None


def test_the_packet_lists_a_filing_with_its_clerk_hours(summary, lawyer):
    from documents.context import case_packet_context

    hours = ClerkOfficeHours.objects.get(court=PHL_COURT)
    rows = case_packet_context(case=Case.objects.get(pk=summary.case_id), user=lawyer)["deadlines"]
    respond = next(row for row in rows if row["label"] == "Respond to the citation (plea)")
    assert f"File by {hours.closes:%H:%M} on 2026-06-11 at the clerk's office" in respond["meaning"]
    assert (
        "source: Not confirmed" in respond["meaning"] and "not confirmed: check the clerk's hours" in respond["meaning"]
    )


def test_coordinators_enter_and_confirm_hours_on_their_page(client_for, coordinator, lawyer):
    client = client_for(coordinator)
    seeded = ClerkOfficeHours.objects.get(court=PHL_COURT)
    page = client.get("/coordination/clerk-hours/").content.decode()
    assert escape(seeded.office) in page and "not confirmed: check the court's page" in page
    assert "seeded" in page
    form = client.get(f"/coordination/clerk-hours/?edit={seeded.pk}").content.decode()
    assert f'name="hours" value="{seeded.pk}"' in form
    response = client.post(
        "/coordination/clerk-hours/",
        {"hours": seeded.pk, "court": PHL_COURT, "office": seeded.office, "weekdays": ["0", "1", "2", "3", "4"],
         "opens": "08:30", "closes": "16:30", "source": "https://www.courts.phila.gov/ (read 2026-12-06)",
         "confirmed": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    seeded.refresh_from_db()
    assert (seeded.uncertain, f"{seeded.closes:%H:%M}", seeded.entered_by) == (False, "16:30", coordinator)
    assert AuditEntry.objects.filter(action="clerk_hours.update", actor=coordinator).exists()
    new = {"court": "pa-ujs", "office": "Night court", "weekdays": ["5"], "opens": "18:00", "closes": "17:00",
           "source": "Order 2"}  # fmt: skip
    refused = client.post("/coordination/clerk-hours/", new)
    assert refused.status_code == 400 and "The office must close after it opens." in refused.content.decode()
    assert client.post("/coordination/clerk-hours/", {**new, "closes": "23:00"}).status_code == 302
    made = ClerkOfficeHours.objects.get(office="Night court")
    assert (made.weekdays, made.uncertain) == ("5", True)
    assert client_for(lawyer).get("/coordination/clerk-hours/").status_code == 403
