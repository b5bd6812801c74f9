"""The demo data goes through the services (so it has deadlines and balanced money), the admin
creates and edits citations through them too, and the missed-deadline sweep command."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from cases.models import AuditEntry
from citations import services
from citations.models import Citation, CitationKind, CitationStatus, Deadline, DeadlineKind, DeadlineStatus
from tests.citations.conftest import local
from tests.factories import CaseFactory


@pytest.mark.django_db
def test_demo_citations_have_deadlines_and_consistent_money():
    call_command("seed_demo", password="a-long-demo-password", stdout=io.StringIO())
    citations = list(Citation.objects.all())
    # The demo's event is in Philadelphia: its statewide-track summary citations follow Rule 1002
    # (a notice to appear, no 10-day answer or its warrant risk).
    statewide = Citation.objects.filter(kind=CitationKind.PA_SUMMARY)
    assert statewide.exists()
    assert not Deadline.objects.filter(citation__in=statewide, kind=DeadlineKind.RESPOND).exists()
    assert Deadline.objects.filter(
        citation__in=statewide, kind=DeadlineKind.APPEAR, rule__code="phl-nta-appear"
    ).exists()
    assert Deadline.objects.filter(kind=DeadlineKind.PAY_OR_DISPUTE, status=DeadlineStatus.OPEN).exists()
    assert Deadline.objects.filter(kind=DeadlineKind.APPEAR, status=DeadlineStatus.OPEN).exists()
    assert Deadline.objects.filter(kind=DeadlineKind.CIVIL_CLAIM).count() == 3
    for citation in citations:
        assert citation.status_changed_at is not None
        assert Deadline.objects.filter(citation=citation).exists(), citation.number
        balance = services.citation_balance(citation=citation)
        assert balance.net <= balance.owed or citation.status == CitationStatus.DECIDED
        assert balance.refund_due == Decimal("0.00")  # the dismissed citation's collateral was refunded
    assert Citation.objects.filter(status=CitationStatus.CLOSED, disposition="dismissed").exists()
    assert Citation.objects.filter(status=CitationStatus.HEARING_SCHEDULED, docketed=False).exists()


def test_the_admin_creates_and_edits_citations_through_the_services(client_for, administrator, pa_event, clock):
    clock(2026, 6, 3, 9)
    case = CaseFactory(event=pa_event)  # a statewide-track citation outside Philadelphia: the 10-day answer
    client = client_for(administrator)
    data = {
        "case": case.pk, "number": "ADM-1", "agency": "Philadelphia Police Department", "jurisdiction": "PA",
        "kind": CitationKind.PA_SUMMARY, "offense_code": "18 Pa.C.S. § 5502", "fine": "50.00", "costs": "0.00",
        "issued_at_0": "2026-06-01", "issued_at_1": "22:30:00",
        "payments-TOTAL_FORMS": "0", "payments-INITIAL_FORMS": "0",
        "deadlines-TOTAL_FORMS": "0", "deadlines-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post("/admin/citations/citation/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    citation = Citation.objects.get(number="ADM-1")
    assert citation.issued_at == local(2026, 6, 1, 22, 30)
    assert Deadline.objects.get(citation=citation).due_on.isoformat() == "2026-06-11"
    assert AuditEntry.objects.filter(action="citation.create", target_id=str(citation.public_id)).exists()
    data.update({"issued_at_0": "2026-06-02"})
    response = client.post(f"/admin/citations/citation/{citation.pk}/change/", data)
    assert response.status_code == 302
    assert Deadline.objects.get(citation=citation).due_on.isoformat() == "2026-06-12"
    assert AuditEntry.objects.filter(action="citation.update", fields=["issued_at"]).exists()


def test_the_sweep_command_marks_missed_deadlines(make_citation, clock):
    clock(2026, 6, 3, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    clock(2026, 6, 20, 9)
    out = io.StringIO()
    call_command("mark_missed_deadlines", stdout=out)
    assert out.getvalue().strip() == "1 deadlines marked missed."
    assert Deadline.objects.get(citation=citation).status == DeadlineStatus.MISSED
