"""Reads of the hotline and jail-support log: an event's entries, newest first, with their place
and whether they are linked to an arrest yet (scoped by `custody.access`)."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Event
from cases.types import AnyUser
from custody.access import hotline_entry_list_visible_to
from custody.models import CustodyPlace, HotlineEntry


def hotline_log_for_event(*, user: AnyUser, event: Event) -> QuerySet[HotlineEntry]:
    """The event's entries `user` may read, newest first, with place and arrest pre-joined."""
    return (
        hotline_entry_list_visible_to(user=user)
        .filter(event=event)
        .select_related("place", "arrest", "created_by")
        .order_by("-received_at", "-id")
    )


def custody_places() -> QuerySet[CustodyPlace]:
    """The places a form offers: active ones, districts first."""
    return CustodyPlace.objects.filter(active=True).order_by("kind", "name")
