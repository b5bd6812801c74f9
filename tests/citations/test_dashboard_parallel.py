"""The dashboard's aggregates run at once on separate connections (outside a transaction), and
give exactly what they give one after another: same numbers, same suppression, same language."""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

import citations.dashboard as dashboard
from citations.deadlines import sync_citation_deadlines
from citations.models import Citation
from tests.factories import ArrestFactory, CaseFactory, CitationFactory, EventFactory, IncidentFactory, PaymentFactory


@pytest.fixture
def committed(django_db_serialized_rollback, transactional_db):  # type: ignore[no-untyped-def]
    """Committed rows (other connections must see them), small and large counts alike. The
    database is emptied afterwards without re-running post-migrate handlers, and the migrations'
    data (roles, deadline rules) restored first, as the other committed-data tests expect."""
    today = timezone.localdate()
    march = EventFactory(name="March", starts_at=timezone.now() - datetime.timedelta(days=9))
    rally = EventFactory(name="Rally", starts_at=timezone.now() - datetime.timedelta(days=2))
    cases = [CaseFactory(event=march) for _ in range(9)] + [CaseFactory(event=rally) for _ in range(2)]
    for case in cases[:7]:
        ArrestFactory(case=case)
    for i, case in enumerate(cases):
        citation = CitationFactory(
            case=case, kind="pa_summary" if i % 3 else "phl_cvn", issued_at=timezone.now() - datetime.timedelta(days=i)
        )
        if i % 4 == 0:
            PaymentFactory(citation=citation, amount=Decimal("25.00"), payer="bail_fund")
    IncidentFactory(event=march)
    sync_citation_deadlines(list(Citation.objects.all()))
    return today


def test_run_together_gives_what_one_after_another_gives(committed, settings):
    settings.DASHBOARD_QUERY_THREADS = 1
    sequential = dashboard.dashboard_summary(today=committed)
    settings.DASHBOARD_QUERY_THREADS = 4
    with CaptureQueriesContext(connection) as on_this_connection:
        together = dashboard.dashboard_summary(today=committed)
    assert together == sequential
    assert len(on_this_connection) == 0  # every aggregate ran on another thread's connection
    # Rally's two people are left out overall (fewer than 5: its figures are shown nowhere)
    assert sequential["people"]["people"] == {"value": 9, "display": "9", "suppressed": False}


def test_the_threads_work_in_the_caller_s_language_and_time_zone(committed, settings):
    settings.DASHBOARD_QUERY_THREADS = 4
    seen = []
    original = dashboard._deadlines

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((threading.get_ident(), translation.get_language(), timezone.get_current_timezone_name()))
        return original(*args, **kwargs)

    dashboard._deadlines = spy
    try:
        with translation.override("es"), timezone.override("America/Los_Angeles"):
            dashboard.dashboard_summary(today=committed)
    finally:
        dashboard._deadlines = original
    [(thread, language, zone)] = seen
    assert thread != threading.get_ident()
    assert (language, zone) == ("es", "America/Los_Angeles")


def test_inside_a_transaction_the_aggregates_run_on_the_caller_s_connection(db, settings):
    """Other connections could not see uncommitted rows: run one after another instead."""
    settings.DASHBOARD_QUERY_THREADS = 4
    threads = set()
    original = dashboard._deadlines

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.add(threading.get_ident())
        return original(*args, **kwargs)

    dashboard._deadlines = spy
    try:
        event = EventFactory()
        for _ in range(5):
            CaseFactory(event=event)
        summary = dashboard.dashboard_summary()
    finally:
        dashboard._deadlines = original
    assert threads == {threading.get_ident()}
    assert summary["people"]["people"]["value"] == 5  # the uncommitted cases are counted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: counts server connections")
@pytest.mark.postgres
def test_the_threads_leave_no_connection_open(committed, settings):
    """Each aggregate's thread closes its own connection: a dashboard request must not leave
    connections behind (each gunicorn worker would leak up to DASHBOARD_QUERY_THREADS a request)."""
    settings.DASHBOARD_QUERY_THREADS = 4

    def open_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    before = open_connections()
    for _ in range(3):
        dashboard.dashboard_summary(today=committed)
    # A closed client's server process takes a moment to exit and leave pg_stat_activity.
    deadline = time.monotonic() + 5
    while open_connections() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_connections() == before
