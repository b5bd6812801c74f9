"""The bulk actions' pages: a preview that writes nothing, then the confirmation that decides
each case on its own and reports what it left alone and why; the refunds owed, recorded one by
one through payment_record; many cases for one lawyer; a courtroom list's outcomes."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import TestCase

from cases.models import AuditEntry, Payer
from citations import services
from citations.models import Citation, CitationKind, CitationStatus, Disposition, Payment, PaymentKind, Response
from tests.citations.conftest import local
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
FILTERS = {"kind": CitationKind.PHL_CVN, "issued_from": "2026-06-01", "issued_to": "2026-06-01",
           "disposition": Disposition.WAIVED, "decided_on": "2026-06-09"}  # fmt: skip


@pytest.fixture
def notices(make_citation, phl_event, coordinator, clock):  # type: ignore[no-untyped-def]
    """Four notices of the event issued on 1 June (one paid by the bail fund, one already
    dismissed), one issued on 3 June and a summary citation on 1 June: neither is picked."""
    clock(2026, 6, 10, 12)
    inside = [make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 1, 20, i)) for i in range(4)]
    services.citation_record_response(
        citation=inside[0], response=Response.PAID, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.payment_record(
        citation=inside[0], amount="50.00", payer=Payer.BAIL_FUND, paid_on=datetime.date(2026, 6, 5), by=coordinator
    )
    services.citation_record_disposition(
        citation=inside[3], disposition=Disposition.DISMISSED, decided_on=datetime.date(2026, 6, 5), by=coordinator
    )
    later = make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 3, 20))
    summary = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 1, 21))
    return {"inside": inside, "later": later, "summary": summary, "event": phl_event}


def dispositions() -> dict[int, str]:
    return dict(Citation.objects.values_list("pk", "disposition"))


def test_mass_disposition_preview_then_confirm(client_for, coordinator, notices):  # type: ignore[no-untyped-def]
    client = client_for(coordinator)
    assert client.get("/coordination/bulk/disposition/").status_code == 200
    before, audit_before = dispositions(), AuditEntry.objects.count()
    data = {**FILTERS, "event": str(notices["event"].public_id)}

    preview = client.post("/coordination/bulk/disposition/", data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'data-preview="yes"' in html
    assert "3 citations would be decided as “Waived”; 1 would be left alone; refunds owed: $50.00." in html
    assert notices["inside"][3].number in re.search(r'<table id="skipped">.*?</table>', html, re.S).group(0)
    for other in (notices["later"], notices["summary"]):
        assert other.number not in html
    assert 'name="confirm" value="yes"' in html
    assert dispositions() == before and AuditEntry.objects.count() == audit_before  # nothing written

    # Confirming queues the run and redirects to its page (the immediate task backend of the
    # tests runs it on commit; tests/citations/test_disposition_in_background.py uses a worker).
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = client.post("/coordination/bulk/disposition/", {**data, "confirm": "yes"})
    assert queued.status_code == 302
    done = client.get(queued["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert 'data-preview="no"' in html and "3 citations decided as “Waived”; 1 left alone" in html
    after = dispositions()
    assert [after[c.pk] for c in notices["inside"]] == [Disposition.WAIVED] * 3 + [Disposition.DISMISSED]
    assert after[notices["later"].pk] == after[notices["summary"].pk] == Disposition.PENDING
    assert AuditEntry.objects.filter(action="citation.decide", actor=coordinator).count() == 3 + 1
    # The refund owed is listed with its form, pre-filled, on the report.
    assert 'class="refund-record"' in html and 'value="50.00"' in html and "Bail fund" in html


def test_refunds_owed_are_listed_and_recorded_through_payment_record(client_for, coordinator, notices):  # type: ignore[no-untyped-def]
    paid = notices["inside"][0]
    services.citation_mass_disposition(
        citations=[paid], disposition=Disposition.WAIVED, decided_on=datetime.date(2026, 6, 9), by=coordinator
    )
    client = client_for(coordinator)
    page = client.get(f"/coordination/bulk/refunds/?event={notices['event'].public_id}")
    assert page.status_code == 200
    html = page.content.decode()
    assert paid.number in html and "$50.00" in html and "Bail fund" in html

    recorded = client.post(
        "/coordination/bulk/refunds/record/",
        {"citation": str(paid.public_id), "payer": Payer.BAIL_FUND, "amount": "50.00", "paid_on": "2026-06-10",
         "reference": "cheque 118"},
    )  # fmt: skip
    assert recorded.status_code == 302
    refund = Payment.objects.get(citation=paid, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.payer, refund.recorded_by) == (D("50.00"), Payer.BAIL_FUND, coordinator)
    assert AuditEntry.objects.filter(action="payment.refund", target_id=str(paid.public_id)).exists()
    after = client.get(recorded["Location"]).content.decode()
    assert "No refund is owed for this event." in after

    # More than was paid: payment_record refuses it, nothing is stored.
    again = client.post(
        "/coordination/bulk/refunds/record/",
        {"citation": str(paid.public_id), "payer": Payer.BAIL_FUND, "amount": "1.00", "paid_on": "2026-06-10"},
    )
    assert again.status_code == 302 and Payment.objects.filter(kind=PaymentKind.REFUND).count() == 1


def test_mass_disposition_reaches_only_the_events_in_scope(client_for, lawyer, coordinator, notices):  # type: ignore[no-untyped-def]
    data = {**FILTERS, "event": str(notices["event"].public_id)}
    assert client_for(lawyer).post("/coordination/bulk/disposition/", data).status_code == 403
    assert client_for(lawyer).get("/coordination/bulk/refunds/").status_code == 403


# --- many cases for one lawyer --------------------------------------------------------------


def test_bulk_assignment_preview_then_confirm(client_for, coordinator, lawyer, other_lawyer, phl_event):  # type: ignore[no-untyped-def]
    waiting = [CaseFactory(event=phl_event, status="intake") for _ in range(3)]
    theirs = CaseFactory(event=phl_event, lawyers=[other_lawyer])
    closed = CaseFactory(event=phl_event, status="closed")
    client = client_for(coordinator)
    page = client.get(f"/coordination/bulk/assign/?event={phl_event.public_id}")
    html = page.content.decode()
    assert page.status_code == 200 and all(c.number in html for c in waiting)
    assert theirs.number not in html and closed.number not in html  # waiting cases only by default
    assert f'value="{other_lawyer.pk}"' in html

    picked = [str(c.public_id) for c in waiting[:2]]
    preview = client.post("/coordination/bulk/assign/", {"lawyer": lawyer.pk, "cases": picked})
    assert preview.status_code == 200 and 'data-preview="yes"' in preview.content.decode()
    assert "2 cases would go to" in preview.content.decode()
    assert not lawyer.assigned_cases.exists()

    with TestCase.captureOnCommitCallbacks(execute=True):  # the run is queued on commit (run at once here)
        queued = client.post("/coordination/bulk/assign/", {"lawyer": lawyer.pk, "cases": picked, "confirm": "yes"})
    assert queued.status_code == 302 and queued["Location"].startswith("/coordination/bulk/assign/")
    done = client.get(queued["Location"])
    assert done.status_code == 200 and "2 cases assigned to" in done.content.decode()
    assert set(lawyer.assigned_cases.values_list("pk", flat=True)) == {c.pk for c in waiting[:2]}
    for case in waiting[:2]:
        case.refresh_from_db()
        assert case.status == "active"
    assert AuditEntry.objects.filter(action="case.assign", actor=coordinator).count() == 2
    assert AuditEntry.objects.get(action="case.bulk_assign").details["count"] == 2

    # Once more, with a case the lawyer already has: left alone, with the reason.
    both = [picked[0], str(waiting[2].public_id)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = client.post(
            "/coordination/bulk/assign/", {"lawyer": lawyer.pk, "cases": both, "all": "1", "confirm": "yes"}
        )
    html = client.get(again["Location"]).content.decode()
    assert "1 cases assigned to" in html and "This lawyer is already assigned." in html


def test_bulk_assignment_offers_and_accepts_only_lawyers(client_for, coordinator, observer, phl_event):  # type: ignore[no-untyped-def]
    case = CaseFactory(event=phl_event)
    organizer = UserFactory(role="organizer")
    client = client_for(coordinator)
    html = client.get("/coordination/bulk/assign/").content.decode()
    assert f'value="{observer.pk}"' not in html and f'value="{organizer.pk}"' not in html
    refused = client.post(
        "/coordination/bulk/assign/", {"lawyer": observer.pk, "cases": [str(case.public_id)], "confirm": "yes"}
    )
    assert refused.status_code == 400 and not case.lawyers.exists()


# --- a courtroom list's outcomes ------------------------------------------------------------


@pytest.fixture
def courtroom(make_citation, coordinator, lawyer, other_lawyer, clock):  # type: ignore[no-untyped-def]
    """Three summary citations heard in courtroom 1104 on 10 June: two of the lawyer's clients
    (one already withdrawn by the prosecution, so it takes no other outcome), one of another lawyer's."""
    clock(2026, 6, 10, 8)
    hearing = local(2026, 6, 10, 9, 30)
    rows = {}
    for name, lawyers in (("mine", [lawyer]), ("dropped", [lawyer]), ("theirs", [other_lawyer])):
        case = CaseFactory(lawyers=lawyers)
        citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, case=case, issued_at=local(2026, 6, 1, 22))
        services.citation_schedule_hearing(citation=citation, hearing_at=hearing, courtroom="1104", by=coordinator)
        services.citation_record_response(
            citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 9), by=coordinator
        )
        if name == "dropped":
            services.citation_record_disposition(
                citation=citation,
                disposition=Disposition.WITHDRAWN,
                decided_on=datetime.date(2026, 6, 9),
                by=coordinator,
            )
        rows[name] = Citation.objects.get(pk=citation.pk)
    clock(2026, 6, 10, 16)
    return rows


