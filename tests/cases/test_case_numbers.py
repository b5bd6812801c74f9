"""Every path that saves a case gives it a number, never the same twice: the service, a bulk
import, a bare save() and the admin's add form; the database refuses an empty number; twenty
intakes at the same moment (PostgreSQL: real threads on separate connections) get twenty
distinct numbers."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction

from cases.models import Case, CaseNumberSequence
from cases.services import case_create, case_numbers_reserve, demonstrator_create
from tests.auth import signed_in
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory

only_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so two connections can never race (runs in CI's PostgreSQL pass)",
)


@pytest.mark.django_db
def test_a_bare_save_allocates_the_next_number_of_the_opening_year():
    first = Case.objects.create(
        event=EventFactory(), demonstrator=DemonstratorFactory(), opened_on=datetime.date(2031, 3, 1)
    )
    second = Case(event=EventFactory(), demonstrator=DemonstratorFactory(), opened_on=datetime.date(2031, 3, 2))
    second.save()
    assert (first.number, second.number) == ("2031-0001", "2031-0002")
    assert CaseNumberSequence.objects.get(year=2031).last_value == 2


@pytest.mark.django_db
def test_numbers_already_held_are_skipped_not_reused():
    CaseFactory(number="2032-0001")
    CaseFactory(number="2032-0003")
    assert case_numbers_reserve(year=2032, count=3) == ["2032-0002", "2032-0004", "2032-0005"]
    assert (
        Case.objects.create(
            event=EventFactory(), demonstrator=DemonstratorFactory(), opened_on=datetime.date(2032, 1, 1)
        ).number
        == "2032-0006"
    )


@pytest.mark.django_db
def test_the_database_refuses_a_case_without_a_number():
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.bulk_create([Case(event=EventFactory(), demonstrator=DemonstratorFactory(), number="")])
    assert not Case.objects.filter(number="").exists()


@pytest.mark.django_db
def test_the_service_numbers_every_case_distinctly(coordinator):
    event = EventFactory()
    numbers = set()
    for i in range(20):
        person = demonstrator_create(by=coordinator, legal_name=f"Person {i}")
        numbers.add(case_create(event=event, demonstrator=person, by=coordinator).number)
    assert len(numbers) == 20 and "" not in numbers


@pytest.mark.django_db
def test_the_admin_add_form_saves_a_numbered_case_without_crashing(administrator):
    """The report: the first case added in the admin saved with an empty number, the second
    answered 500 IntegrityError (UNIQUE constraint failed: cases_case.number)."""
    client = signed_in(administrator)
    made = []
    for _ in range(2):
        event, person = EventFactory(), DemonstratorFactory()
        response = client.post(
            "/admin/cases/case/add/",
            {"event": event.pk, "demonstrator": person.pk, "status": "intake", "opened_on": "2033-05-01",
             "arrests-TOTAL_FORMS": "0", "arrests-INITIAL_FORMS": "0",
             "arrests-MIN_NUM_FORMS": "0", "arrests-MAX_NUM_FORMS": "1000"},
        )  # fmt: skip
        assert response.status_code == 302, response.content[:2000]
        made.append(Case.objects.get(demonstrator=person).number)
    assert made == ["2033-0001", "2033-0002"]


@only_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_intakes_at_the_same_moment_get_twenty_distinct_numbers(coordinator):
    event = EventFactory()
    people = [DemonstratorFactory() for _ in range(20)]
    start = threading.Barrier(20)
    results: list[Any] = []

    def intake(person: Any) -> None:
        try:
            start.wait(timeout=30)
            results.append(case_create(event=event, demonstrator=person, by=coordinator).number)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=intake, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 20
    assert Case.objects.filter(event=event).count() == 20
    year = Case.objects.filter(event=event).first().opened_on.year  # type: ignore[union-attr]  # 20 rows, asserted above
    assert CaseNumberSequence.objects.get(year=year).last_value >= 20
