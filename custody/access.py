"""Who sees what of the night: the scopes of the custody board and the hotline log.

- jail support: the events it is assigned to (`JailSupportAssignment`), their boards, their
  arrestees' stages and their hotline logs; no case file, no citation, no other event;
- coordinator and administrator: every event;
- everyone else: nothing.
Out of scope and missing answer the same 404 (`cases.access.get_visible_or_404`).
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest

from cases.access import get_visible_or_404
from cases.models import Arrest, Event
from cases.permissions import may
from cases.roles import Role, role_of, sees_everything
from cases.types import AnyUser
from custody.models import HotlineEntry


def board_event_list_visible_to(*, user: AnyUser) -> QuerySet[Event]:
    """The events whose custody board (and hotline log) `user` may open."""
    if not may(user, "custody.board"):
        return Event.objects.none()
    if sees_everything(user):
        return Event.objects.all()
    if role_of(user) == Role.JAIL_SUPPORT and user.is_authenticated:
        return Event.objects.filter(jail_support_assignments__user=user)
    return Event.objects.none()


def board_event_for(*, user: AnyUser, event_id: UUID | str, request: HttpRequest | None = None) -> Event:
    """The event if its board is in `user`'s scope; 404 otherwise (missing or not assigned)."""
    return get_visible_or_404(board_event_list_visible_to(user=user), event_id, user=user, request=request)


def board_arrest_list_visible_to(*, user: AnyUser) -> QuerySet[Arrest]:
    """The arrests on the boards `user` may open (to move one to another stage)."""
    return Arrest.objects.filter(case__event__in=board_event_list_visible_to(user=user).values("pk"))


def hotline_entry_list_visible_to(*, user: AnyUser) -> QuerySet[HotlineEntry]:
    """Hotline entries of the events whose log `user` may read."""
    if not may(user, "hotline.read"):
        return HotlineEntry.objects.none()
    return HotlineEntry.objects.filter(event__in=board_event_list_visible_to(user=user).values("pk"))
