"""The case lists (the desk's "My cases", the coordinators' cases waiting for a lawyer): next
deadline first with cases without one last, the event as a group heading, lawyers by name,
search by case, citation or docket number or a person's name (POST, audited, never in a URL),
and sorting by column."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AuditEntry
from citations.models import CitationKind
from citations.services import citation_create, citation_record_docketed
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory, UserFactory
from tests.pages import query_count


def _citation(case, by, *, number, days_ago=6):
    return citation_create(
        case=case, by=by, number=number, kind=CitationKind.PA_SUMMARY, offense_code="18 Pa.C.S. § 5502",
        issued_at=timezone.now() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


def _numbers(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', body)


@pytest.fixture
def three_cases(lawyer, coordinator):
    event = EventFactory(name="March on the bridge", jurisdiction="PA")  # statewide: the 10-day answer
    none = CaseFactory(lawyers=[lawyer], event=event, demonstrator=DemonstratorFactory(legal_name="Nadia Noone"))
    later = CaseFactory(lawyers=[lawyer], event=event, demonstrator=DemonstratorFactory(legal_name="Lee Later"))
    _citation(later, coordinator, number="SC-LATER", days_ago=0)  # answer due in 10 days
    sooner = CaseFactory(lawyers=[lawyer], event=event, demonstrator=DemonstratorFactory(legal_name="Sam Sooner"))
    _citation(sooner, coordinator, number="SC-SOON", days_ago=8)  # answer due in 2 days
    return {"none": none, "later": later, "sooner": sooner}


@pytest.mark.django_db
def test_next_deadline_first_and_cases_without_one_last(client_for, lawyer, three_cases):
    html = client_for(lawyer).get("/desk/cases/").content.decode()
    assert _numbers(html, "case-list") == [three_cases[k].number for k in ("sooner", "later", "none")]


@pytest.mark.django_db
def test_a_column_heading_sorts_and_says_so(client_for, lawyer, three_cases):
    client = client_for(lawyer)
    html = client.get("/desk/cases/?sort=-deadline").content.decode()
    assert _numbers(html, "case-list") == [three_cases[k].number for k in ("later", "sooner", "none")]
    assert 'aria-sort="descending"' in html
    by_case = _numbers(client.get("/desk/cases/?sort=case").content.decode(), "case-list")
    assert by_case == sorted(by_case)
    by_case_down = _numbers(client.get("/desk/cases/?sort=-case").content.decode(), "case-list")
    assert by_case_down == sorted(by_case, reverse=True)
    unknown = client.get("/desk/cases/?sort=demonstrator__legal_name").content.decode()
    assert _numbers(unknown, "case-list")[0] == three_cases["sooner"].number  # the default, not a field


@pytest.mark.django_db
def test_the_event_is_a_group_heading_not_repeated_per_row(client_for, lawyer, three_cases):
    html = client_for(lawyer).get("/desk/cases/").content.decode()
    assert html.count("March on the bridge</th>") == 1
    assert '<tr class="group"><th scope="colgroup" colspan="6">March on the bridge</th></tr>' in html


@pytest.mark.django_db
def test_lawyers_are_listed_by_their_names(client_for, coordinator, three_cases):
    named = UserFactory(username="dw_lawyer", role="lawyer", first_name="Dana", last_name="Whitfield")
    three_cases["none"].lawyers.add(named)
    html = client_for(coordinator).get("/desk/cases/").content.decode()
    assert "Dana Whitfield" in html and "dw_lawyer" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "found"),
    [("sam sooner", "sooner"), ("  Lee   LATER ", "later"), ("SC-later", "later"), ("dk-9-2026", "none")],
)
def test_search_by_name_citation_docket_or_case_number(client_for, lawyer, coordinator, three_cases, text, found):
    citation = _citation(three_cases["none"], coordinator, number="SC-NONE", days_ago=40)
    citation_record_docketed(citation=citation, docket_number="DK-9-2026", by=coordinator)
    response = client_for(lawyer).post("/desk/cases/", {"q": text})
    assert response.status_code == 200
    assert _numbers(response.content.decode(), "case-list") == [three_cases[found].number]
    entry = AuditEntry.objects.filter(action="case.search").latest("id")
    assert entry.actor == lawyer and entry.details == {"count": 1}
    assert text.strip().lower() not in str(entry.details).lower() + str(entry.fields).lower()


@pytest.mark.django_db
def test_search_by_case_number_and_nothing_found(client_for, lawyer, other_lawyer, three_cases):
    client = client_for(lawyer)
    number = three_cases["later"].number
    assert _numbers(client.post("/desk/cases/", {"q": number.lower()}).content.decode(), "case-list") == [number]
    someone_else = CaseFactory(lawyers=[other_lawyer], demonstrator=DemonstratorFactory(legal_name="Out Ofscope"))
    for text in ("Out Ofscope", someone_else.number):
        html = client.post("/desk/cases/", {"q": text}).content.decode()
        assert "0 cases found." in html and 'id="case-list"' not in html
    assert client.post("/desk/cases/", {"q": ""}).status_code == 400


@pytest.mark.django_db
def test_a_search_keeps_its_text_out_of_every_link(client_for, lawyer, three_cases):
    html = client_for(lawyer).post("/desk/cases/", {"q": "Sam Sooner", "sort": "-case"}).content.decode()
    assert 'form="case-search" name="sort" value="case"' in html  # re-sends the search, sorted
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if "Sam" in h or "Sooner" in h]


@pytest.mark.django_db
def test_the_case_list_query_count_does_not_grow(client_for, lawyer, coordinator, three_cases):
    client = client_for(lawyer)
    one = query_count(client, "/desk/cases/")
    for n in range(20):
        case = CaseFactory(lawyers=[lawyer], event=EventFactory(name=f"Event {n}"))
        _citation(case, coordinator, number=f"SC-M{n}")
    assert query_count(client, "/desk/cases/") == one
    with CaptureQueriesContext(connection) as searched:
        client.post("/desk/cases/", {"q": "Sam Sooner"})
    assert len(searched) <= one


@pytest.mark.django_db
def test_the_coordinators_waiting_list_sorts_and_searches(client_for, coordinator):
    event = EventFactory(name="Sit-in")
    none = CaseFactory(event=event, demonstrator=DemonstratorFactory(legal_name="Wanda Waiting"))
    due = CaseFactory(event=event, demonstrator=DemonstratorFactory(legal_name="Dee Due"))
    _citation(due, coordinator, number="SC-DUE", days_ago=8)
    client = client_for(coordinator)
    assert _numbers(client.get("/coordination/").content.decode(), "unassigned") == [due.number, none.number]
    assert _numbers(client.get("/coordination/?sort=case").content.decode(), "unassigned") == [none.number, due.number]
    found = client.post("/coordination/", {"q": "wanda waiting"})
    assert found.status_code == 200 and _numbers(found.content.decode(), "unassigned") == [none.number]
    assert AuditEntry.objects.filter(action="case.search", actor=coordinator).exists()


def _hearing_in(days: int):
    return timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) + datetime.timedelta(days=days)


@pytest.mark.django_db
def test_the_docket_opens_on_the_next_hearing_day(client_for, lawyer, coordinator, three_cases):
    hearing = _hearing_in(3)
    citation_create(
        case=three_cases["none"], by=coordinator, number="NTA-1", kind=CitationKind.PHL_SUMMARY_NTA,
        offense_code="18 Pa.C.S. § 5502", issued_at=timezone.now() - datetime.timedelta(days=1),
        hearing_at=hearing, courtroom="1104",
    )  # fmt: skip
    client = client_for(lawyer)
    html = client.get("/desk/docket/").content.decode()
    assert "NTA-1" in html and 'id="docket-moved"' in html
    assert f'value="{hearing.date().isoformat()}"' in html  # the date box shows the day shown
    today = client.get(f"/desk/docket/?date={timezone.localdate().isoformat()}").content.decode()
    assert "No hearing on this date." in today and "NTA-1" not in today
    assert f'href="?date={hearing.date().isoformat()}"' in today
    after = client.get(f"/desk/docket/?date={(hearing.date() + datetime.timedelta(days=1)).isoformat()}")
    assert "No later hearing is scheduled." in after.content.decode()


@pytest.mark.django_db
def test_the_docket_opens_on_today_without_any_hearing_and_ignores_others_hearings(
    client_for, lawyer, other_lawyer, coordinator
):
    theirs = CaseFactory(lawyers=[other_lawyer])
    citation_create(
        case=theirs, by=coordinator, number="NTA-X", kind=CitationKind.PHL_SUMMARY_NTA,
        offense_code="18 Pa.C.S. § 5502", issued_at=timezone.now() - datetime.timedelta(days=1),
        hearing_at=_hearing_in(2),
    )  # fmt: skip
    html = client_for(lawyer).get("/desk/docket/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert "No later hearing is scheduled." in html and 'id="docket-moved"' not in html


@pytest.mark.django_db
def test_a_long_docket_shows_a_page_of_defendants_at_a_time(client_for, lawyer, coordinator, monkeypatch):
    monkeypatch.setattr("web.views.desk.DOCKET_PAGE_SIZE", 2)
    hearing = _hearing_in(2)
    cases = [CaseFactory(lawyers=[lawyer]) for _ in range(5)]
    for n, case in enumerate(cases):
        citation_create(
            case=case, by=coordinator, number=f"NTA-P{n}", kind=CitationKind.PHL_SUMMARY_NTA,
            offense_code="18 Pa.C.S. § 5502", issued_at=timezone.now() - datetime.timedelta(days=1),
            hearing_at=hearing + datetime.timedelta(minutes=n), courtroom="1104",
        )  # fmt: skip
    client = client_for(lawyer)
    day = hearing.date().isoformat()
    pages = [client.get(f"/desk/docket/?date={day}&page={n}").content.decode() for n in (1, 2, 3)]
    for n in range(5):
        assert sum(f"NTA-P{n}<" in page for page in pages) == 1, n
    assert "NTA-P0<" in pages[0] and "NTA-P4<" in pages[2]  # in hearing order
    assert f"?date={day}&amp;page=2" in pages[0] and "Page 1 of 3" in pages[0]
    assert query_count(client, f"/desk/docket/?date={day}&page=2") == query_count(client, f"/desk/docket/?date={day}")