def test_courtroom_outcomes_from_the_lawyers_phone(client_for, lawyer, courtroom):  # type: ignore[no-untyped-def]
    client = client_for(lawyer)
    url = "/desk/docket/outcomes/"
    page = client.get(url, {"date": "2026-06-10", "courtroom": "1104"})
    html = page.content.decode()
    assert page.status_code == 200
    assert courtroom["mine"].number in html and courtroom["dropped"].number in html
    assert courtroom["theirs"].number not in html  # another lawyer's client: not on this lawyer's list
    assert AuditEntry.objects.filter(action="docket.read", actor=lawyer).exists()

    mine, dropped = courtroom["mine"], courtroom["dropped"]
    chosen = {"date": "2026-06-10", "courtroom": "1104", f"outcome-{mine.public_id}": Disposition.NOT_GUILTY,
              f"outcome-{dropped.public_id}": Disposition.GUILTY,
              f"outcome-{courtroom['theirs'].public_id}": Disposition.GUILTY}  # fmt: skip
    preview = client.post(url, chosen)
    html = preview.content.decode()
    assert preview.status_code == 200 and 'data-preview="yes"' in html
    assert "1 outcomes would be recorded; 1 would be refused." in html
    assert f'name="outcome-{mine.public_id}" value="not_guilty"' in html  # the confirmation carries it
    assert f'name="outcome-{dropped.public_id}" value="guilty"' not in html
    assert set(Citation.objects.values_list("disposition", flat=True)) == {Disposition.PENDING, Disposition.WITHDRAWN}

    with TestCase.captureOnCommitCallbacks(execute=True):  # the run is queued on commit (run at once here)
        queued = client.post(url, {**chosen, "confirm": "yes"})
    assert queued.status_code == 302 and queued["Location"].startswith(url)
    done = client.get(queued["Location"])
    assert done.status_code == 200 and "1 outcomes recorded; 1 refused." in done.content.decode()
    statuses = {c.number: (c.status, c.disposition) for c in Citation.objects.all()}
    assert statuses[mine.number] == (CitationStatus.DECIDED, Disposition.NOT_GUILTY)
    assert statuses[dropped.number] == (CitationStatus.DECIDED, Disposition.WITHDRAWN)
    assert statuses[courtroom["theirs"].number] == (CitationStatus.HEARING_SCHEDULED, Disposition.PENDING)
    decided = Citation.objects.get(pk=mine.pk)
    assert decided.decided_on == datetime.date(2026, 6, 10) and decided.status_changed_by == lawyer
    assert AuditEntry.objects.get(action="citation.hearing_outcomes").details["count"] == 1


