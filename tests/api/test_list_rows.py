"""List endpoints that read their page as `.values()` rows (api.rows.RowShape) answer exactly what
their output serializer writes for the same objects: every field, format, null and nested list.

The endpoints are found from the router (any viewset with `list_rows`), so a shape added later is
checked without editing this file. The data is the load-data generator's (every status, track,
disposition, payment, deadline, sighting and arrest seen) plus the edge cases a row can hide: a
concealed legal name, a preferred name, no lawyer and several, an empty encrypted text, a citation
without an issuing officer or a hearing, refunds, an arrest seen without a case.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.rows import RowShape
from api.urls import router
from cases.models import ArrestSeen, Case, User
from demo.load_data import LoadSizes, generate_load_data
from tests.api.conftest import client_with_token
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DemonstratorFactory,
    IncidentFactory,
    PaymentFactory,
    UserFactory,
)

SIZES = LoadSizes(people=40, citations=90, incidents=90, officers=30, observers=2, lawyers=3, complaint_share=0.5)


def shaped_viewsets() -> list[tuple[str, Any]]:
    return [(prefix, viewset) for prefix, viewset, _ in router.registry if getattr(viewset, "list_rows", None)]


@pytest.fixture
def population(db, coordinator):  # type: ignore[no-untyped-def]
    generate_load_data(sizes=SIZES, seed=11, anchor=datetime.date.today())
    zed, adam = UserFactory(username="Zed-lawyer", role="lawyer"), UserFactory(username="adam-lawyer", role="lawyer")
    hidden = CaseFactory(
        demonstrator=DemonstratorFactory(legal_name="Hidden Person", conceal_legal_name=True), lawyers=[zed, adam]
    )
    CaseFactory(demonstrator=DemonstratorFactory(legal_name="Legal Name", preferred_name="Sam"), lawyer_notes="")
    citation = CitationFactory(case=hidden, issuing_officer=None, hearing_at=None, fine=Decimal("50.00"))
    PaymentFactory(citation=citation, amount=Decimal("80.00"))
    PaymentFactory(citation=citation, amount=Decimal("10.00"), kind="refund")
    incident = IncidentFactory(narrative="", injuries="", occurred_at=timezone.now() + datetime.timedelta(days=400))
    ArrestSeen.objects.create(incident=incident, case=None, person_description="", conduct="walked")
    ArrestSeen.objects.create(incident=incident, case=hidden, person_description="Tall, red scarf", conduct="passive")
    busiest = User.objects.annotate(n=Count("assigned_cases")).order_by("-n", "username").first()
    return {"coordinator": coordinator, "lawyer": busiest}


def expected_rows(viewset_class: Any, user: Any, limit: int) -> list[dict[str, Any]]:
    """What the output serializer writes for the list's first `limit` objects (model instances)."""
    django_request = APIRequestFactory().get("/")
    django_request.user = user
    view = viewset_class()
    view.request = Request(django_request)
    view.request.user = user
    view.action, view.format_kwarg, view.kwargs, view.args = "retrieve", None, {}, ()
    objects = list(view.get_queryset()[:limit])
    data = viewset_class.output_serializer_class(objects, many=True, context=view.get_serializer_context()).data
    return json.loads(JSONRenderer().render(data))


def test_the_big_lists_read_rows_not_instances():
    prefixes = {prefix for prefix, _ in shaped_viewsets()}
    assert {"cases", "citations", "incidents"} <= prefixes
    for _, viewset in shaped_viewsets():
        assert isinstance(viewset.list_rows, RowShape)
        assert viewset.list_rows.serializer_class is viewset.output_serializer_class


@pytest.mark.parametrize("who", ["coordinator", "lawyer"])
def test_list_rows_are_what_the_serializer_writes(population, who):
    user = population[who]
    client = client_with_token(user)
    limit = settings.API_MAX_PAGE_SIZE
    compared = 0
    for prefix, viewset in shaped_viewsets():
        response = client.get(f"/api/v1/{prefix}/?limit={limit}")
        assert response.status_code == 200, (prefix, response.content[:300])
        body = response.json()
        assert body["count"] <= limit, "raise the page size or the test misses rows"
        got = body["results"]
        want = expected_rows(viewset, user, limit)
        assert len(got) == len(want) == body["count"]
        for row_got, row_want in zip(got, want, strict=True):
            assert row_got == row_want, prefix
        compared += len(got)
    assert compared > 50


def test_the_edge_cases_are_in_the_rows(population):
    """The rows the equality test compares include what a hand-written shape most easily gets wrong."""
    client = client_with_token(population["coordinator"])
    limit = settings.API_MAX_PAGE_SIZE
    cases = client.get(f"/api/v1/cases/?limit={limit}").json()["results"]
    names = {row["client_name"] for row in cases}
    assert "(name withheld)" in names and "Sam" in names and "Hidden Person" not in names
    assert ["Zed-lawyer", "adam-lawyer"] in [row["lawyers"] for row in cases]
    citations = client.get(f"/api/v1/citations/?limit={limit}").json()["results"]
    refunded = [row for row in citations if row["balance"]["refunded"] == "10.00"]
    assert refunded and refunded[0]["issuing_officer"] is None and refunded[0]["hearing_at"] is None
    assert refunded[0]["balance"]["paid"] == "80.00"
    incidents = client.get(f"/api/v1/incidents/?limit={limit}").json()["results"]
    first = incidents[0]  # the one dated in the future sorts first
    assert first["narrative"] == "" and first["injuries"] == ""
    hidden = Case.objects.get(lawyers__username="Zed-lawyer")
    assert [a["case"] for a in first["arrests_seen"]] == [None, str(hidden.public_id)]
    assert [a["person_description"] for a in first["arrests_seen"]] == ["", "Tall, red scarf"]
