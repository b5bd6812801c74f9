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

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.settings import api_settings

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
    """An output field worked out from the row: `needs` names the `.values()` paths it reads.
    With `per_page`, what it returns is read once for the rows written together and passed to
    `function` as its second argument (a small table every row looks up: no query per row)."""

    function: Callable[..., Any]
    needs: Sequence[str] = ()
    per_page: Callable[[], Any] | None = None


def once_per_value(function: Callable[[Row], Any], needs: Sequence[str]) -> Computed:
    """A `Computed` that depends on `needs` alone, worked out once per distinct combination of
    them in the rows written together (a page's rows share a handful: a kind, a fine, a place)
    and the same value given to each row that has it."""

    def compute(row: Row, seen: dict[tuple[Any, ...], Any]) -> Any:
        key = tuple(row[path] for path in needs)
        if key not in seen:
            seen[key] = function(row)
        return seen[key]

    return Computed(compute, needs=needs, per_page=dict)


@dataclass
class RowShape:
    serializer_class: type[serializers.Serializer]
    computed: Mapping[str, Computed] = field(default_factory=dict)
    nested: Mapping[str, Nested] = field(default_factory=dict)
    key: str = "id"  # the primary key's path, fetched for nested lists
    _zones: dict[Any, list[tuple[str, str, Any, Any, bool]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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

    @cached_property
    def _steps(self) -> list[tuple[str, str, Any, Any, bool]]:
        """The plan made ready to run: (name, how, what, DRF field or None, blank text?)."""
        return [
            (name, how, what, what[1] if how == "value" else None, name in self._blank_texts)
            for name, how, what in self._plan
        ]

    def _steps_in(self, zone: Any) -> list[tuple[str, str, Any, Any, bool]]:
        """The steps with one writer per field for this time zone, made once per zone (a page
        writes a nested shape once, but a shape used per object must not rebuild them each time)."""
        steps = self._zones.get(zone)
        if steps is None:
            steps = [
                (name, how, what, writer_for(drf_field, zone) if drf_field is not None else None, blank)
                for name, how, what, drf_field, blank in self._steps
            ]
            self._zones[zone] = steps
        return steps

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
                    # every parent's items written in one call, then dealt back in the same order
                    written = iter(nested.shape.write([item for items in grouped.values() for item in items]))
                    grouped = {pk: [next(written) for _ in items] for pk, items in grouped.items()}
                lists[name] = grouped
        steps = self._steps_in(timezone.get_current_timezone() if settings.USE_TZ else None)
        pages = {
            name: what.per_page()
            for name, how, what, _writer, _blank in steps
            if how == "computed" and what.per_page is not None  # read even for no rows: a fixed count
        }
        key = self.key
        out = []
        for row in rows:
            data: Row = {}
            for name, how, what, writer, blank in steps:
                if how == "value":
                    value = row[what[0]]
                    if value is not None and writer is not None:
                        value = writer(value)
                elif how == "computed":
                    value = what.function(row, pages[name]) if name in pages else what.function(row)
                else:
                    value = lists[name][row[key]]
                if value is None and blank:
                    value = ""
                data[name] = value
            out.append(data)
        return out


def object_writer(serializer_class: type[serializers.Serializer]) -> Callable[[Any], Row]:
    """What `serializer_class(obj).data` writes for an object of plain attributes (a balance),
    for a serializer of plain fields only, with the fields made once instead of per object.
    Writers of the current time zone's times are not offered: plain values only."""
    fields = []
    for name, bound in serializer_class().fields.items():
        if bound.write_only:
            continue
        if isinstance(bound, serializers.BaseSerializer | RelatedField | ManyRelatedField | serializers.DateTimeField):
            raise TypeError(f"{serializer_class.__name__}.{name} is not a plain field")
        fields.append((name, bound.source_attrs, writer_for(bound, None)))

    def write(obj: Any) -> Row:
        data: Row = {}
        for name, attrs, to_representation in fields:
            value = obj
            for attr in attrs:
                value = getattr(value, attr)
            data[name] = None if value is None else to_representation(value)
        return data

    return write


def _stock(field: serializers.Field, base: type[serializers.Field], *methods: str) -> bool:
    """Whether `field` writes values exactly as DRF's `base` class does (no method overridden)."""
    return isinstance(field, base) and all(getattr(type(field), m) is getattr(base, m) for m in methods)


def writer_for(field: serializers.Field, zone: Any) -> Callable[[Any], Any]:
    """What writes a non-null value of `field`: the field's own `to_representation`, or, for the
    stock fields of most columns, the same computation without its per-value lookups (a page
    writes thousands of values). tests/api/test_list_rows.py compares the output with the
    serializer's."""
    if _stock(field, serializers.CharField, "to_representation"):
        return str
    uuid_field = isinstance(field, serializers.UUIDField) and _stock(field, serializers.UUIDField, "to_representation")
    if uuid_field and getattr(field, "uuid_format", None) == "hex_verbose":
        return str
    if (
        zone is not None
        and isinstance(field, serializers.DateTimeField)
        and _stock(field, serializers.DateTimeField, "to_representation", "enforce_timezone", "default_timezone")
        and not hasattr(field, "timezone")
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
    ):
        return partial(_iso_datetime, zone=zone, field=field)
    if (
        isinstance(field, serializers.DecimalField)
        and _stock(field, serializers.DecimalField, "to_representation", "quantize")
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        and not field.localize
        and not field.normalize_output
        and field.decimal_places is not None
    ):
        return partial(_decimal_text, field=field)
    return field.to_representation


def _decimal_text(value: Any, *, field: serializers.DecimalField) -> Any:
    """DRF's DecimalField.to_representation for a value already at the field's places (money
    read from its column): quantizing it would give it back unchanged."""
    if isinstance(value, Decimal) and value.is_finite():
        sign, digits, exponent = value.as_tuple()
        if exponent == -(field.decimal_places or 0) and (field.max_digits is None or len(digits) <= field.max_digits):
            return f"{value:f}"
    return field.to_representation(value)


def _iso_datetime(value: Any, *, zone: Any, field: serializers.DateTimeField) -> Any:
    """DRF's DateTimeField.to_representation for an aware datetime in `zone`, ISO 8601 with "Z"."""
    if not isinstance(value, datetime.datetime) or value.utcoffset() is None:
        return field.to_representation(value)  # a naive time or a string: DRF's own path
    try:
        text = value.astimezone(zone).isoformat()
    except OverflowError:
        return field.to_representation(value)  # answers DRF's own error
    return text[:-6] + "Z" if text.endswith("+00:00") else text
