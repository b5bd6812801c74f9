"""Which allegations a user reaches: those of the complaints they reach (`cases.access`), so a
lawyer sees the allegations of their clients' complaints and coordinators see every one.
Observers and organizers reach none (organizers see only the dashboard's counts)."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.access import complaint_list_visible_to
from cases.types import AnyUser
from claims.models import Allegation


def allegation_list_visible_to(*, user: AnyUser) -> QuerySet[Allegation]:
    return Allegation.objects.select_related("complaint__case", "officer", "force_type", "incident").filter(
        complaint__in=complaint_list_visible_to(user=user).values("pk")
    )
