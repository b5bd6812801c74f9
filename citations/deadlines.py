"""Deadline computation: rules (data, `DeadlineRule`) applied to citations and complaints.

Dates are counted in the event's time zone: a citation issued at 23:59 on 1 July in
Philadelphia was issued on 1 July, whatever the server's clock says in UTC. The day of the
trigger is excluded and the last day included (1 Pa.C.S. § 1908). When a rule rolls, a last day
on a weekend or a legal holiday (US federal plus the state's, from the `holidays` package) moves
to the next business day. A deadline is due at the end of its last day (23:59:59 local), or at
the hearing's time for an 'appear' deadline.

`sync_citation_deadlines` and `sync_complaint_deadlines` (re)compute every deadline of the given
rows in a fixed number of queries; citations.services calls them after every change, and a rule
edit calls `sync_rule_deadlines`. They do not open transactions of their own: callers do.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Min
from django.utils import timezone

from cases.models import Case, ComplaintForum, ComplaintStatus, ExcessiveForceComplaint, Jurisdiction
from citations.lifecycle import track_for
from citations.models import (
    COMPLAINT_TRIGGERS,
    Citation,
    CitationStatus,
    Deadline,
    DeadlineKind,
    DeadlineRoll,
    DeadlineRule,
    DeadlineStatus,
    DeadlineTrigger,
    Disposition,
    OffsetUnit,
)

END_OF_DAY = datetime.time(23, 59, 59)
# Which holiday calendar each jurisdiction follows: (country, subdivision).
HOLIDAY_CALENDARS: dict[str, tuple[str, str | None]] = {
    Jurisdiction.PENNSYLVANIA: ("US", "PA"),
    Jurisdiction.PHILADELPHIA: ("US", "PA"),
    Jurisdiction.OTHER: ("US", None),
}
# A rule for a wider jurisdiction applies inside it: Philadelphia is in Pennsylvania.
PARENT_JURISDICTIONS: dict[str, set[str]] = {
    Jurisdiction.PHILADELPHIA: {Jurisdiction.PHILADELPHIA, Jurisdiction.PENNSYLVANIA},
    Jurisdiction.PENNSYLVANIA: {Jurisdiction.PENNSYLVANIA},
    Jurisdiction.OTHER: {Jurisdiction.OTHER},
}
DECIDED_STATES = {CitationStatus.DECIDED, CitationStatus.APPEAL_WINDOW, CitationStatus.APPEALED, CitationStatus.CLOSED}


# --- Calendar arithmetic -------------------------------------------------------------------


@lru_cache(maxsize=64)
def _holidays_for(jurisdiction: str, year: int) -> frozenset[datetime.date]:
    country, subdiv = HOLIDAY_CALENDARS.get(jurisdiction, ("US", None))
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


def holiday_name(day: datetime.date, jurisdiction: str) -> str | None:
    country, subdiv = HOLIDAY_CALENDARS.get(jurisdiction, ("US", None))
    return holidays.country_holidays(country, subdiv=subdiv, years=day.year).get(day)


def is_business_day(day: datetime.date, jurisdiction: str) -> bool:
    return day.weekday() < 5 and day not in _holidays_for(jurisdiction, day.year)


def next_business_day(day: datetime.date, jurisdiction: str) -> datetime.date:
    """`day` itself when courts and offices are open, else the first open day after it."""
    while not is_business_day(day, jurisdiction):
        day += datetime.timedelta(days=1)
    return day


def add_offset(day: datetime.date, offset: int, unit: str) -> datetime.date:
    """Calendar arithmetic; 29 February plus a year is 28 February."""
    if unit == OffsetUnit.DAYS:
        return day + datetime.timedelta(days=offset)
    months = offset * (12 if unit == OffsetUnit.YEARS else 1)
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment: datetime.datetime | datetime.date, tz: ZoneInfo) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        if timezone.is_naive(moment):
            raise ValueError("deadline triggers must be aware datetimes")
        return moment.astimezone(tz).date()
    return moment


def end_of_day(day: datetime.date, tz: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=tz)


def compute_due(
    *, rule: DeadlineRule, trigger: datetime.datetime | datetime.date, tz: ZoneInfo, jurisdiction: str
) -> tuple[datetime.date, datetime.datetime]:
    """(due_on, due_at) for a rule fired at `trigger`."""
    if rule.trigger == DeadlineTrigger.HEARING and rule.offset == 0 and isinstance(trigger, datetime.datetime):
        return local_date(trigger, tz), trigger  # the court set the day and the hour
    day = add_offset(local_date(trigger, tz), rule.offset, rule.offset_unit)
    if rule.roll == DeadlineRoll.NEXT_BUSINESS_DAY:
        day = next_business_day(day, jurisdiction)
    return day, end_of_day(day, tz)


def rule_matches_jurisdiction(rule: DeadlineRule, jurisdiction: str) -> bool:
    return not rule.jurisdiction or rule.jurisdiction in PARENT_JURISDICTIONS.get(jurisdiction, {jurisdiction})


def active_rules() -> list[DeadlineRule]:
    return list(DeadlineRule.objects.filter(active=True))


# --- What each rule means for a citation ---------------------------------------------------


def citation_rule_applies(rule: DeadlineRule, citation: Citation) -> bool:
    return (
        rule.active
        and rule.trigger != DeadlineTrigger.INCIDENT
        and (not rule.citation_kind or rule.citation_kind == citation.kind)
        and rule_matches_jurisdiction(rule, citation.jurisdiction)
        and (rule.kind != DeadlineKind.APPEAL or track_for(citation.kind).appealable)
    )


def _specificity(rule: DeadlineRule, jurisdiction: str) -> tuple[int, int, int]:
    """Higher is more specific: a rule naming the kind (or forum) beats one that does not, an
    exact jurisdiction beats a wider one, which beats none; then the newest rule."""
    named = 1 if (rule.citation_kind or rule.complaint_forum) else 0
    place = 2 if rule.jurisdiction == jurisdiction else (1 if rule.jurisdiction else 0)
    return named, place, rule.pk or 0


def pick_rules(rules: Iterable[DeadlineRule], jurisdiction: str) -> list[DeadlineRule]:
    """Of the rules that apply, the most specific one per deadline kind (so a Philadelphia rule
    can refine a statewide one, and a catch-all rule never doubles a specific one)."""
    best: dict[str, DeadlineRule] = {}
    for rule in rules:
        current = best.get(rule.kind)
        if current is None or _specificity(rule, jurisdiction) > _specificity(current, jurisdiction):
            best[rule.kind] = rule
    return list(best.values())


def citation_trigger(rule: DeadlineRule, citation: Citation) -> datetime.datetime | datetime.date | None:
    if rule.trigger == DeadlineTrigger.ISSUED:
        return citation.issued_at
    if rule.trigger == DeadlineTrigger.HEARING:
        return citation.hearing_at
    if rule.trigger == DeadlineTrigger.CONVICTED:
        return citation.decided_on if citation.disposition == Disposition.GUILTY else None
    return None


def citation_deadline_status(kind: str, citation: Citation, tz: ZoneInfo) -> str:
    """Met, cancelled or open, from the citation's state alone."""
    decided = citation.status in DECIDED_STATES
    if kind in (DeadlineKind.RESPOND, DeadlineKind.PAY_OR_DISPUTE):
        if citation.response:
            return DeadlineStatus.MET
        return DeadlineStatus.CANCELLED if decided else DeadlineStatus.OPEN
    if kind == DeadlineKind.APPEAR:
        if decided:
            before_hearing = (
                citation.decided_on is not None
                and citation.hearing_at is not None
                and citation.decided_on < local_date(citation.hearing_at, tz)
            )
            return DeadlineStatus.CANCELLED if before_hearing else DeadlineStatus.MET
        return DeadlineStatus.OPEN
    if kind == DeadlineKind.APPEAL:
        if citation.appealed_on and citation.decided_on and citation.appealed_on >= citation.decided_on:
            return DeadlineStatus.MET
        return DeadlineStatus.CANCELLED if citation.status == CitationStatus.CLOSED else DeadlineStatus.OPEN
    return DeadlineStatus.MET if citation.status == CitationStatus.CLOSED else DeadlineStatus.OPEN


