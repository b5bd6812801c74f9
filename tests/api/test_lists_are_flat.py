"""Every list endpoint runs the same number of SQL queries for a page of 1 row and a page of 50.

The endpoints are found from the API router, so a list added later is checked without editing
this file. The data comes from the load-data generator (every model populated, at a small
size) plus a few evidence files, and each list is read by a coordinator (every row) and by the
lawyer with the most cases (scoped querysets, which build subqueries of their own).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from api.urls import router
from cases.models import Case, User
from cases.services import evidence_add
from demo.load_data import LoadSizes, generate_load_data
from tests.api.conftest import client_with_token

SIZES = LoadSizes(people=70, citations=160, incidents=160, officers=55, observers=3, lawyers=2, complaint_share=0.8)
MANY = 50


def list_urls() -> list[str]:
    urls = []
    for prefix, viewset, _basename in router.registry:
        if hasattr(viewset, "list"):
            urls.append(f"/api/v1/{prefix}/")
    return urls


def rows_in(body: Any) -> int | None:
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return len(body["results"])
    return None


def queries_for(client: Any, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(captured), response.json()


@pytest.fixture
def populated(db, coordinator):  # type: ignore[no-untyped-def]
    generate_load_data(sizes=SIZES, seed=8, anchor=__import__("datetime").date.today())
    for i, case in enumerate(Case.objects.order_by("id")[:6]):
        evidence_add(
            upload=ContentFile(f"notes {i}\n".encode(), name="n.txt"), kind="document", content_type="text/plain",
            by=coordinator, case=case,
        )  # fmt: skip
    lawyer = (
        User.objects.filter(username__startswith="load-lawyer-")
        .annotate(n=Count("assigned_cases"))
        .order_by("-n")
        .first()
    )
    return {"coordinator": coordinator, "lawyer": lawyer}


def test_the_router_has_the_main_lists():
    urls = list_urls()
    for expected in ("/api/v1/cases/", "/api/v1/incidents/", "/api/v1/officers/"):
        assert expected in urls


def test_every_list_endpoint_runs_as_many_queries_for_1_row_as_for_50(populated):
    checked, problems = [], []
    for who, user in populated.items():
        client = client_with_token(user)
        client.get("/api/v1/events/")  # first use of a token records it once; keep that out of the counts
        for url in list_urls():
            one_count, one = queries_for(client, f"{url}?limit=1")
            many_count, many = queries_for(client, f"{url}?limit={MANY}")
            shown_one, shown_many = rows_in(one), rows_in(many)
            if shown_one is None:  # not a paginated list (e.g. the dashboard summary)
                continue
            if who == "coordinator" and shown_many < 5:
                problems.append(f"{url}: only {shown_many} rows for a coordinator; the data set should fill it")
                continue
            if shown_many > 1 and many_count != one_count:
                problems.append(f"{url} as {who}: {one_count} queries for 1 row, {many_count} for {shown_many} rows")
            checked.append((url, who, shown_many, many_count))
    assert not problems, "\n".join(problems)
    coordinator_lists = {url for url, who, rows, _ in checked if who == "coordinator"}
    assert len(coordinator_lists) >= 8, checked