def test_courtroom_outcomes_without_a_choice_are_refused(client_for, lawyer, courtroom):  # type: ignore[no-untyped-def]
    response = client_for(lawyer).post("/desk/docket/outcomes/", {"date": "2026-06-10", "courtroom": "1104"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="citation.hearing_outcomes").exists()


# --- query counts: the lists do not grow with their rows ---------------------------------------


def test_bulk_pages_query_counts_do_not_grow_with_rows(client_for, coordinator, make_citation, phl_event, clock):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.pages import query_count

    clock(2026, 6, 10, 8)
    client = client_for(coordinator)

    def add_rows(n: int) -> None:
        for _ in range(n):
            citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, case=CaseFactory(event=phl_event))
            services.citation_schedule_hearing(
                citation=citation, hearing_at=local(2026, 6, 10, 9, 30), courtroom="1104", by=coordinator
            )
            services.citation_record_response(
                citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 9), by=coordinator
            )
            services.payment_record(
                citation=citation, amount="50.00", payer=Payer.BAIL_FUND, paid_on=datetime.date(2026, 6, 5),
                by=coordinator,
            )  # fmt: skip
            services.citation_record_disposition(
                citation=citation, disposition=Disposition.WITHDRAWN, decided_on=datetime.date(2026, 6, 9),
                by=coordinator,
            )  # fmt: skip

    def preview_queries() -> int:
        data = {**FILTERS, "kind": CitationKind.PHL_SUMMARY_NTA, "event": str(phl_event.public_id)}
        with CaptureQueriesContext(connection) as queries:
            assert client.post("/coordination/bulk/disposition/", data).status_code == 200
        return len(queries)

    urls = [f"/coordination/bulk/refunds/?event={phl_event.public_id}", "/coordination/bulk/assign/",
            "/desk/docket/outcomes/?date=2026-06-10&courtroom=1104"]  # fmt: skip
    add_rows(1)
    one = {url: query_count(client, url) for url in urls} | {"preview": preview_queries()}
    add_rows(15)
    many = {url: query_count(client, url) for url in urls} | {"preview": preview_queries()}
    assert many == one
    assert "$50.00" in client.get(urls[0]).content.decode()  # the rows are there: 16 refunds owed
