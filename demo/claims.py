"""The demo's group claim in progress (claims app): the complaints of the scenario broken into
allegations per officer, one already decided by the oversight body, the others pending, so the
plaintiff roster, the allegations pages, the officer histories and the dashboard's findings have
something to show. Written through the claims services, as a lawyer's desk would; invented data."""

from __future__ import annotations

import datetime

from cases.models import Event, ExcessiveForceComplaint
from cases.types import User
from claims.models import Discipline, Finding, OversightBody
from claims.services import allegation_create


def build_claims(*, event: Event, users: dict[str, User], now: datetime.datetime) -> int:
    """One allegation per officer named in each complaint of the event; returns how many."""
    coordinator = users["coordinator"]
    made = 0
    complaints = (
        ExcessiveForceComplaint.objects.filter(case__event=event)
        .prefetch_related("officers", "incidents", "force_types")
        .order_by("created_at", "id")
    )
    for n, complaint in enumerate(complaints):
        if complaint.forum == "civil_suit":
            continue  # a lawsuit's claims are pleaded in court, not decided by an oversight body
        body = OversightBody.CPOC if complaint.forum == "oversight" else OversightBody.INTERNAL_AFFAIRS
        incident = complaint.incidents.order_by("occurred_at").first()
        force = complaint.force_types.order_by("id").first()
        for k, officer in enumerate(complaint.officers.order_by("id")):
            decided = n == 0 and k == 0
            allegation_create(
                complaint=complaint,
                by=coordinator,
                officer=officer,
                force_type=force,
                incident=incident,
                oversight_body=body,
                body_case_number=f"{'CPOC' if body == OversightBody.CPOC else 'IA'}-DEMO-{n + 1:03d}-{k + 1}",
                filed_on=complaint.filed_on,
                finding=Finding.SUSTAINED if decided else Finding.PENDING,
                discipline=Discipline.SUSPENSION if decided else Discipline.NONE,
                decided_on=now.date() if decided else None,
            )
            made += 1
    return made