# --- What each rule means for a complaint --------------------------------------------------


def complaint_rule_applies(rule: DeadlineRule, complaint: ExcessiveForceComplaint, jurisdiction: str) -> bool:
    return (
        rule.active
        and rule.trigger == DeadlineTrigger.INCIDENT
        and (not rule.complaint_forum or rule.complaint_forum == complaint.forum)
        and rule_matches_jurisdiction(rule, jurisdiction)
    )


def complaint_deadline_status(kind: str, complaint: ExcessiveForceComplaint, civil_suit_filed: bool) -> str:
    if kind == DeadlineKind.CIVIL_CLAIM:
        # A civil suit filed for the case meets it, whichever complaint the deadline hangs on.
        if civil_suit_filed or (complaint.forum == ComplaintForum.CIVIL_SUIT and complaint.filed_on):
            return DeadlineStatus.MET
        return DeadlineStatus.OPEN
    if complaint.filed_on:
        return DeadlineStatus.MET
    return DeadlineStatus.CANCELLED if complaint.status == ComplaintStatus.CLOSED else DeadlineStatus.OPEN


# --- The civil-claim period -----------------------------------------------------------------


@dataclass(frozen=True)
class CivilClaimDeadline:
    """When a civil claim for force used at an incident is due, and the rule that says so."""

    due_on: datetime.date
    rule: DeadlineRule


