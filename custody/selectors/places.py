"""Reads of the places of custody (police districts, central booking): data, not personal, so no
scope beyond the permission to use the page or the form that shows them."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from custody.models import CustodyPlace, CustodyPlacement, HotlineEntry


def _rows_naming(place: CustodyPlace | OuterRef) -> tuple[QuerySet[CustodyPlacement], QuerySet[HotlineEntry]]:
    """The rows that name `place` (a place or a reference to the outer query's): while any does,
    the place is in use and can be retired, never deleted."""
    return CustodyPlacement.objects.filter(place=place), HotlineEntry.objects.filter(place=place)


def custody_places() -> QuerySet[CustodyPlace]:
    """The places a form offers: active ones, districts first."""
    return CustodyPlace.objects.filter(active=True).order_by("kind", "name")


def custody_place_list() -> QuerySet[CustodyPlace]:
    """Every place, retired ones too, with how many arrestees' placements name it (`placed`) and
    whether any placement or hotline entry does (`in_use`: such a place can be retired, never
    deleted). One query, active places first."""
    placements, entries = _rows_naming(OuterRef("pk"))
    placed = placements.order_by().values("place").annotate(n=Count("pk")).values("n")
    return CustodyPlace.objects.annotate(
        placed=Coalesce(Subquery(placed, output_field=IntegerField()), 0),
        in_use=Exists(placements) | Exists(entries),
    ).order_by("-active", "kind", "name")


def custody_place_in_use(place: CustodyPlace) -> bool:
    """Whether a placement or a hotline entry names the place (`custody_place_list`'s `in_use`)."""
    return any(rows.exists() for rows in _rows_naming(place))
