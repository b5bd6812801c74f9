"""The N+1 detector itself: it sees repeated reads inside a request and nothing else."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.http import HttpRequest, JsonResponse
from django.urls import path

from cases.models import Case
from tests.factories import CaseFactory
from tests.query_guard import REPEAT_LIMIT, QueryGuard, RepeatedQueries, query_shape


def cases_one_query_per_row(request: HttpRequest) -> JsonResponse:
    ids = list(Case.objects.values_list("pk", flat=True))
    numbers = [Case.objects.get(pk=pk).number for pk in ids]  # the N+1 on purpose
    return JsonResponse({"numbers": numbers})


def cases_one_query(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"numbers": list(Case.objects.values_list("number", flat=True))})


urlpatterns = [
    path("n-plus-one/", cases_one_query_per_row),
    path("flat/", cases_one_query),
]


@pytest.fixture
def watching():  # type: ignore[no-untyped-def]
    guard = QueryGuard()
    request_started.connect(guard.started, dispatch_uid="test-guard-start")
    request_finished.connect(guard.finished, dispatch_uid="test-guard-finish")
    yield guard
    request_started.disconnect(dispatch_uid="test-guard-start")
    request_finished.disconnect(dispatch_uid="test-guard-finish")


@pytest.mark.urls("tests.test_query_guard")
@pytest.mark.allow_repeated_queries(reason="this test provokes an N+1 to see the detector catch it")
def test_a_query_per_row_is_caught_with_path_and_sql_shape(db, client, watching):
    CaseFactory.create_batch(REPEAT_LIMIT + 1)
    assert client.get("/n-plus-one/").status_code == 200
    assert len(watching.violations) == 1
    message = watching.violations[0]
    assert "/n-plus-one/" in message
    assert f"{REPEAT_LIMIT + 1} times" in message
    assert 'FROM "cases_case" WHERE "cases_case"."id" = %s' in message


@pytest.mark.urls("tests.test_query_guard")
@pytest.mark.allow_repeated_queries(reason="this test provokes an N+1 to see the detector catch it")
def test_repeats_up_to_the_limit_pass(db, client, watching):
    CaseFactory.create_batch(REPEAT_LIMIT)
    assert client.get("/n-plus-one/").status_code == 200
    assert watching.violations == []


@pytest.mark.urls("tests.test_query_guard")
def test_one_query_for_many_rows_passes_under_the_autouse_guard(db, client, _n_plus_one_guard):
    CaseFactory.create_batch(REPEAT_LIMIT * 3)
    assert client.get("/flat/").json()["numbers"]
    assert _n_plus_one_guard.violations == []


@pytest.mark.urls("tests.test_query_guard")
@pytest.mark.allow_repeated_queries(limit=REPEAT_LIMIT * 3, reason="a raised limit still applies")
def test_a_raised_limit_replaces_the_default(db, client, _n_plus_one_guard):
    CaseFactory.create_batch(REPEAT_LIMIT + 2)
    assert client.get("/n-plus-one/").status_code == 200
    assert _n_plus_one_guard.limit == REPEAT_LIMIT * 3
    assert _n_plus_one_guard.violations == []


@pytest.mark.django_db
def test_queries_outside_requests_are_not_counted(watching):
    CaseFactory.create_batch(3)
    for case in Case.objects.all():
        Case.objects.get(pk=case.pk)
    assert watching.violations == []


def test_shape_ignores_values_and_list_lengths():
    assert query_shape("SELECT * FROM t WHERE id IN (%s, %s, %s) LIMIT 21") == query_shape(
        "SELECT * FROM t WHERE id IN (%s) LIMIT 2"
    )
    assert query_shape('SELECT "T2"."x" FROM t') == 'SELECT "T2"."x" FROM t'


def test_the_failure_is_an_assertion_error():
    assert issubclass(RepeatedQueries, AssertionError)
