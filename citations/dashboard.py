"""The organizer's dashboard: aggregates only, never a row about a person.

`dashboard_summary(event=None, today=None)` returns a plain, JSON-ready dict (the API serves it
as is; the dashboard page renders it). It runs a fixed number of SQL queries whatever the data
size (eight overall, seven for one event; tests pin it), all of them GROUP BY / aggregate queries.
Deadlines are counted from the `citations.Deadline` rows the deadline rules make (business-day
rolls, complaint deadlines included), which is one query of its own.

Small-count suppression (settings.SMALL_COUNT_THRESHOLD, default 5). Every count is a *cell*:

    {"value": 12, "display": "12", "suppressed": False}
    {"value": None, "display": "fewer than 5", "suppressed": True}   # 1 <= n < threshold

Zero is shown as 0 (it singles no one out). Money amounts are cells too, with the value as a
string of exact cents ("125.00") and a display ("$125.00"); an amount is suppressed when fewer
than `threshold` citations contribute to it. Rows in lists (force types per day, officers, units,
events) keep their labels and carry cells for their counts.

Known limit: suppression is per cell; a total next to its breakdown can still let a reader
subtract (total 7, one status 5, so the other is 2). Complementary suppression is not done.

Officers are public employees acting in public: their name, badge, unit and agency may appear.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Arrest, Case, Event, Incident, IncidentOfficer, Officer, Payer
from citations.models import (
    Citation,
    CitationKind,
    CitationStatus,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Disposition,
    Payment,
    PaymentKind,
)

ZERO = Decimal("0.00")
# Decisions after which nothing is owed (money already paid on them is owed back).
CLEARED = (Disposition.DISMISSED, Disposition.WITHDRAWN, Disposition.WAIVED, Disposition.NOT_GUILTY)
TOP_OFFICERS = 10
TOP_UNITS = 10


def threshold() -> int:
    return int(getattr(settings, "SMALL_COUNT_THRESHOLD", 5))


def count_cell(n: int | None) -> dict[str, Any]:
    """A count, suppressed when 0 < n < threshold."""
    n = int(n or 0)
    limit = threshold()
    if 0 < n < limit:
        return {"value": None, "display": f"fewer than {limit}", "suppressed": True}
    return {"value": n, "display": str(n), "suppressed": False}


def money_cell(amount: Decimal | None, contributors: int) -> dict[str, Any]:
    """An amount of money, suppressed when fewer than `threshold` citations make it up."""
    amount = (amount or ZERO).quantize(Decimal("0.01"))
    limit = threshold()
    if 0 < contributors < limit:
        return {"value": None, "display": f"fewer than {limit} citations", "suppressed": True}
    return {"value": str(amount), "display": f"${amount:,.2f}", "suppressed": False}


def _people(cases: Any) -> dict[str, Any]:
    """People cited and arrested (distinct demonstrators), one query."""
    has_citation = Exists(Citation.objects.filter(case=OuterRef("pk")))
    has_arrest = Exists(Arrest.objects.filter(case=OuterRef("pk")))
    row = cases.annotate(has_citation=has_citation, has_arrest=has_arrest).aggregate(
        people=Count("demonstrator_id", distinct=True),
        cited=Count("demonstrator_id", distinct=True, filter=Q(has_citation=True)),
        arrested=Count("demonstrator_id", distinct=True, filter=Q(has_arrest=True)),
    )
    return {key: count_cell(row[key]) for key in ("people", "cited", "arrested")}


def _citation_groups(
    citations: Any, extra: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], Decimal, int, dict[str, int]]:
    """Citations by status, by kind and by disposition, the amount assessed on open ones, and the
    `extra` filtered counts summed over the groups: one query, one pass over the citations."""
    rows = citations.values("status", "kind", "disposition").annotate(
        n=Count("id"),
        assessed=Coalesce(Sum(F("fine") + F("costs")), Value(ZERO), output_field=DecimalField()),
        **extra,
    )
    totals = dict.fromkeys(extra, 0)
    by_status: dict[str, int] = defaultdict(int)
    by_kind: dict[str, int] = defaultdict(int)
    by_disposition: dict[str, int] = defaultdict(int)
    open_assessed = ZERO
    open_count = 0
    for row in rows:
        for name in totals:
            totals[name] += row[name]
        by_status[row["status"]] += row["n"]
        by_kind[row["kind"]] += row["n"]
        by_disposition[row["disposition"]] += row["n"]
        if row["disposition"] not in CLEARED:
            open_assessed += row["assessed"]
            open_count += row["n"]
    total = sum(by_status.values())
    citations_block = {
        "total": count_cell(total),
        "by_status": {value: count_cell(by_status.get(value, 0)) for value in CitationStatus.values},
        "by_kind": {value: count_cell(by_kind.get(value, 0)) for value in CitationKind.values},
    }
    outcomes = {value: count_cell(by_disposition.get(value, 0)) for value in Disposition.values}
    return citations_block, outcomes, open_assessed, open_count, totals


def _labels() -> dict[str, dict[str, str]]:
    return {
        "status": {value: str(label) for value, label in CitationStatus.choices},
        "kind": {value: str(label) for value, label in CitationKind.choices},
        "disposition": {value: str(label) for value, label in Disposition.choices},
    }


def _money(payments: Any, open_assessed: Decimal, open_count: int) -> dict[str, Any]:
    """Fines owed, paid, paid by the bail fund, refunded and refunds owed: one query."""
    is_payment = Q(kind=PaymentKind.PAYMENT)
    is_refund = Q(kind=PaymentKind.REFUND)
    cleared = Q(citation__disposition__in=CLEARED)
    dec = DecimalField(max_digits=14, decimal_places=2)

    def total(condition: Q) -> Any:
        return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=dec)

    def how_many(condition: Q) -> Count:
        return Count("citation_id", filter=condition, distinct=True)

    row = payments.aggregate(
        paid=total(is_payment),
        paid_n=how_many(is_payment),
        bail=total(is_payment & Q(payer=Payer.BAIL_FUND)),
        bail_n=how_many(is_payment & Q(payer=Payer.BAIL_FUND)),
        refunded=total(is_refund),
        refunded_n=how_many(is_refund),
        cleared_paid=total(is_payment & cleared),
        cleared_refunded=total(is_refund & cleared),
        cleared_n=how_many(cleared),
        open_paid=total(is_payment & ~cleared),
        open_refunded=total(is_refund & ~cleared),
    )
    owed = max(open_assessed - (row["open_paid"] - row["open_refunded"]), ZERO)
    refunds_owed = max(row["cleared_paid"] - row["cleared_refunded"], ZERO)
    return {
        "fines_owed": money_cell(owed, open_count),
        "paid": money_cell(row["paid"], row["paid_n"]),
        "paid_by_bail_fund": money_cell(row["bail"], row["bail_n"]),
        "refunded": money_cell(row["refunded"], row["refunded_n"]),
        "refunds_owed": money_cell(refunds_owed, row["cleared_n"]),
    }


ANSWER_KINDS = (DeadlineKind.RESPOND, DeadlineKind.PAY_OR_DISPUTE)
KIND_GROUPS = {
    "answer": ANSWER_KINDS,
    "hearing": (DeadlineKind.APPEAR,),
    "appeal": (DeadlineKind.APPEAL,),
    "claim": (DeadlineKind.CIVIL_CLAIM, DeadlineKind.OVERSIGHT_COMPLAINT),
}


def _deadlines(deadlines: Any, today: datetime.date) -> dict[str, Any]:
    """Open deadlines (citations.Deadline rows) whose last day is today through today+7 and
    today+30 (inclusive), by kind, and those already past with nothing recorded: one query."""
    is_open = Q(status=DeadlineStatus.OPEN)
    past = Q(status__in=[DeadlineStatus.OPEN, DeadlineStatus.MISSED], due_on__lt=today)
    aggregates: dict[str, Any] = {}
    for days in (7, 30):
        window = is_open & Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))
        for group, kinds in KIND_GROUPS.items():
            aggregates[f"{group}_{days}"] = Count("id", filter=window & Q(kind__in=kinds))
    aggregates["missed_answer"] = Count("id", filter=past & Q(kind__in=ANSWER_KINDS))
    aggregates["past_hearing"] = Count("id", filter=past & Q(kind=DeadlineKind.APPEAR))
    row = deadlines.aggregate(**aggregates)

    def window_cells(days: int) -> dict[str, Any]:
        parts = {group: row[f"{group}_{days}"] for group in KIND_GROUPS}
        return {"total": count_cell(sum(parts.values())), **{k: count_cell(v) for k, v in parts.items()}}

    return {
        "as_of": today.isoformat(),
        "next_7_days": window_cells(7),
        "next_30_days": window_cells(30),
        "missed_answers": count_cell(row["missed_answer"]),
        "past_hearings_without_outcome": count_cell(row["past_hearing"]),
    }


def _force_over_time(event: Event | None) -> list[dict[str, Any]]:
    """Incidents per local day and force type, grouped on the stored `occurred_on` date: one query."""
    through = Incident.force_types.through.objects.all()
    if event is not None:
        through = through.filter(incident__event=event)
    rows = (
        through.values("incident__occurred_on", "forcetype__code", "forcetype__label")
        # Each (incident, force type) pair is stored once: no DISTINCT needed.
        .annotate(n=Count("incident_id"))
        .order_by("incident__occurred_on", "forcetype__code")
    )
    return [
        {
            "date": row["incident__occurred_on"].isoformat() if row["incident__occurred_on"] else None,
            "force_type": row["forcetype__code"],
            "label": row["forcetype__label"],
            "incidents": count_cell(row["n"]),
        }
        for row in rows
    ]


def _officers(event: Event | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Officers and units named in most incidents: two queries.

    An officer appears once per incident (IncidentOfficer is unique on the pair), so counting
    sightings per officer counts incidents without DISTINCT, grouped on the officer's key: a
    hash aggregate on PostgreSQL instead of sorting every sighting by name, badge and unit."""
    sightings = IncidentOfficer.objects.all()
    if event is not None:
        sightings = sightings.filter(incident__event=event)
    in_scope = Q(sightings__incident__event=event) if event is not None else Q()
    officer_rows = (
        Officer.objects.exclude(badge_number="", name="")
        .annotate(n=Count("sightings", filter=in_scope))
        .filter(n__gt=0)
        .order_by("-n", "agency", "badge_number", "name")
        .values("public_id", "name", "badge_number", "badge_status", "unit", "agency", "n")[:TOP_OFFICERS]
    )
    unit_rows = (
        sightings.exclude(officer__unit="")
        .values("officer__agency", "officer__unit")
        .annotate(n=Count("incident_id", distinct=True))
        .order_by("-n", "officer__agency", "officer__unit")[:TOP_UNITS]
    )
    officers = [
        {
            "public_id": str(row["public_id"]),
            "name": row["name"],
            "badge_number": row["badge_number"],
            "badge_status": row["badge_status"],
            "unit": row["unit"],
            "agency": row["agency"],
            "incidents": count_cell(row["n"]),
        }
        for row in officer_rows
    ]
    units = [
        {"agency": row["officer__agency"], "unit": row["officer__unit"], "incidents": count_cell(row["n"])}
        for row in unit_rows
    ]
    return officers, units


