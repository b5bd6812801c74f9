"""CSV export: scoped to what the user may see, personal columns only for roles allowed to see
them, spreadsheet formulas neutralised, audited with counts only, flat query count."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from cases.models import AuditEntry, Payer
from citations import services
from citations.exports import citations_csv, neutralise
from citations.models import CitationKind
from tests.citations.conftest import local
from tests.factories import CaseFactory, DemonstratorFactory


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def two_cases(phl_event, make_citation, lawyer, other_lawyer, coordinator, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 3, 9)
    mine = CaseFactory(event=phl_event, lawyers=[lawyer],
                       demonstrator=DemonstratorFactory(legal_name="Aisha Okafor", phone="215-555-0101"))  # fmt: skip
    theirs = CaseFactory(event=phl_event, lawyers=[other_lawyer], demonstrator=DemonstratorFactory(legal_name="Li Wei"))
    hostile = make_citation(kind=CitationKind.PHL_CVN, case=mine, place="=cmd|' /C calc'!A0")
    services.payment_record(
        citation=hostile, amount="20.00", payer=Payer.BAIL_FUND, paid_on=hostile.issued_at.date(), by=coordinator
    )
    make_citation(kind=CitationKind.PA_SUMMARY, case=theirs)
    return mine, theirs, hostile


def test_coordinator_export_has_personal_columns_money_and_deadlines(two_cases, coordinator):
    mine, theirs, hostile = two_cases
    rows = parse(citations_csv(user=coordinator))
    assert [r["case number"] for r in rows] == sorted([mine.number, theirs.number])
    row = next(r for r in rows if r["case number"] == mine.number)
    assert (row["name"], row["phone"]) == ("Aisha Okafor", "215-555-0101")
    assert (row["fine"], row["paid"], row["balance due"], row["refund due"]) == ("50.00", "20.00", "30.00", "0.00")
    assert (row["next deadline"], row["next deadline kind"]) == ("2026-06-11", "pay_or_dispute")
    assert row["issued at"] == "2026-06-01 22:30" and row["docketed"] == "not yet"
    assert row["place"] == "'=cmd|' /C calc'!A0"  # neutralised


def test_lawyer_export_holds_only_their_cases(two_cases, lawyer):
    mine, theirs, _ = two_cases
    text = citations_csv(user=lawyer)
    assert [r["case number"] for r in parse(text)] == [mine.number]
    assert "Li Wei" not in text and theirs.number not in text


def test_roles_without_client_files_get_no_rows_and_no_personal_columns(two_cases, organizer, observer):
    for user in (organizer, observer):
        text = citations_csv(user=user)
        header = text.splitlines()[0]
        assert len(text.splitlines()) == 1 and "name" not in header.split(",") and "phone" not in header


def test_export_is_audited_with_counts_only(two_cases, coordinator):
    citations_csv(user=coordinator)
    entry = AuditEntry.objects.get(action="citations.export")
    assert entry.details == {"count": 2, "format": "csv"}
    assert entry.fields == ["date of birth", "name", "phone"]
    assert "Okafor" not in str(entry.details)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(value):
    assert neutralise(value) == "'" + value


def test_plain_values_are_untouched():
    assert [neutralise(v) for v in ("Arch St", "50.00", "", None, "a=b")] == ["Arch St", "50.00", "", "", "a=b"]


@pytest.mark.parametrize("rows", [1, 20])
def test_export_query_count_is_constant(
    rows, phl_event, make_citation, coordinator, clock, django_assert_max_num_queries
):
    clock(2026, 6, 3, 9)
    for _ in range(rows):
        make_citation(kind=CitationKind.PHL_CVN, case=CaseFactory(event=phl_event))
    user = type(coordinator).objects.get(pk=coordinator.pk)
    # role (1), citations with money and next deadline (1), then the audit entry (5)
    with django_assert_max_num_queries(7):
        text = citations_csv(user=user)
    assert len(parse(text)) == rows


def test_export_view(two_cases, client_for, coordinator, lawyer, organizer, observer, phl_event):
    # A bulk export across people is the coordinators' (docs/security.md): a lawyer reads their
    # clients' citations on the desk, and gets 403 here as from the API.
    for user in (organizer, observer, lawyer):
        assert client_for(user).get("/citations/export.csv").status_code == 403
    response = client_for(coordinator).get("/citations/export.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="citations-')
    assert len(parse(response.content.decode())) == 2
    filtered = client_for(coordinator).get(f"/citations/export.csv?event={phl_event.public_id}&kind=pa_summary")
    assert [r["kind"] for r in parse(filtered.content.decode())] == ["Pennsylvania non-traffic summary citation"]
    assert client_for(coordinator).get("/citations/export.csv?event=not-a-uuid").status_code == 404


def test_amounts_stay_exact(two_cases, coordinator):
    _, _, hostile = two_cases
    services.payment_record(
        citation=hostile, amount="0.10", payer=Payer.SELF, paid_on=local(2026, 6, 2).date(), by=coordinator
    )
    services.payment_record(
        citation=hostile, amount="0.20", payer=Payer.SELF, paid_on=local(2026, 6, 2).date(), by=coordinator
    )
    row = next(r for r in parse(citations_csv(user=coordinator)) if r["citation number"] == hostile.number)
    assert Decimal(row["paid"]) == Decimal("20.30") and row["balance due"] == "29.70"
