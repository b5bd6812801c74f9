"""api.rows.writer_for writes a value exactly as the DRF field's own `to_representation` does,
for the stock fields it writes itself (texts, UUIDs, times, money) and the edge values a column
can hold; anything else goes to the field."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework import serializers

from api.rows import writer_for

MONEY = serializers.DecimalField(max_digits=8, decimal_places=2)
CASES: list[tuple[serializers.Field, Any]] = [
    (serializers.CharField(), "plain"),
    (serializers.CharField(), ""),
    (serializers.UUIDField(), uuid.UUID("12345678-1234-5678-1234-567812345678")),
    (serializers.UUIDField(format="hex"), uuid.UUID("12345678-1234-5678-1234-567812345678")),
    (serializers.DateTimeField(), datetime.datetime(2026, 3, 8, 7, 30, tzinfo=datetime.UTC)),
    (serializers.DateTimeField(), datetime.datetime(2026, 11, 1, 6, 30, 15, 123456, tzinfo=datetime.UTC)),
    (serializers.DateTimeField(), datetime.datetime(2026, 7, 1, 12, 0)),  # naive
    (serializers.DateTimeField(format="%Y"), datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)),
    (MONEY, Decimal("12.30")),
    (MONEY, Decimal("-0.00")),
    (MONEY, Decimal("1.5")),  # not at the field's places: DRF's quantize
    (MONEY, Decimal("123456.789")),
    (MONEY, 7),
    (serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False), Decimal("3.10")),
    (serializers.BooleanField(), True),
]


@pytest.mark.parametrize("zone_name", ["UTC", "America/Chicago"])
@pytest.mark.parametrize(("field", "value"), CASES, ids=lambda x: repr(x)[:40])
def test_a_writer_writes_what_the_field_writes(field: serializers.Field, value: Any, zone_name: str) -> None:
    with timezone.override(zoneinfo.ZoneInfo(zone_name)):
        expected = field.to_representation(value)
        assert writer_for(field, timezone.get_current_timezone())(value) == expected
        assert type(writer_for(field, timezone.get_current_timezone())(value)) is type(expected)
