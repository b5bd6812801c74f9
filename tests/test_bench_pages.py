"""The page benchmark (benchmarks/bench_pages.py) times every GET page of the route matrix: a new
page cannot be left out of it without a reason."""

from __future__ import annotations

import string

import pytest

from benchmarks.bench_pages import NOT_TIMED, PLACEHOLDERS, ROLES, routes
from tests.security.test_route_matrix import PAGES

GET_ROUTES = {name for (name, method) in PAGES if method == "get"}


def test_every_get_route_is_timed_or_excluded_with_a_reason():
    timed = {name for name, _template, _roles in routes()}
    assert timed | set(NOT_TIMED) == GET_ROUTES
    assert not timed & set(NOT_TIMED)
    assert all(reason.strip() for reason in NOT_TIMED.values())


def test_no_exclusion_names_a_route_that_is_gone():
    assert set(NOT_TIMED) <= GET_ROUTES


def test_every_timed_page_is_opened_by_a_role_with_records_to_open_it():
    for name, template, roles in routes():
        assert roles, f"{name}: no benchmarked role may open it ({ROLES})"
        fields = {field for _text, field, _spec, _conv in string.Formatter().parse(template) if field}
        assert fields <= set(PLACEHOLDERS), f"{name}: the benchmark fills no {fields - set(PLACEHOLDERS)}"


def test_a_new_page_without_a_row_in_the_benchmark_fails(monkeypatch):
    import tests.security.test_route_matrix as matrix

    grown = {**PAGES, ("brand-new-page", "get"): ("/new/{thing}/", None, {"coordinator": 200})}
    monkeypatch.setattr(matrix, "PAGES", grown)
    [(name, template, roles)] = [row for row in routes() if row[0] == "brand-new-page"]
    assert (template, roles) == ("/new/{thing}/", ["coordinator"])
    with pytest.raises(AssertionError, match="brand-new-page: the benchmark fills no {'thing'}"):
        test_every_timed_page_is_opened_by_a_role_with_records_to_open_it()
