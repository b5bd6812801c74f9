"""The bulk actions as management commands: a preview unless --confirm, the same services and
the same permission table as the pages, a summary line and one line per skipped row."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import AuditEntry
from citations import services
from citations.models import Citation, CitationKind, Disposition
from tests.citations.conftest import local
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_mass_disposition_command(make_citation, phl_event, coordinator, lawyer, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 10, 12)
    notices = [make_citation(kind=CitationKind.PHL_CVN) for _ in range(2)]
    services.citation_record_disposition(
        citation=notices[1], disposition=Disposition.DISMISSED, decided_on=local(2026, 6, 5).date(), by=coordinator
    )
    args = ["mass_disposition", "--by", coordinator.username, "--event", str(phl_event.public_id), "--kind",
            "phl_cvn", "--from", "2026-06-01", "--to", "2026-06-01", "--disposition", "waived",
            "--decided-on", "2026-06-09"]  # fmt: skip
    preview = run(*args)
    assert "1 citations would be decided as waived, 1 skipped" in preview and "Preview only" in preview
    assert f"skipped {notices[1].case.number} {notices[1].number}: Cannot" in preview
    assert Citation.objects.get(pk=notices[0].pk).disposition == Disposition.PENDING
    done = run(*args, "--confirm")
    assert "1 citations decided as waived, 1 skipped" in done
    assert Citation.objects.get(pk=notices[0].pk).disposition == Disposition.WAIVED
    with pytest.raises(CommandError, match="may not citations.mass_disposition"):
        run(*[lawyer.username if a == coordinator.username else a for a in args])


def test_bulk_assign_command(coordinator, lawyer):  # type: ignore[no-untyped-def]
    cases = [CaseFactory(status="intake") for _ in range(2)]
    numbers = [c.number for c in cases]
    assert "2 cases would be assigned" in run("bulk_assign", "--by", coordinator.username, "--lawyer",
                                             lawyer.username, *numbers)  # fmt: skip
    assert not lawyer.assigned_cases.exists()
    done = run("bulk_assign", "--by", coordinator.username, "--lawyer", lawyer.username, *numbers, "--confirm")
    assert "2 cases assigned" in done and lawyer.assigned_cases.count() == 2
    assert AuditEntry.objects.filter(action="case.assign", actor=coordinator).count() == 2
    with pytest.raises(CommandError, match="No such case"):
        run("bulk_assign", "--by", coordinator.username, "--lawyer", lawyer.username, "9999-0000")


def test_hearing_outcomes_command(make_citation, coordinator, lawyer, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 10, 8)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, case=CaseFactory(lawyers=[lawyer]))
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 6, 10, 9, 30), courtroom="1104", by=coordinator
    )
    clock(2026, 6, 10, 16)
    base = ["hearing_outcomes", "--by", lawyer.username, "--date", "2026-06-10", f"{citation.number}=dismissed"]
    assert "1 outcomes would be recorded, 0 refused" in run(*base)
    assert "1 outcomes recorded, 0 refused" in run(*base, "--confirm")
    assert Citation.objects.get(pk=citation.pk).disposition == Disposition.DISMISSED
    with pytest.raises(CommandError, match="heard that day"):
        run("hearing_outcomes", "--by", lawyer.username, "--date", "2026-06-11", f"{citation.number}=dismissed")