def _per_event() -> list[dict[str, Any]]:
    """Headline numbers for each event (only on the overall dashboard): one query."""
    has_citation = Exists(Citation.objects.filter(case=OuterRef("pk")))
    has_arrest = Exists(Arrest.objects.filter(case=OuterRef("pk")))
    rows = (
        Case.objects.annotate(has_citation=has_citation, has_arrest=has_arrest)
        .values("event__public_id", "event__name", "event__starts_at")
        .annotate(
            people=Count("demonstrator_id", distinct=True),
            cited_n=Count("demonstrator_id", distinct=True, filter=Q(has_citation=True)),
            arrested_n=Count("demonstrator_id", distinct=True, filter=Q(has_arrest=True)),
        )
        .order_by("-event__starts_at", "event__name")
    )
    return [
        {
            "public_id": str(row["event__public_id"]),
            "name": row["event__name"],
            "starts_at": row["event__starts_at"].isoformat(),
            "people": count_cell(row["people"]),
            "cited": count_cell(row["cited_n"]),
            "arrested": count_cell(row["arrested_n"]),
        }
        for row in rows
    ]


def dashboard_summary(*, event: Event | None = None, today: datetime.date | None = None) -> dict[str, Any]:
    """Aggregates for one event, or overall when `event` is None. No personal data, ever."""
    today = today or timezone.localdate()
    cases = Case.objects.all()
    citations = Citation.objects.all()
    payments = Payment.objects.all()
    deadlines = Deadline.objects.all()
    if event is not None:
        cases = cases.filter(event=event)
        citations = citations.filter(case__event=event)
        payments = payments.filter(citation__case__event=event)
        deadlines = deadlines.filter(case__event=event)

    people = _people(cases)
    citations_block, outcomes, open_assessed, open_count, _ = _citation_groups(citations, {})
    officers, units = _officers(event)
    summary: dict[str, Any] = {
        "scope": {
            "event": {"public_id": str(event.public_id), "name": event.name} if event is not None else None,
            "today": today.isoformat(),
            "threshold": threshold(),
        },
        "people": people,
        "citations": citations_block,
        "outcomes": outcomes,
        "deadlines": _deadlines(deadlines, today),
        "money": _money(payments, open_assessed, open_count),
        "force_over_time": _force_over_time(event),
        "officers": officers,
        "units": units,
        "events": _per_event() if event is None else [],
        "labels": _labels(),
    }
    return summary
