"""Which reminders records a user reaches: team alerts of the cases they see (a lawyer's own
clients; every case for coordinators and administrators), and the message log (the outbox) for
those who see every case. Out of scope is simply absent (lists) or 404."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.access import case_list_visible_to
from cases.roles import sees_everything
from cases.types import AnyUser
from reminders.models import Message, TeamAlert


def team_alert_list_visible_to(*, user: AnyUser) -> QuerySet[TeamAlert]:
    cases = case_list_visible_to(user=user)
    return TeamAlert.objects.filter(case__in=cases.values("pk")).select_related("case", "deadline", "citation")


def message_list_visible_to(*, user: AnyUser) -> QuerySet[Message]:
    if sees_everything(user):
        return Message.objects.all()
    return Message.objects.none()
