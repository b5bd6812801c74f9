"""Reads of the claims app: a complaint's allegations, and the findings per allegation for the
dashboard.

The dashboard lives in `citations` (below this app, so it cannot import it): the findings block is
a section registered from `ClaimsConfig.ready()` (`citations.dashboard.register_section`). Its query
counts allegations per event and finding (one grouped query, no personal data); its cells use the
dashboard's suppression: small events are left out, the total is tied to its breakdown by finding
on each page and each overall count to the same count per event in one
`citations.disclosure.LinkedTable`, so no small count can be worked out by subtraction across pages,
and a total below the threshold gets no breakdown.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from cases.models import Event, ExcessiveForceComplaint
from cases.types import AnyUser
from citations.dashboard import count_cell, threshold, withheld_cell
from citations.disclosure import HIDDEN, WITHHELD, LinkedTable
from claims.access import allegation_list_visible_to
from claims.models import Allegation, Finding

ALL = "all"


def allegations_of(*, complaint: ExcessiveForceComplaint, user: AnyUser) -> QuerySet[Allegation]:
    """A complaint's allegations in the user's scope, with their officer, force type and incident."""
    return allegation_list_visible_to(user=user).filter(complaint=complaint).order_by("id")


def finding_rows() -> list[dict[str, Any]]:
    """Allegations per event and finding: one grouped query."""
    rows = Allegation.objects.order_by().values("complaint__case__event_id", "finding").annotate(n=Count("*"))
    return [dict(row) for row in rows]


def finding_cells(rows: list[dict[str, Any]], event: Event | None, counted: list[int]) -> dict[str, Any]:
    """The findings block of one page (`event`, or overall when None): the allegations counted,
    and per finding, every count suppressed as the dashboard's are (see the module docstring)."""
    findings = list(Finding.values)
    per: dict[Any, dict[str, int]] = {event_id: dict.fromkeys(findings, 0) for event_id in counted}
    for row in rows:
        if row["complaint__case__event_id"] in per:
            per[row["complaint__case__event_id"]][row["finding"]] += row["n"]
    per[ALL] = {finding: sum(per[event_id][finding] for event_id in counted) for finding in findings}
    table = LinkedTable(limit=threshold(), withheld_floor=threshold())
    for scope, values in per.items():
        total = sum(values.values())
        table.cell((scope, "total"), total)
        for finding, n in values.items():
            table.cell((scope, finding), n)
        table.add_sum((scope, "total"), [(scope, finding) for finding in findings], breakdown=(scope, "findings"))
        if 0 < total < threshold():
            table.hide((scope, "findings"))
    if counted:
        for key in ["total", *findings]:
            table.add_sum((ALL, key), [(event_id, key) for event_id in counted])
    table.protect()
    scope = ALL if event is None else event.pk
    labels = {finding: str(label) for finding, label in Finding.choices}
    if scope not in per:  # an event without people: nothing counted
        return {"allegations": count_cell(0), "by_finding": None, "labels": labels}

    def shown(key: tuple[Any, str]) -> dict[str, Any] | None:
        state = table.state[key]
        if state == HIDDEN:
            return None
        return withheld_cell() if state == WITHHELD else count_cell(table.values[key])

    by_finding = {finding: shown((scope, finding)) for finding in findings}
    return {
        "allegations": shown((scope, "total")),
        "by_finding": None if all(cell is None for cell in by_finding.values()) else by_finding,
        "labels": labels,
    }
