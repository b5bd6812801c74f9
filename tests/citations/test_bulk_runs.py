"""Bulk assignment and a courtroom list's outcomes never hold the request either: with the task
queue production uses (django-tasks-db), confirming queues a run and returns with nothing
written; the real worker (`manage.py db_worker`, one task) then does each case in its own
transaction, and the run's page shows the report (numbers, never names) in a fixed number of
queries. A worker killed mid-assignment is taken up again without assigning a case twice."""

from __future__ import annotations

import datetime

import pytest
from django.test import TestCase
from django.utils import timezone

from cases import services as case_services
from cases.models import AuditEntry, Case
from citations import services
from citations.models import BulkAction, BulkRun, Citation, CitationKind, CitationStatus, Disposition, RunStatus
from citations.runs import recover_stale_runs
from tests.citations.conftest import local
from tests.factories import CaseFactory
from tests.worker import one_worker_step

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """A worker killed mid-run, as seen from inside (no `except Exception` catches it)."""


@pytest.fixture
def queue(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _assign(client, lawyer, cases):  # type: ignore[no-untyped-def]
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = client.post(
            "/coordination/bulk/assign/",
            {"lawyer": lawyer.pk, "cases": [str(c.public_id) for c in cases], "all": "1", "confirm": "yes"},
        )
    assert queued.status_code == 302
    return queued["Location"]


def test_an_assignment_is_queued_then_done_by_the_worker(queue, client_for, coordinator, lawyer, phl_event):  # type: ignore[no-untyped-def]
    cases = [CaseFactory(event=phl_event, status="intake") for _ in range(3)]
    client = client_for(coordinator)
    location = _assign(client, lawyer, cases)
    run = BulkRun.objects.get()
    assert (run.action, run.status, run.total, run.params) == (
        BulkAction.ASSIGN,
        RunStatus.QUEUED,
        3,
        {"lawyer": lawyer.pk},
    )
    assert not lawyer.assigned_cases.exists()  # nothing written in the request
    page = client.get(location).content.decode()
    assert "0 / 3" in page and "js/batch.js" in page

    one_worker_step()
    run.refresh_from_db()
    assert (run.status, run.done, run.decided, run.skipped) == (RunStatus.DONE, 3, 3, 0)
    assert sorted(run.report["decided"]) == sorted(c.pk for c in cases)
    assert set(lawyer.assigned_cases.values_list("pk", flat=True)) == {c.pk for c in cases}
    html = client.get(location).content.decode()
    assert "3 cases assigned to" in html and all(c.number in html for c in cases)
    assert all(c.demonstrator.legal_name not in html for c in cases)  # numbers, not names
    assert client.get(location + "status/").json()["status"] == "done"


@pytest.mark.parametrize("size", [2, 7])
def test_the_assignment_report_is_a_fixed_number_of_queries(  # type: ignore[no-untyped-def]
    size, client_for, coordinator, lawyer, phl_event, django_assert_num_queries
):
    cases = [CaseFactory(event=phl_event, status="intake") for _ in range(size)]
    client = client_for(coordinator)
    location = _assign(client, lawyer, [*cases, CaseFactory(event=phl_event, lawyers=[lawyer])])  # one left alone
    client.get(location)
    # session, user, second factor, its groups (role); the run; the cases of the report; the lawyer;
    # the session's save (savepoint, update, release)
    with django_assert_num_queries(10):
        assert client.get(location).status_code == 200


def test_a_killed_assignment_is_taken_up_and_assigns_each_case_once(  # type: ignore[no-untyped-def]
    queue, client_for, coordinator, lawyer, phl_event, monkeypatch
):
    cases = [CaseFactory(event=phl_event, status="intake") for _ in range(4)]
    _assign(client_for(coordinator), lawyer, cases)
    assign = case_services.case_assign_lawyers
    calls = []

    def dies_at_the_third(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise Killed
        return assign(**kwargs)

    monkeypatch.setattr(case_services, "case_assign_lawyers", dies_at_the_third)
    one_worker_step()
    monkeypatch.undo()
    run = BulkRun.objects.get()
    assert (run.status, run.done) == (RunStatus.RUNNING, 2)
    BulkRun.objects.filter(pk=run.pk).update(last_progress_at=timezone.now() - datetime.timedelta(hours=1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert recover_stale_runs().requeued == [str(run.public_id)]
    one_worker_step()
    run.refresh_from_db()
    assert (run.status, run.decided, run.skipped) == (RunStatus.DONE, 4, 0)
    assigned = list(AuditEntry.objects.filter(action="case.assign").values_list("target_id", flat=True))
    assert sorted(assigned) == sorted(str(c.public_id) for c in cases)  # each case once
    assert Case.objects.filter(lawyers=lawyer).count() == 4


def test_courtroom_outcomes_are_queued_then_recorded_by_the_worker(  # type: ignore[no-untyped-def]
    queue, client_for, make_citation, coordinator, lawyer, other_lawyer, clock
):
    clock(2026, 6, 10, 8)
    heard = []
    for _ in range(3):
        citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, case=CaseFactory(lawyers=[lawyer]))
        services.citation_schedule_hearing(
            citation=citation, hearing_at=local(2026, 6, 10, 9, 30), courtroom="1104", by=coordinator
        )
        heard.append(citation)
    clock(2026, 6, 10, 16)
    client = client_for(lawyer)
    chosen = {f"outcome-{c.public_id}": Disposition.DISMISSED for c in heard}
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = client.post(
            "/desk/docket/outcomes/", {"date": "2026-06-10", "courtroom": "1104", **chosen, "confirm": "yes"}
        )
    assert queued.status_code == 302
    assert not Citation.objects.filter(disposition=Disposition.DISMISSED).exists()  # nothing in the request
    assert client_for(other_lawyer).get(queued["Location"]).status_code == 404  # another lawyer's run
    one_worker_step()
    run = BulkRun.objects.get()
    assert (run.action, run.status, run.decided, run.decided_on) == (
        BulkAction.HEARING_OUTCOMES, RunStatus.DONE, 3, datetime.date(2026, 6, 10)
    )  # fmt: skip
    assert all(
        (c.status, c.disposition) == (CitationStatus.DECIDED, Disposition.DISMISSED)
        for c in Citation.objects.filter(pk__in=[c.pk for c in heard])
    )
    html = client.get(queued["Location"]).content.decode()
    assert "3 outcomes recorded; 0 refused." in html and all(c.number in html for c in heard)
    assert "/desk/docket/outcomes/?date=2026-06-10&amp;courtroom=1104" in html  # back to the same list
    assert AuditEntry.objects.get(action="citation.hearing_outcomes").details["batch"] == run.batch