def civil_claim_rules() -> list[DeadlineRule]:
    """The active rules that set a civil-claim period (in Pennsylvania the `pa-civil-claim-1983`
    row), for `civil_claim_deadline` (one query: read once for many incidents)."""
    return list(DeadlineRule.objects.filter(active=True, kind=DeadlineKind.CIVIL_CLAIM, trigger__in=COMPLAINT_TRIGGERS))


def civil_claim_deadline(
    incident_date: datetime.datetime | datetime.date,
    *,
    tz: ZoneInfo,
    jurisdiction: str,
    forum: str = "",
    rules: Iterable[DeadlineRule] | None = None,
) -> CivilClaimDeadline | None:
    """The civil-claim deadline for force used at `incident_date` in `jurisdiction`, counted in the
    event's time zone by the most specific civil-claim rule that applies (one naming `forum`, the
    complaint's, beats one for every forum; without a forum only those for every forum apply).
    The packets' computed deadline and the retention hold both come from here, so a rule edit
    moves both. None when no active rule applies. `rules`: from `civil_claim_rules()`."""
    candidates = civil_claim_rules() if rules is None else rules
    applicable = [
        rule
        for rule in candidates
        if rule.active
        and rule.kind == DeadlineKind.CIVIL_CLAIM
        and rule.trigger in COMPLAINT_TRIGGERS
        and rule.complaint_forum in ("", forum)
        and rule_matches_jurisdiction(rule, jurisdiction)
    ]
    picked = pick_rules(applicable, jurisdiction)
    if not picked:
        return None
    due_on, _due_at = compute_due(rule=picked[0], trigger=incident_date, tz=tz, jurisdiction=jurisdiction)
    return CivilClaimDeadline(due_on=due_on, rule=picked[0])


# --- Synchronisation -----------------------------------------------------------------------


