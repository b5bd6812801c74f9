"""Who sees what of the night: the scopes of the custody board and the hotline log.

- jail support: the events it is assigned to (`JailSupportAssignment`), their boards and their
  hotline logs; no case file, no citation, no other event;
- coordinator and administrator: every event;
- everyone else: nothing.
Out of scope and missing answer the same 404 (`cases.access.get_visible_or_404`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Event
from cases.permissions import may
from cases.roles import Role, role_of, sees_everything
from cases.types import AnyUser


def board_event_list_visible_to(*, user: AnyUser) -> QuerySet[Event]:
    """The events whose custody board (and hotline log) `user` may open."""
    if not may(user, "custody.board"):
        return Event.objects.none()
    if sees_everything(user):
        return Event.objects.all()
    if role_of(user) == Role.JAIL_SUPPORT and user.is_authenticated:
        return Event.objects.filter(jail_support_assignments__user=user)
    return Event.objects.none()
