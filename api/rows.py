"""List pages read as `.values()` rows and written by the output serializer's own fields.

A list page of 50 rows built from model instances spends most of its time making instances
(one per row and per joined or prefetched row) and walking them field by field. A list endpoint
that declares a `RowShape` reads its page with `.values()` instead (the model fields still
decrypt what is encrypted) and writes each row with the same DRF fields the output serializer
uses for one object: the same names, the same formats (UUIDs, times in the current zone,
decimals as strings), the same nulls, so the list and the detail route cannot drift apart.
What a row cannot say by itself (a display name, a balance, a related list) is declared beside
it: `computed` values from the row, and `nested` lists fetched for the whole page in one query
each. tests/api/test_list_rows.py checks, for every endpoint with a shape, that the rows are
exactly what the serializer writes for the same objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from api.serializers.base import OutputSerializer, empty_text_fields

Row = dict[str, Any]


@dataclass(frozen=True)
class Nested:
    """A related list under one output field, fetched for the whole page in one query:
    `queryset()` filtered on `link` (the path from the related rows to the parent's key), in the
    order it gives (or sorted by `sort`). Each item is a `.values()` row written by `shape`, or,
    with `flat`, the plain value at that path (a code, a username)."""

    queryset: Callable[[], QuerySet[Any]]
    link: str
    shape: RowShape | None = None
    flat: str | None = None
    sort: Callable[[Any], Any] | None = None

    def fetch(self, pks: list[Any]) -> Iterable[tuple[Any, Any]]:
        rows = self.queryset().filter(**{f"{self.link}__in": pks})
        if self.shape is not None:
            pairs = [(row.pop(self.link), row) for row in rows.values(self.link, *self.shape.paths)]
        elif self.flat is not None:
            pairs = list(rows.values_list(self.link, self.flat))
        else:
            raise TypeError("Nested needs a shape or a flat path")
        sort = self.sort
        if sort is not None:
            pairs.sort(key=lambda pair: sort(pair[1]))
        return pairs


@dataclass(frozen=True)
class Computed:
    """An output field worked out from the row: `needs` names the `.values()` paths it reads."""

    function: Callable[[Row], Any]
    needs: Sequence[str] = ()


@dataclass
class RowShape:
    serializer_class: type[serializers.Serializer]
    computed: Mapping[str, Computed] = field(default_factory=dict)
    nested: Mapping[str, Nested] = field(default_factory=dict)
    key: str = "id"  # the primary key's path, fetched for nested lists

    @cached_property
    def _plan(self) -> list[tuple[str, str, Any]]:
        """(output name, how, what): `value` (values path, DRF field or None for as-is),
        `computed` or `nested`, in the serializer's field order."""
        plan: list[tuple[str, str, Any]] = []
        for name, bound in self.serializer_class().fields.items():
            if bound.write_only:
                continue
            if name in self.computed:
                plan.append((name, "computed", self.computed[name]))
            elif name in self.nested:
                plan.append((name, "nested", self.nested[name]))
            elif isinstance(bound, serializers.ListSerializer | ManyRelatedField | serializers.SerializerMethodField):
                raise TypeError(f"{self.serializer_class.__name__}.{name} needs a Computed or Nested entry")
            elif isinstance(bound, RelatedField):
                slug = getattr(bound, "slug_field", None) or "pk"
                plan.append((name, "value", ("__".join([*bound.source_attrs, slug]), None)))
            else:
                plan.append((name, "value", ("__".join(bound.source_attrs), bound)))
        return plan

    @cached_property
    def paths(self) -> list[str]:
        wanted = [self.key] if self.nested else []
        for _, how, what in self._plan:
            if how == "value":
                wanted.append(what[0])
            elif how == "computed":
                wanted.extend(what.needs)
        return list(dict.fromkeys(wanted))

    @cached_property
    def _blank_texts(self) -> frozenset[str]:
        if not issubclass(self.serializer_class, OutputSerializer):
            return frozenset()
        return frozenset(empty_text_fields(self.serializer_class))

    def queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The list's queryset (scoped, filtered, ordered) as rows of exactly the paths needed."""
        return queryset.prefetch_related(None).values(*self.paths)

    def write(self, rows: list[Row]) -> list[Row]:
        """The output of the serializer for these rows, one dict each, in order."""
        lists: dict[str, dict[Any, list[Any]]] = {}
        if rows and self.nested:
            pks = [row[self.key] for row in rows]
            for name, how, nested in self._plan:
                if how != "nested":
                    continue
                grouped: dict[Any, list[Any]] = {pk: [] for pk in pks}
                for parent, item in nested.fetch(pks):
                    grouped[parent].append(item)
                if nested.shape is not None:
                    grouped = {pk: nested.shape.write(items) for pk, items in grouped.items()}
                lists[name] = grouped
        out = []
        for row in rows:
            data: Row = {}
            for name, how, what in self._plan:
                if how == "value":
                    value = row[what[0]]
                    if value is not None and what[1] is not None:
                        value = what[1].to_representation(value)
                    data[name] = value
                elif how == "computed":
                    data[name] = what.function(row)
                else:
                    data[name] = lists[name][row[self.key]]
                if data[name] is None and name in self._blank_texts:
                    data[name] = ""
            out.append(data)
        return out
