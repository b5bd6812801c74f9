"""The complaint packet and the plea letter from the case page (and the plea letter from the
citation page): a button only where the state allows it, each button's form produces the PDF,
the complaint packet still asks a lawyer to confirm for a client with pending charges, and the
plea letter is refused for a citation that can no longer take a plea."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cases.models import AuditEntry
from citations.models import CitationKind, CitationStatus, Response
from documents.models import StoredPacket
from tests.documents.conftest import pdf_text
from tests.factories import CaseFactory, CitationFactory, ComplaintFactory

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """The forms of a page that carry a css class, with their action and hidden fields."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.forms: list[dict[str, str]] = []
        self.current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and self.css_class in values.get("class", "").split():
            self.current = {"_action": values["action"]}
        elif tag == "input" and self.current is not None and values.get("name"):
            self.current[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def forms_of(html: bytes, css_class: str) -> list[dict[str, str]]:
    parser = Forms(css_class)
    parser.feed(html.decode())
    return parser.forms


@pytest.fixture
def case(lawyer):  # type: ignore[no-untyped-def]
    case = CaseFactory(lawyers=[lawyer], demonstrator__legal_name="Amara Okafor")
    case.pleadable = CitationFactory(case=case, number="SC-BTN-1", kind=CitationKind.PA_SUMMARY, fine="0.00")
    case.pleaded = CitationFactory(
        case=case, number="MC-BTN-2", kind=CitationKind.PHL_SUMMARY_NTA, status=CitationStatus.ANSWERED,
        response=Response.NOT_GUILTY,
    )  # fmt: skip
    case.cvn = CitationFactory(case=case, number="CVN-BTN-3", kind=CitationKind.PHL_CVN)
    return case


def post_form(client, form: dict[str, str]):  # type: ignore[no-untyped-def]
    data = {k: v for k, v in form.items() if k != "_action"}
    return client.post(form["_action"], data)


def test_case_page_offers_a_plea_letter_only_for_citations_that_can_take_a_plea(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    page = client_for(lawyer).get(f"/desk/cases/{case.public_id}/")
    assert page.status_code == 200
    pleas = forms_of(page.content, "packet-plea")
    assert [f["citation"] for f in pleas] == [str(case.pleadable.public_id)]
    assert pleas[0]["kind"] == "plea" and pleas[0]["_action"] == f"/documents/cases/{case.public_id}/packet/"
    assert forms_of(page.content, "packet-complaint") == []  # no complaint: no complaint button


def test_plea_letter_button_on_the_case_page_gives_the_letter(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    client = client_for(lawyer)
    (form,) = forms_of(client.get(f"/desk/cases/{case.public_id}/").content, "packet-plea")
    response = post_form(client, form)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Plea of not guilty" in text and "SC-BTN-1" in text and "Amara Okafor" in text
    assert "MC-BTN-2" not in text


def test_citation_page_offers_the_plea_letter_where_a_plea_is_possible(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    client = client_for(lawyer)
    (form,) = forms_of(client.get(f"/desk/citations/{case.pleadable.public_id}/").content, "packet-plea")
    assert form["citation"] == str(case.pleadable.public_id)
    response = post_form(client, form)
    assert response.status_code == 200
    assert "SC-BTN-1" in pdf_text(response.content)
    for citation in (case.pleaded, case.cvn):
        page = client.get(f"/desk/citations/{citation.public_id}/")
        assert page.status_code == 200 and forms_of(page.content, "packet-plea") == []


@pytest.mark.parametrize("which", ["pleaded", "cvn"])
def test_plea_letter_is_refused_where_no_plea_is_possible(case, lawyer, client_for, which):  # type: ignore[no-untyped-def]
    citation = getattr(case, which)
    response = client_for(lawyer).post(
        f"/documents/cases/{case.public_id}/packet/", {"kind": "plea", "citation": str(citation.public_id)}
    )
    assert response.status_code == 400
    assert "can no longer be entered" in response.content.decode()
    assert not StoredPacket.objects.exists()


def test_plea_letter_without_a_citation_picks_one_that_can_take_a_plea(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    response = client_for(lawyer).post(f"/documents/cases/{case.public_id}/packet/", {"kind": "plea"})
    assert response.status_code == 200
    assert "SC-BTN-1" in pdf_text(response.content)


def test_complaint_button_keeps_the_pending_charges_guardrail(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    complaint = ComplaintFactory(case=case, narrative="Pushed to the ground at 8th and Arch.")
    client = client_for(lawyer)
    (form,) = forms_of(client.get(f"/desk/cases/{case.public_id}/").content, "packet-complaint")
    assert form["kind"] == "complaint" and form["complaint"] == str(complaint.public_id)

    # Open citations: the button leads to the lawyer's confirmation, nothing is generated yet.
    refused = post_form(client, form)
    assert refused.status_code == 409
    assert not StoredPacket.objects.exists()
    confirm = refused.content.decode()
    assert 'name="confirm"' in confirm and re.search(rf'name="complaint" value="{complaint.public_id}"', confirm)

    confirmed = post_form(client, {**form, "confirm": "yes"})
    assert confirmed.status_code == 200 and confirmed["Content-Type"] == "application/pdf"
    text = pdf_text(confirmed.content)
    assert "Excessive-force complaint" in text and "Pushed to the ground" in text
    assert AuditEntry.objects.get(action="packet.complaint_confirmed").actor == lawyer
