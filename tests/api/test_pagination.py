"""A list page's count: exact up to API_EXACT_COUNT_UP_TO rows, `null` with `count_over` past it,
exact whatever the size with `?count=exact`; `next` right in every case; the capped count reads
row ids only (no sort, no money subqueries)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request

from api.pagination import Pagination
from api.rows import once_per_value
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def page(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 200, response.content[:300]
    return dict(response.json())


def offset_of(link: str | None) -> int | None:
    if link is None:
        return None
    return int(parse_qs(urlsplit(link).query).get("offset", ["0"])[0])


@pytest.fixture
def seven_cases(world: Any) -> None:
    CaseFactory.create_batch(5, event=world.event)  # and the world's two


def test_a_list_under_the_bound_is_counted_exactly(world: Any, clients: Any, settings: Any) -> None:
    settings.API_EXACT_COUNT_UP_TO = 2
    body = page(clients["coordinator"])
    assert (body["count"], body["count_over"], body["next"]) == (2, None, None)


def test_past_the_bound_the_count_is_null_and_says_what_it_exceeds(
    seven_cases: None, clients: Any, settings: Any
) -> None:
    settings.API_EXACT_COUNT_UP_TO = 3
    body = page(clients["coordinator"], "limit=2")
    assert (body["count"], body["count_over"]) == (None, 3)
    assert len(body["results"]) == 2 and offset_of(body["next"]) == 2


def test_every_page_is_reached_and_the_last_one_counts_exactly(seven_cases: None, clients: Any, settings: Any) -> None:
    settings.API_EXACT_COUNT_UP_TO = 3
    seen, query, pages = [], "limit=2", []
    while True:
        body = page(clients["coordinator"], query)
        pages.append((body["count"], body["count_over"], offset_of(body["next"])))
        seen += [row["id"] for row in body["results"]]
        if body["next"] is None:
            break
        query = urlsplit(body["next"]).query
    # the page at offset 2 counts to its own end (4) at least; the last page finds the end (7)
    assert pages == [(None, 3, 2), (None, 4, 4), (None, 6, 6), (7, None, None)]
    assert len(seen) == len(set(seen)) == 7


def test_an_exact_count_is_given_on_request(seven_cases: None, clients: Any, settings: Any) -> None:
    settings.API_EXACT_COUNT_UP_TO = 3
    body = page(clients["coordinator"], "limit=2&count=exact")
    assert (body["count"], body["count_over"]) == (7, None)
    assert parse_qs(urlsplit(body["next"]).query)["count"] == ["exact"]  # kept on the next page
    later = page(clients["coordinator"], urlsplit(body["next"]).query)
    assert (later["count"], later["count_over"]) == (7, None)
    assert parse_qs(urlsplit(later["previous"]).query)["count"] == ["exact"]  # and on the previous one


@pytest.mark.parametrize("value", ["", "yes", "EXACT", "true"])
def test_any_other_count_value_is_refused_by_name(world: Any, clients: Any, value: str) -> None:
    response = clients["coordinator"].get(f"/api/v1/cases/?count={value}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["count"]


def test_past_the_offset_of_the_last_row_the_page_is_empty(seven_cases: None, clients: Any, settings: Any) -> None:
    settings.API_EXACT_COUNT_UP_TO = 3
    body = page(clients["coordinator"], "limit=2&offset=50")
    assert (body["count"], body["count_over"], body["next"], body["results"]) == (7, None, None, [])


def test_the_capped_count_reads_ids_without_sorting_or_summing(world: Any, clients: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert clients["coordinator"].get("/api/v1/citations/").status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert "ORDER BY" not in counts[0] and "SUM(" not in counts[0] and "LIMIT" in counts[0]


def test_the_schema_describes_the_count(clients: Any) -> None:
    schema = clients["coordinator"].get("/api/schema/?format=json").json()
    listed = schema["paths"]["/api/v1/cases/"]["get"]
    assert {"name": "count", "in": "query"}.items() <= next(
        p for p in listed["parameters"] if p["name"] == "count"
    ).items()
    body = schema["components"]["schemas"]["PaginatedCaseOutputList"]
    assert body["properties"]["count"]["nullable"] and body["properties"]["count_over"]["nullable"]
    assert set(body["required"]) >= {"count", "count_over", "results"}


def test_a_value_computed_once_per_distinct_input() -> None:
    calls = []
    computed = once_per_value(lambda row: calls.append(row["kind"]) or {"kind": row["kind"]}, needs=["kind"])
    seen: dict[Any, Any] = computed.per_page()  # type: ignore[misc]
    rows = [{"kind": "a"}, {"kind": "b"}, {"kind": "a"}, {"kind": "a"}]
    written = [computed.function(row, seen) for row in rows]
    assert written == [{"kind": "a"}, {"kind": "b"}, {"kind": "a"}, {"kind": "a"}]
    assert calls == ["a", "b"]


def test_a_list_in_memory_is_counted_by_its_length(rf: Any, settings: Any) -> None:
    settings.API_EXACT_COUNT_UP_TO = 3
    paginator = Pagination()
    request = Request(rf.get("/?limit=2"))
    assert paginator.paginate_queryset(list(range(7)), request) == [0, 1]
    assert (paginator.count, paginator.count_over) == (7, None)
