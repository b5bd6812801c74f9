import datetime

import pytest
from django.utils import timezone

from cases.models import AuditEntry
from citations.models import CitationKind, Deadline
from citations.services import citation_create
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory
from tests.pages import query_count

# A statewide-track citation's 10-day answer: at an event in Pennsylvania outside Philadelphia
# (in Philadelphia Rule 1002 governs it: a notice to appear, no 10-day answer).
STATEWIDE = {"event__jurisdiction": "PA"}


def _citation(case, by, *, number="SC-1", kind=CitationKind.PA_SUMMARY, days_ago=6, **extra):
    return citation_create(
        case=case, by=by, number=number, kind=kind, offense_code="18 Pa.C.S. § 5502",
        issued_at=timezone.now() - datetime.timedelta(days=days_ago), **extra,
    )  # fmt: skip


@pytest.fixture
def my_case(lawyer, coordinator):
    case = CaseFactory(
        lawyers=[lawyer], demonstrator=DemonstratorFactory(legal_name="Rosa Delgado-Quiñones"), **STATEWIDE
    )
    _citation(case, coordinator)
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/desk/cases/", "/desk/due/", "/desk/docket/"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("lawyer", 200), ("coordinator", 200), ("observer", 403), ("organizer", 403), ("outsider", 403)],
)
def test_who_may_open_the_desk(request, client_for, url, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(url).status_code == status


@pytest.mark.django_db
def test_my_cases_lists_only_my_clients_and_audits_the_read(client_for, lawyer, other_lawyer, my_case):
    CaseFactory(lawyers=[other_lawyer], demonstrator=DemonstratorFactory(legal_name="Someone Else"))
    page = client_for(lawyer).get("/desk/cases/").content.decode()
    assert "Rosa Delgado-Quiñones" in page and "Someone Else" not in page
    entry = AuditEntry.objects.filter(action="case.list").latest("id")
    assert entry.actor == lawyer and entry.details == {"count": 1} and "legal_name" in entry.fields


@pytest.mark.django_db
def test_my_cases_filters_by_event_status_and_deadline_window(client_for, lawyer, coordinator, my_case):
    other_event = EventFactory(name="Another march", jurisdiction="PA")
    later = CaseFactory(lawyers=[lawyer], event=other_event, status="intake",
                        demonstrator=DemonstratorFactory(legal_name="Later Person"))  # fmt: skip
    _citation(later, coordinator, number="SC-2", days_ago=0)  # answer due in 10 days
    client = client_for(lawyer)
    by_event = client.get(f"/desk/cases/?event={other_event.public_id}").content.decode()
    assert "Later Person" in by_event and "Rosa Delgado" not in by_event
    by_status = client.get("/desk/cases/?status=intake").content.decode()
    assert "Later Person" in by_status and "Rosa Delgado" not in by_status
    within_week = client.get("/desk/cases/?due=7").content.decode()
    assert "Rosa Delgado" in within_week and "Later Person" not in within_week
    within_month = client.get("/desk/cases/?due=30").content.decode()
    assert "Rosa Delgado" in within_month and "Later Person" in within_month


@pytest.mark.django_db
def test_another_lawyers_case_and_citation_are_404(client_for, other_lawyer, my_case):
    client = client_for(other_lawyer)
    citation = my_case.citations.get()
    assert client.get(f"/desk/cases/{my_case.public_id}/").status_code == 404
    assert client.get(f"/desk/citations/{citation.public_id}/").status_code == 404
    response = client.post(f"/desk/citations/{citation.public_id}/respond/", {"respond-response": "not_guilty"})
    assert response.status_code == 404
    assert my_case.citations.get().response == ""


@pytest.mark.django_db
def test_the_case_page_shows_the_file_and_audits_field_names_only(client_for, lawyer, my_case):
    page = client_for(lawyer).get(f"/desk/cases/{my_case.public_id}/").content.decode()
    assert "Rosa Delgado-Quiñones" in page and "SC-1" in page
    assert "Respond to the citation" in page and "urgency-" in page
    entry = AuditEntry.objects.get(action="case.read")
    assert entry.target_id == str(my_case.public_id) and "phone" in entry.fields
    assert "Rosa" not in str(entry.details) + str(entry.fields)


@pytest.mark.django_db
def test_recording_a_plea_changes_the_deadline(client_for, lawyer, my_case):
    citation = my_case.citations.get()
    respond = Deadline.objects.get(citation=citation, kind="respond")
    assert respond.status == "open"
    client = client_for(lawyer)
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/desk/citations/{citation.public_id}/respond/", {"respond-response": "not_guilty", "respond-at": at}
    )
    assert response.status_code == 302
    respond.refresh_from_db()
    assert respond.status == "met"
    page = client.get(response["Location"]).content.decode()
    assert "The response was recorded." in page and 'data-status="met"' in page


