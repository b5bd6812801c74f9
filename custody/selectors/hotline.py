"""Reads of the hotline and jail-support log: an event's entries, newest first, with their place
and whether they are linked to an arrest yet; the arrests an entry may be linked to, found by the
case list's search (scoped by `custody.access`)."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Arrest, Case, Event
from cases.types import AnyUser
from citations.selectors import case_search
from custody.access import board_arrest_list_visible_to, hotline_entry_list_visible_to
from custody.models import HotlineEntry

LINK_MATCHES_SHOWN = 20  # one page of matches; a longer list asks for a more precise search


def hotline_log_for_event(*, user: AnyUser, event: Event) -> QuerySet[HotlineEntry]:
    """The event's entries `user` may read, newest first, with place and arrest pre-joined."""
    return (
        hotline_entry_list_visible_to(user=user)
        .filter(event=event)
        .select_related("place", "arrest", "created_by")
        .order_by("-received_at", "-id")
    )


def arrests_found_for_link(*, user: AnyUser, event: Event, text: str) -> list[Arrest]:
    """The arrests at `event`, on the boards `user` may open, whose case the case list's search
    finds for `text` (`citations.selectors.case_search`: a case, citation or docket number, or the
    person's exact legal or preferred name through the blind indexes); at most
    `LINK_MATCHES_SHOWN`, oldest arrest first, with the person and the place pre-joined. One query
    whatever the size of the event; nothing for an empty `text`. The caller audits the search."""
    if not " ".join(text.split()):
        return []
    cases = case_search(Case.objects.filter(event=event), text=text)
    arrests = (
        board_arrest_list_visible_to(user=user)
        .filter(case__event=event, case__in=cases.values("pk"))
        .select_related("case__demonstrator", "placement__place")
        .order_by("arrested_at", "id")
    )
    return list(arrests[:LINK_MATCHES_SHOWN])