def _apply(
    *,
    wanted: dict[tuple[int, int], dict[str, Any]],
    existing: Iterable[Deadline],
    target_field: str,
    now: datetime.datetime,
) -> tuple[int, int]:
    """Create what is wanted and missing, update what changed, cancel open deadlines no rule wants."""
    to_update: list[Deadline] = []
    seen: set[tuple[int, int]] = set()
    for deadline in existing:
        key = (deadline.rule_id, getattr(deadline, f"{target_field}_id"))
        seen.add(key)
        values = wanted.get(key)
        if values is None:
            if deadline.status == DeadlineStatus.OPEN:  # the rule no longer applies (or has no trigger)
                deadline.status = DeadlineStatus.CANCELLED
                deadline.resolved_at = now
                to_update.append(deadline)
            continue
        changed = False
        for name, value in values.items():
            if getattr(deadline, name) != value:
                setattr(deadline, name, value)
                changed = True
        if changed:
            deadline.resolved_at = None if deadline.status == DeadlineStatus.OPEN else now
            to_update.append(deadline)
    to_create = [
        Deadline(rule_id=key[0], resolved_at=None if v["status"] == DeadlineStatus.OPEN else now, **v)
        for key, v in wanted.items()
        if key not in seen
    ]
    if to_create:
        Deadline.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        Deadline.objects.bulk_update(
            to_update,
            ["kind", "due_on", "due_at", "status", "warrant_risk", "resolved_at", "case"],
            batch_size=2000,
        )
    return len(to_create), len(to_update)


def _tz_and_jurisdiction_by_case(case_ids: Iterable[int]) -> dict[int, tuple[ZoneInfo, str]]:
    rows = Case.objects.filter(pk__in=set(case_ids)).values_list("pk", "event__time_zone", "event__jurisdiction")
    return {pk: (ZoneInfo(tz), jurisdiction) for pk, tz, jurisdiction in rows}


def sync_citation_deadlines(
    citations: Sequence[Citation],
    *,
    rules: list[DeadlineRule] | None = None,
    now: datetime.datetime | None = None,
) -> tuple[int, int]:
    """(Re)compute every deadline of these citations; returns (created, updated). Four queries
    at most, however many citations: rules, events, existing deadlines, writes."""
    if not citations:
        return 0, 0
    now = now or timezone.now()
    rules = active_rules() if rules is None else rules
    places = _tz_and_jurisdiction_by_case(c.case_id for c in citations)
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for citation in citations:
        tz, _event_jurisdiction = places[citation.case_id]
        applicable = (rule for rule in rules if citation_rule_applies(rule, citation))
        for rule in pick_rules(applicable, citation.jurisdiction):
            trigger = citation_trigger(rule, citation)
            if trigger is None:
                continue
            due_on, due_at = compute_due(rule=rule, trigger=trigger, tz=tz, jurisdiction=citation.jurisdiction)
            status = citation_deadline_status(rule.kind, citation, tz)
            if status == DeadlineStatus.OPEN and due_at < now and rule.kind != DeadlineKind.APPEAR:
                status = DeadlineStatus.MISSED
            wanted[(rule.pk, citation.pk)] = {
                "case_id": citation.case_id,
                "citation_id": citation.pk,
                "kind": rule.kind,
                "due_on": due_on,
                "due_at": due_at,
                "status": status,
                "warrant_risk": rule.warrant_risk,
            }
    existing = Deadline.objects.filter(citation__in=[c.pk for c in citations])
    return _apply(wanted=wanted, existing=existing, target_field="citation", now=now)