@pytest.mark.django_db
def test_a_refused_move_comes_back_with_the_services_reason(client_for, lawyer, my_case):
    citation = my_case.citations.get()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(lawyer).post(
        f"/desk/citations/{citation.public_id}/decision/",
        {"decision-disposition": "dismissed", "decision-decided_on": tomorrow},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    citation.refresh_from_db()
    assert citation.disposition == "pending"


@pytest.mark.django_db
def test_an_overpayment_is_refused_with_a_clear_error(client_for, lawyer, my_case):
    citation = my_case.citations.get()
    response = client_for(lawyer).post(
        f"/desk/citations/{citation.public_id}/payment/",
        {"payment-kind": "payment", "payment-amount": "9999.00", "payment-payer": "self",
         "payment-paid_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 400 and "would overpay" in response.content.decode()


@pytest.mark.django_db
def test_due_this_week_and_the_docket(client_for, lawyer, coordinator, my_case):
    hearing = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) + datetime.timedelta(days=2)
    _citation(my_case, coordinator, number="NTA-7", kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=hearing,
              courtroom="1104")  # fmt: skip
    client = client_for(lawyer)
    due = client.get("/desk/due/").content.decode()
    assert my_case.number in due and "Rosa Delgado-Quiñones" in due
    docket = client.get(f"/desk/docket/?date={hearing.date().isoformat()}").content.decode()
    assert "NTA-7" in docket and "1104" in docket and "Rosa Delgado-Quiñones" in docket
    assert AuditEntry.objects.filter(action="docket.read").exists()


@pytest.mark.django_db
def test_desk_pages_query_counts_do_not_grow_with_rows(client_for, lawyer, coordinator):
    event = EventFactory()
    hearing = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + datetime.timedelta(days=3)
    first = CaseFactory(lawyers=[lawyer], event=event)

    def add_rows(start, n):
        for i in range(start, start + n):
            case = first if i == 0 else CaseFactory(lawyers=[lawyer], event=event)
            _citation(case, coordinator, number=f"SC-{i}")
            _citation(case, coordinator, number=f"NTA-{i}", kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=hearing)
            if i:
                _citation(first, coordinator, number=f"EXTRA-{i}")  # and more citations on one case

    add_rows(0, 1)
    client = client_for(lawyer)
    urls = [
        "/desk/cases/",
        f"/desk/cases/{first.public_id}/",
        "/desk/due/",
        f"/desk/docket/?date={hearing.date().isoformat()}",
        f"/desk/citations/{first.citations.first().public_id}/",
    ]
    one = {url: query_count(client, url) for url in urls}
    add_rows(1, 24)
    many = {url: query_count(client, url) for url in urls}
    assert many == one
    assert max(one.values()) <= 30  # auth and MFA 4, session save 3, audit 5, the page's own reads


@pytest.mark.django_db
def test_the_docket_page_starts_a_packet_batch_for_the_day(client_for, lawyer, coordinator, my_case):
    hearing = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    _citation(my_case, coordinator, number="NTA-9", kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=hearing)
    client = client_for(lawyer)
    page = client.get(f"/desk/docket/?date={hearing.date().isoformat()}").content.decode()
    assert 'action="/documents/batches/"' in page and 'name="kind" value="hearing_date"' in page
    response = client.post(
        "/documents/batches/", {"kind": "hearing_date", "date": hearing.date().isoformat(), "output": "zip"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/documents/batches/")
    progress = client.get(response["Location"] + "status/").json()
    assert progress["total"] == 1


@pytest.mark.django_db
def test_a_conviction_is_appealed_and_a_citation_closed_from_the_page(client_for, lawyer, coordinator):
    from citations.services import citation_record_disposition, citation_record_response

    case = CaseFactory(lawyers=[lawyer])
    citation = _citation(case, coordinator, number="SC-77")
    citation = citation_record_response(citation=citation, response="not_guilty", at=timezone.now(), by=coordinator)
    citation = citation_record_disposition(
        citation=citation, disposition="guilty", decided_on=timezone.localdate(), by=coordinator
    )
    client = client_for(lawyer)
    today = timezone.localdate().isoformat()
    response = client.post(f"/desk/citations/{citation.public_id}/appeal/", {"appeal-filed_on": today})
    assert response.status_code == 302
    citation.refresh_from_db()
    assert citation.status == "appealed"
    other = _citation(case, coordinator, number="SC-78")
    refused = client.post(f"/desk/citations/{other.public_id}/close/", {"close-closed_on": today})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()
    other.refresh_from_db()
    assert other.status == "issued"


@pytest.mark.django_db
def test_due_this_week_shows_a_page_at_a_time(client_for, lawyer, coordinator, monkeypatch):
    monkeypatch.setattr("web.views.desk.DUE_PAGE_SIZE", 2)
    cases = [CaseFactory(lawyers=[lawyer], **STATEWIDE) for _ in range(5)]
    for n, case in enumerate(cases):
        _citation(case, coordinator, number=f"SC-{n}")  # the answer is due within the week
    client = client_for(lawyer)
    pages = [client.get(f"/desk/due/?page={n}").content.decode() for n in (1, 2, 3)]
    for case in cases:
        assert sum(case.number in page for page in pages) == 1, case.number
    assert "1 to 2 of 5" in pages[0] and 'href="?page=2"' in pages[0]
    assert "5 to 5 of 5" in pages[2] and 'href="?page=2"' in pages[2] and 'href="?page=4"' not in pages[2]
    shown = AuditEntry.objects.filter(action="deadline.list").order_by("id")
    assert [entry.details["count"] for entry in shown] == [2, 2, 1]  # what each page showed, no more
    before = query_count(client, "/desk/due/?page=2")
    for n, case in enumerate(CaseFactory(lawyers=[lawyer]) for _ in range(4)):
        _citation(case, coordinator, number=f"SC-more-{n}")
    assert query_count(client, "/desk/due/?page=2") == before
