"""The citation page offers only what the citation's state allows (citations.lifecycle decides),
and its menus start empty so that a stray Save records nothing."""

import datetime
import re

import pytest
from django.utils import timezone

from citations.lifecycle import actions_open, dispositions_open
from citations.models import CitationKind
from citations.services import citation_create, citation_record_disposition, citation_record_response
from tests.factories import CaseFactory

ALL_FORMS = {"respond", "hearing", "docket", "decision", "payment", "appeal", "close"}


def _citation(case, by, *, number="SC-1", kind=CitationKind.PA_SUMMARY, **extra):
    return citation_create(
        case=case, by=by, number=number, kind=kind, offense_code="18 Pa.C.S. § 5502",
        issued_at=timezone.now() - datetime.timedelta(days=6), **extra,
    )  # fmt: skip


def _forms_on(client, citation) -> set[str]:
    page = client.get(f"/desk/citations/{citation.public_id}/").content.decode()
    return set(re.findall(r'id="action-([a-z]+)"', page))


@pytest.mark.django_db
def test_an_unanswered_citation_offers_a_plea_a_drop_a_docket_and_money_only(client_for, lawyer, coordinator):
    # Outside Philadelphia: there Rule 1002 governs a statewide-track citation (a hearing from issue).
    citation = _citation(CaseFactory(lawyers=[lawyer], event__jurisdiction="PA"), coordinator)
    client = client_for(lawyer)
    assert _forms_on(client, citation) == {"respond", "docket", "decision", "payment"}
    page = client.get(f"/desk/citations/{citation.public_id}/").content.decode()
    decision_menu = page.split('name="decision-disposition"')[1].split("</select>")[0]
    assert 'value="dismissed"' in decision_menu and 'value="guilty"' not in decision_menu


@pytest.mark.django_db
def test_a_conviction_offers_the_appeal_and_closing_but_no_plea(client_for, lawyer, coordinator):
    citation = _citation(CaseFactory(lawyers=[lawyer]), coordinator)
    citation = citation_record_response(citation=citation, response="not_guilty", at=timezone.now(), by=coordinator)
    assert _forms_on(client_for(lawyer), citation) == {"hearing", "docket", "decision", "payment"}
    citation = citation_record_disposition(
        citation=citation, disposition="guilty", decided_on=timezone.localdate(), by=coordinator
    )
    assert _forms_on(client_for(lawyer), citation) == {"docket", "payment", "appeal", "close"}


@pytest.mark.django_db
def test_a_paid_civil_notice_offers_no_hearing_and_no_appeal(client_for, lawyer, coordinator):
    citation = _citation(CaseFactory(lawyers=[lawyer]), coordinator, kind=CitationKind.PHL_CVN)
    citation = citation_record_response(citation=citation, response="paid", at=timezone.now(), by=coordinator)
    forms = _forms_on(client_for(lawyer), citation)
    assert "hearing" not in forms and "appeal" not in forms and "respond" not in forms
    assert {"decision", "payment"} <= forms


@pytest.mark.django_db
def test_a_refused_form_stays_on_screen_with_the_reason(client_for, lawyer, coordinator):
    citation = _citation(CaseFactory(lawyers=[lawyer]), coordinator)
    today = timezone.localdate().isoformat()
    response = client_for(lawyer).post(f"/desk/citations/{citation.public_id}/close/", {"close-closed_on": today})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="action-close" open' in page and 'role="alert"' in page


@pytest.mark.django_db
def test_the_plea_menu_starts_empty_and_a_stray_save_records_nothing(client_for, lawyer, coordinator):
    citation = _citation(CaseFactory(lawyers=[lawyer]), coordinator, kind=CitationKind.PHL_CVN)
    client = client_for(lawyer)
    page = client.get(f"/desk/citations/{citation.public_id}/").content.decode()
    menu = page.split('name="respond-response"')[1].split("</select>")[0]
    first = re.search(r"<option([^>]*)>", menu).group(1)
    assert 'value=""' in first and "selected" not in menu.split("</option>", 1)[1]
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/desk/citations/{citation.public_id}/respond/", {"respond-response": "", "respond-at": at})
    assert response.status_code == 400
    citation.refresh_from_db()
    assert citation.response == "" and citation.status == "issued"
    decision = client.post(
        f"/desk/citations/{citation.public_id}/decision/",
        {"decision-disposition": "", "decision-decided_on": timezone.localdate().isoformat()},
    )
    assert decision.status_code == 400
    citation.refresh_from_db()
    assert citation.disposition == "pending"


@pytest.mark.parametrize(
    ("kind", "status", "response", "disposition", "expected"),
    [
        ("pa_summary", "issued", "", "pending", {"respond", "docket", "decide"}),
        ("pa_summary", "answered", "guilty", "pending", {"docket", "decide"}),
        ("pa_summary", "answered", "not_guilty", "pending", {"schedule_hearing", "docket", "decide"}),
        ("pa_summary", "decided", "not_guilty", "not_guilty", {"docket", "close"}),
        ("pa_summary", "decided", "not_guilty", "guilty", {"docket", "open_appeal_window", "appeal", "close"}),
        ("phl_cvn", "decided", "paid", "paid", {"docket", "close", "decide"}),
        ("phl_cvn", "closed", "paid", "paid", {"decide"}),
        ("pa_summary", "closed", "guilty", "guilty", set()),
    ],
)
def test_the_lifecycle_says_which_actions_are_open(kind, status, response, disposition, expected):
    assert actions_open(kind=kind, status=status, response=response, disposition=disposition) == expected


def test_a_paid_notice_can_later_only_be_dropped():
    assert dispositions_open(kind="phl_cvn", status="closed", response="paid", disposition="paid") == [
        "dismissed", "withdrawn", "waived",
    ]  # fmt: skip
    assert "paid" not in dispositions_open(
        kind="phl_cvn", status="answered", response="disputed", disposition="pending"
    )