def sync_complaint_deadlines(
    complaints: Sequence[ExcessiveForceComplaint],
    *,
    rules: list[DeadlineRule] | None = None,
    now: datetime.datetime | None = None,
) -> tuple[int, int]:
    """(Re)compute the deadlines of these complaints: the earliest linked incident starts the
    clock, else the complaint's creation."""
    if not complaints:
        return 0, 0
    now = now or timezone.now()
    rules = active_rules() if rules is None else rules
    ids = [c.pk for c in complaints]
    places = _tz_and_jurisdiction_by_case(c.case_id for c in complaints)
    through = ExcessiveForceComplaint.incidents.through
    earliest = dict(
        through.objects.filter(excessiveforcecomplaint_id__in=ids)  # type: ignore[misc]  # the plugin misses the annotation "first"
        .values("excessiveforcecomplaint_id")
        .annotate(first=Min("incident__occurred_at"))
        .values_list("excessiveforcecomplaint_id", "first")
    )
    civil_filed = set(
        ExcessiveForceComplaint.objects.filter(
            case_id__in={c.case_id for c in complaints}, forum=ComplaintForum.CIVIL_SUIT, filed_on__isnull=False
        ).values_list("case_id", flat=True)
    )
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for complaint in complaints:
        tz, jurisdiction = places[complaint.case_id]
        trigger = earliest.get(complaint.pk) or complaint.created_at
        applicable = (rule for rule in rules if complaint_rule_applies(rule, complaint, jurisdiction))
        for rule in pick_rules(applicable, jurisdiction):
            due_on, due_at = compute_due(rule=rule, trigger=trigger, tz=tz, jurisdiction=jurisdiction)
            status = complaint_deadline_status(rule.kind, complaint, complaint.case_id in civil_filed)
            if status == DeadlineStatus.OPEN and due_at < now:
                status = DeadlineStatus.MISSED
            wanted[(rule.pk, complaint.pk)] = {
                "case_id": complaint.case_id,
                "complaint_id": complaint.pk,
                "kind": rule.kind,
                "due_on": due_on,
                "due_at": due_at,
                "status": status,
                "warrant_risk": rule.warrant_risk,
            }
    existing = Deadline.objects.filter(complaint__in=ids)
    return _apply(wanted=wanted, existing=existing, target_field="complaint", now=now)


def sync_rule_deadlines(rule: DeadlineRule, *, chunk: int = 2000) -> tuple[int, int]:
    """After a rule changed: recompute every citation or complaint it may concern (those it made
    deadlines for, and those it now matches)."""
    created = updated = 0
    if rule.for_complaints or Deadline.objects.filter(rule=rule, complaint__isnull=False).exists():
        queryset = ExcessiveForceComplaint.objects.all()
        if rule.complaint_forum:
            queryset = queryset.filter(forum=rule.complaint_forum) | ExcessiveForceComplaint.objects.filter(
                deadlines__rule=rule
            )
        for batch in _chunks(queryset.distinct().order_by("pk"), chunk):
            c, u = sync_complaint_deadlines(batch)
            created, updated = created + c, updated + u
    if not rule.for_complaints or Deadline.objects.filter(rule=rule, citation__isnull=False).exists():
        citations = Citation.objects.all()
        if rule.citation_kind:
            citations = citations.filter(kind=rule.citation_kind) | Citation.objects.filter(deadlines__rule=rule)
        for batch in _chunks(citations.distinct().order_by("pk"), chunk):
            c, u = sync_citation_deadlines(batch)
            created, updated = created + c, updated + u
    return created, updated


def sync_event_deadlines(event: Any, *, chunk: int = 2000) -> tuple[int, int]:
    """After an event's time zone or jurisdiction changed: recompute the deadlines of every
    citation and complaint of its cases (days are counted in the event's zone and calendar)."""
    created = updated = 0
    complaints = ExcessiveForceComplaint.objects.filter(case__event=event).order_by("pk")
    for batch in _chunks(complaints, chunk):
        c, u = sync_complaint_deadlines(batch)
        created, updated = created + c, updated + u
    for batch in _chunks(Citation.objects.filter(case__event=event).order_by("pk"), chunk):
        c, u = sync_citation_deadlines(batch)
        created, updated = created + c, updated + u
    return created, updated


def _chunks(queryset: Any, size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for obj in queryset.iterator(chunk_size=size):
        batch.append(obj)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def deadlines_mark_missed(*, now: datetime.datetime | None = None) -> int:
    """Open deadlines whose moment has passed become missed (a scheduled sweep calls this).
    Hearings are left open: only the recorded outcome tells whether the person appeared."""
    now = now or timezone.now()
    overdue = Deadline.objects.filter(status=DeadlineStatus.OPEN, due_at__lt=now).exclude(kind=DeadlineKind.APPEAR)
    return overdue.update(status=DeadlineStatus.MISSED, resolved_at=now)
