"""Sortable, searchable lists of cases (the desk's "My cases" and the coordinators' lists).

A list names its sortable columns and what each means as an order (a whitelist: a request never
names a database field); the reader picks one with `?sort=key` or `?sort=-key`. A search
(case number, citation number, docket number or a person's exact name) is sent in a POST body,
never in a URL, because it may be a name (`web.forms.desk.CaseSearchForm`); the search itself is
`citations.selectors.case_search`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from citations.selectors import next_deadline_order

Order = Callable[[bool], list[Any]]


def _fields(*names: str) -> Order:
    def order(descending: bool) -> list[Any]:
        return [F(n).desc(nulls_last=True) if descending else F(n).asc(nulls_last=True) for n in names]

    return order


def _next_deadline(descending: bool) -> list[Any]:
    return next_deadline_order(descending=descending)


# The columns of the case lists a reader may sort by (names are encrypted: not sortable).
CASE_SORTS: Mapping[str, Order] = {
    "deadline": _next_deadline,
    "case": _fields("number"),
    "event": lambda descending: [*_fields("event__starts_at", "event__name")(descending), *next_deadline_order()],
    "status": lambda descending: [*_fields("status")(descending), *next_deadline_order()],
    "opened": _fields("opened_on", "id"),
    "citations": lambda descending: [*_fields("citation_count")(descending), *next_deadline_order()],
}


@dataclass(frozen=True)
class Sort:
    """The order a list is shown in: a column key and its direction."""

    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def toggled(self, key: str) -> str:
        """The `sort` value of a column heading's link: the other direction on the current column."""
        return f"-{key}" if key == self.key and not self.descending else key


def sort_from(value: str | None, columns: Mapping[str, Order], default: str) -> Sort:
    """The sort a request asks for, or the default when it names no known column."""
    value = value or ""
    key = value.removeprefix("-")
    if key not in columns:
        return Sort(default, False)
    return Sort(key, value.startswith("-"))


def sorted_by(queryset: QuerySet[Any], sort: Sort, columns: Mapping[str, Order]) -> QuerySet[Any]:
    return queryset.order_by(*columns[sort.key](sort.descending))
