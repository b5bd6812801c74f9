"""The API's filter backend skips the FilterSet when a request names no filter: that is only
right while every FilterSet, with every filter left empty, narrows and orders nothing. The
FilterSets are found from the API router, so one added later is held to it too."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.filters import FilterBackend
from api.urls import router


def filtersets() -> list[Any]:
    found = {getattr(viewset, "filterset_class", None) for _prefix, viewset, _basename in router.registry}
    return sorted((f for f in found if f is not None), key=lambda f: f.__name__)


def test_the_router_has_filtersets() -> None:
    assert len(filtersets()) >= 5


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", filtersets(), ids=lambda f: f.__name__)
def test_an_empty_filterset_changes_nothing(filterset_class: Any, coordinator: Any) -> None:
    request = APIRequestFactory().get("/")
    request.user = coordinator
    queryset = filterset_class._meta.model.objects.all()
    filterset = filterset_class(QueryDict(""), queryset=queryset, request=request)
    assert filterset.is_valid(), filterset.errors
    assert str(filterset.qs.query) == str(queryset.query)


class View:
    class paginator:  # noqa: N801  # stands in for a view's paginator instance
        limit_query_param = "limit"
        offset_query_param = "offset"
        count_query_param = "count"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", False),
        ("limit=5", False),
        ("limit=5&offset=10", False),
        ("count=exact", False),
        ("status=closed", True),
        ("limit=5&q=x", True),
    ],
)
def test_only_a_filter_parameter_builds_the_filterset(query: str, names: bool) -> None:
    request = Request(APIRequestFactory().get(f"/?{query}"))
    assert FilterBackend.names_a_filter(request, View()) is names


@pytest.mark.django_db
def test_a_filter_still_narrows_a_list(clients: Any) -> None:
    client = clients["coordinator"]
    everything = client.get("/api/v1/cases/?limit=50").json()
    assert everything["count"] == 2
    assert client.get("/api/v1/cases/?status=not-a-status").status_code == 400
    assert client.get("/api/v1/cases/?status=closed&limit=50").json()["count"] == 0
