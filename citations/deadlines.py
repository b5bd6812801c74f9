"""Deadline computation: rules (data, `DeadlineRule`) applied to citations and complaints.

Dates are counted in the event's time zone: a citation issued at 23:59 on 1 July in
Philadelphia was issued on 1 July, whatever the server's clock says in UTC. The day of the
trigger is excluded and the last day included (1 Pa.C.S. § 1908). When a rule rolls, a last day
on a weekend or a court closure moves to the next business day. Which days a court closes is
data (`CourtClosure`, per court and year, with its source), read here and nowhere else
(`CourtCalendar`): a closure marked uncertain never moves a deadline later, and a year nobody
entered falls back to the statewide holidays, all uncertain. A deadline is due at the end of its last day (23:59:59 local), or at
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
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Case, ComplaintForum, ComplaintStatus, ExcessiveForceComplaint, Incident, Jurisdiction
from citations.lifecycle import governing_kind, rule_1002_applies, track_for
from citations.models import (
    COMPLAINT_TRIGGERS,
    Citation,
    CitationStatus,
    ClerkOfficeHours,
    ComplaintForceDate,
    Court,
    CourtClosure,
    Deadline,
    DeadlineKind,
    DeadlineRoll,
    DeadlineRule,
    DeadlineStatus,
    DeadlineTrigger,
    Disposition,
    OffsetUnit,
    Response,
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


# --- The court calendar and business days ---------------------------------------------------

# Which court's calendar decides the business days of a place: Philadelphia's own courts for
# anything in Philadelphia (a statewide-track citation issued there is heard there), else the
# statewide courts.
COURT_OF_JURISDICTION: dict[str, str] = {
    Jurisdiction.PHILADELPHIA: Court.PHILADELPHIA,
    Jurisdiction.PENNSYLVANIA: Court.PENNSYLVANIA,
}
# Where a coordinator checks a court's closures (the pages say so next to unconfirmed entries).
COURT_CALENDAR_PAGES: dict[str, str] = {
    Court.PHILADELPHIA: "https://www.courts.phila.gov/holidays/",
    Court.PENNSYLVANIA: "https://www.pacourts.us/",
}
STATEWIDE_FALLBACK_SOURCE = (
    "Statewide legal holiday (US federal and Pennsylvania list of the `holidays` package): this court's calendar "
    "for the year is not entered, so the day is not confirmed as a court closure."
)


@dataclass(frozen=True)
class Closure:
    """A day a court is (or may be) closed: from `CourtClosure`, or a statewide holiday standing
    in, marked uncertain, for a year whose calendar nobody entered."""

    court: str
    day: datetime.date
    name: str
    uncertain: bool
    source: str


def court_for(jurisdiction: str, place: str = "") -> str:
    """The court whose calendar counts for a matter of `jurisdiction` arising at an event in
    `place` (both jurisdiction codes); "" when none is modelled."""
    if Jurisdiction.PHILADELPHIA in (jurisdiction, place):
        return Court.PHILADELPHIA
    return COURT_OF_JURISDICTION.get(jurisdiction, "")


@lru_cache(maxsize=64)
def _statewide_holidays(jurisdiction: str, year: int) -> dict[datetime.date, str]:
    country, subdiv = HOLIDAY_CALENDARS.get(jurisdiction, ("US", None))
    return dict(holidays.country_holidays(country, subdiv=subdiv, years=year).items())


class CourtCalendar:
    """Every court closure, read in one query (`court_calendar()`): the one place that says
    whether a day is a business day. A year of a court with no closure entered falls back to the
    statewide holidays, each marked uncertain (coordinators are told from 1 October)."""

    def __init__(self, closures: Iterable[Closure]) -> None:
        self.days: dict[tuple[str, datetime.date], Closure] = {}
        self.years: set[tuple[str, int]] = set()
        for closure in closures:
            self.days[(closure.court, closure.day)] = closure
            self.years.add((closure.court, closure.day.year))

    def has_year(self, court: str, year: int) -> bool:
        return (court, year) in self.years

    def closure(self, day: datetime.date, court: str) -> Closure | None:
        if court and self.has_year(court, day.year):
            return self.days.get((court, day))
        jurisdiction = Jurisdiction.PENNSYLVANIA if court else Jurisdiction.OTHER
        name = _statewide_holidays(jurisdiction, day.year).get(day)
        if name is None:
            return None
        return Closure(court=court, day=day, name=name, uncertain=True, source=STATEWIDE_FALLBACK_SOURCE)

    def is_business_day(self, day: datetime.date, court: str) -> bool:
        """Open unless a weekend or a confirmed closure: an uncertain closure counts as open, so
        a deadline is never shown later than it may be."""
        closure = self.closure(day, court)
        return day.weekday() < 5 and (closure is None or closure.uncertain)

    def next_business_day(self, day: datetime.date, court: str) -> tuple[datetime.date, datetime.date | None]:
        """(`day` or the first business day after it, the uncertain closure it stops on or None)."""
        while not self.is_business_day(day, court):
            day += datetime.timedelta(days=1)
        closure = self.closure(day, court)
        return day, (closure.day if closure is not None else None)


def court_calendar() -> CourtCalendar:
    """The court calendar as entered (one query; read once per batch of deadlines)."""
    rows = CourtClosure.objects.values_list("court", "day", "name", "uncertain", "source")
    return CourtCalendar(Closure(*row) for row in rows)


def court_closure_on(
    day: datetime.date, jurisdiction: str, *, place: str = "", calendar: CourtCalendar | None = None
) -> Closure | None:
    """The court closure (confirmed or not) on `day` for this jurisdiction, else None."""
    return (calendar or court_calendar()).closure(day, court_for(jurisdiction, place))


@dataclass(frozen=True)
class ClosedDay:
    """Why a court may not sit on a day: a weekend, and/or a closure (confirmed or not)."""

    day: datetime.date
    weekend: bool
    closure: Closure | None


def court_closed_day(
    day: datetime.date, jurisdiction: str, *, place: str = "", calendar: CourtCalendar | None = None
) -> ClosedDay | None:
    """Why the court of this jurisdiction (and place) may not sit on `day`, or None when it sits:
    what a hearing recorded on that day must be confirmed against (night and weekend courts
    exist, so it is asked, not refused)."""
    closure = court_closure_on(day, jurisdiction, place=place, calendar=calendar)
    weekend = day.weekday() >= 5
    if closure is None and not weekend:
        return None
    return ClosedDay(day=day, weekend=weekend, closure=closure)


def holiday_name(day: datetime.date, jurisdiction: str) -> str | None:
    closure = court_closure_on(day, jurisdiction)
    return closure.name if closure is not None else None


def is_business_day(day: datetime.date, jurisdiction: str, *, calendar: CourtCalendar | None = None) -> bool:
    return (calendar or court_calendar()).is_business_day(day, court_for(jurisdiction))


def next_business_day(
    day: datetime.date, jurisdiction: str, *, place: str = "", calendar: CourtCalendar | None = None
) -> datetime.date:
    """`day` itself when the court is open (or only may be closed), else the first open day after it."""
    return (calendar or court_calendar()).next_business_day(day, court_for(jurisdiction, place))[0]


def court_calendars_missing(today: datetime.date) -> list[tuple[str, int]]:
    """From 1 October: the courts (with a calendar entered for this year) that have none for
    next year, as (court, year). Before October, nothing."""
    if today.month < 10:
        return []
    years = set(
        CourtClosure.objects.filter(day__year__in=[today.year, today.year + 1]).values_list("court", "day__year")
    )
    return [
        (court, today.year + 1)
        for court in Court.values
        if (court, today.year) in years and (court, today.year + 1) not in years
    ]


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


@dataclass(frozen=True)
class Due:
    """When a deadline falls: the last day, the moment, and an unconfirmed court closure that
    last day may fall on (the earlier day is kept; someone should check it)."""

    due_on: datetime.date
    due_at: datetime.datetime
    uncertain_closure_on: datetime.date | None = None


def compute_due_detail(
    *,
    rule: DeadlineRule,
    trigger: datetime.datetime | datetime.date,
    tz: ZoneInfo,
    jurisdiction: str,
    place: str = "",
    calendar: CourtCalendar | None = None,
) -> Due:
    """The deadline a rule fired at `trigger` sets, counted on the court calendar of
    `jurisdiction` (and `place`, the event's jurisdiction)."""
    if rule.trigger == DeadlineTrigger.HEARING and rule.offset == 0 and isinstance(trigger, datetime.datetime):
        return Due(local_date(trigger, tz), trigger)  # the court set the day and the hour
    day = add_offset(local_date(trigger, tz), rule.offset, rule.offset_unit)
    uncertain = None
    if rule.roll == DeadlineRoll.NEXT_BUSINESS_DAY:
        day, uncertain = (calendar or court_calendar()).next_business_day(day, court_for(jurisdiction, place))
    return Due(day, end_of_day(day, tz), uncertain)


def compute_due(
    *,
    rule: DeadlineRule,
    trigger: datetime.datetime | datetime.date,
    tz: ZoneInfo,
    jurisdiction: str,
    place: str = "",
    calendar: CourtCalendar | None = None,
) -> tuple[datetime.date, datetime.datetime]:
    """(due_on, due_at) for a rule fired at `trigger`."""
    due = compute_due_detail(
        rule=rule, trigger=trigger, tz=tz, jurisdiction=jurisdiction, place=place, calendar=calendar
    )
    return due.due_on, due.due_at


def rule_matches_jurisdiction(rule: DeadlineRule, jurisdiction: str) -> bool:
    return not rule.jurisdiction or rule.jurisdiction in PARENT_JURISDICTIONS.get(jurisdiction, {jurisdiction})


def active_rules() -> list[DeadlineRule]:
    return list(DeadlineRule.objects.filter(active=True))


# --- Where a deadline comes from ----------------------------------------------------------


def rule_check_text(rule: DeadlineRule) -> str:
    """One English sentence on whether a lawyer has checked the rule (feeds, packets, messages)."""
    if rule.verified and rule.verified_at is not None:
        return f"Rule checked by a lawyer against its source on {rule.verified_at:%Y-%m-%d}."
    return "Rule not yet checked by a lawyer: verify it against the source."


@dataclass(frozen=True)
class Provenance:
    """What any place showing a deadline says about it: the rule, its source, whether a lawyer
    has checked the rule, and an unconfirmed court closure its last day may fall on. The one
    home of "where does this deadline come from and is it verified": the desk's deadline
    partial (`{% provenance %}`), the calendar feed, the packets and the API read it."""

    rule_code: str
    description: str
    source: str
    verified: bool
    verified_at: datetime.datetime | None
    check: str
    uncertain_closure_on: datetime.date | None

    def english(self, sep: str = "\n") -> str:
        """The source, the check and an unconfirmed closure, as feeds and packets print them."""
        parts = [f"Source: {self.source}", self.check]
        if self.uncertain_closure_on is not None:
            parts.append(f"The court may be closed on {self.uncertain_closure_on:%Y-%m-%d} (not confirmed): check.")
        return sep.join(parts)


def rule_provenance(rule: DeadlineRule, *, uncertain_closure_on: datetime.date | None = None) -> Provenance:
    """The provenance of what `rule` says (no query)."""
    return Provenance(
        rule_code=rule.code,
        description=rule.description,
        source=rule.source,
        verified=rule.verified,
        verified_at=rule.verified_at,
        check=rule_check_text(rule),
        uncertain_closure_on=uncertain_closure_on,
    )


def deadline_provenance(deadline: Deadline) -> Provenance:
    """The provenance of a deadline (read `deadline.rule` joined: no query of its own then)."""
    return rule_provenance(deadline.rule, uncertain_closure_on=deadline.uncertain_closure_on)


# What "due" means. A payment by mail counts when it is received; a filing is made while the
# clerk's office is open on the last day, not at midnight; a hearing is at its hour.
MAIL_LEAD_DAYS = 7  # a recommended week for the post: advice, not a rule
RECEIVED_BY = "received_by"
FILE_BY = "file_by"
APPEAR_AT = "appear_at"


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class ClerkHours:
    """When a court's clerk's office takes filings on a day (from `ClerkOfficeHours`)."""

    office: str
    weekdays: str
    opens: datetime.time
    closes: datetime.time
    source: str
    uncertain: bool

    def days(self) -> str:
        """ "Mon-Fri" for a run of days, else "Mon, Wed" (English: feeds, packets, messages)."""
        digits = sorted(int(c) for c in self.weekdays)
        if len(digits) > 2 and digits == list(range(digits[0], digits[-1] + 1)):
            return f"{WEEKDAY_NAMES[digits[0]]}-{WEEKDAY_NAMES[digits[-1]]}"
        return ", ".join(WEEKDAY_NAMES[d] for d in digits)


class ClerkHoursTable:
    """Every clerk's office hours entry, read in one query (`clerk_hours_table()`)."""

    def __init__(self, rows: Iterable[tuple[str, ClerkHours]]) -> None:
        self.rows = list(rows)

    def on(self, court: str, day: datetime.date) -> ClerkHours | None:
        """The hours the court's clerk keeps on `day`'s weekday; the latest-opening, earliest-
        closing entry when several overlap (never advise a later hour than may hold); None when
        nothing is entered (say "check the clerk's hours", never guess)."""
        digit = str(day.weekday())
        found = [hours for row_court, hours in self.rows if row_court == court and digit in hours.weekdays]
        return min(found, key=lambda h: (h.closes, h.opens), default=None)


def clerk_hours_table() -> ClerkHoursTable:
    """The clerk's office hours as entered (one query; read once per batch of deadlines)."""
    rows = ClerkOfficeHours.objects.values_list("court", "office", "weekdays", "opens", "closes", "source", "uncertain")
    return ClerkHoursTable(
        (court, ClerkHours(office, weekdays, opens, closes, source, uncertain))
        for court, office, weekdays, opens, closes, source, uncertain in rows
    )


def deadline_court(deadline: Deadline) -> str:
    """The court a citation's filing goes to, as its due day was computed (the citation's
    jurisdiction, the event's place); "" for a deadline of no citation (a complaint is not filed
    at a court clerk's office). Reads `deadline.case.event` when joined, else
    `deadline.citation.case.event`: join one of them."""
    citation = deadline.citation
    if citation is None:
        return ""
    case = deadline.case if Deadline.case.is_cached(deadline) else citation.case
    return court_for(citation.jurisdiction, case.event.jurisdiction)


@dataclass(frozen=True)
class DueWording:
    code: str  # RECEIVED_BY, FILE_BY or APPEAR_AT
    mail_by: datetime.date | None = None  # recommended, for a payment sent by post
    hours: ClerkHours | None = None  # for a filing, when the caller looked them up

    def english(self, due_on: datetime.date) -> str:
        """The sentence for feeds, packets and messages (pages word it in the reader's language)."""
        if self.code == RECEIVED_BY and self.mail_by is not None:
            return (
                f"The payment must be received by {due_on:%Y-%m-%d}; mail it by {self.mail_by:%Y-%m-%d} (recommended)."
            )
        if self.code == FILE_BY and self.hours is not None:
            h = self.hours
            return (
                f"File by {h.closes:%H:%M} on {due_on:%Y-%m-%d} at the clerk's office, not at midnight "
                f"({h.office}; hours: {h.days()} {h.opens:%H:%M}-{h.closes:%H:%M}; source: {h.source}"
                + ("; not confirmed: check the clerk's hours)." if h.uncertain else ").")
            )
        if self.code == FILE_BY:
            return (
                f"File during the clerk's office hours on {due_on:%Y-%m-%d} at the latest, not at midnight: "
                "check the clerk's hours (none are entered for this court)."
            )
        return "Be there at the hearing's date and time."


def filing_hours(*, kind: str, due_on: datetime.date, court: str, table: ClerkHoursTable) -> ClerkHours | None:
    """The clerk's office hours a deadline of `kind` due on `due_on` at `court` is filed in; None
    for a payment (received by the day) or a hearing (at its hour), or when none are entered.
    `due_wording` and the API's `clerk_hours` both come from here."""
    if kind in (DeadlineKind.PAY_OR_DISPUTE, DeadlineKind.APPEAR):
        return None
    return table.on(court, due_on)


def due_wording(deadline: Deadline, *, clerk_hours: ClerkHoursTable | None = None) -> DueWording:
    """What the deadline's "due" means, from its kind (no query). Given `clerk_hours` (and
    `deadline.citation` joined), a filing carries the hours of its court's clerk on the last day."""
    if deadline.kind == DeadlineKind.PAY_OR_DISPUTE:
        return DueWording(RECEIVED_BY, deadline.due_on - datetime.timedelta(days=MAIL_LEAD_DAYS))
    if deadline.kind == DeadlineKind.APPEAR:
        return DueWording(APPEAR_AT)
    hours = None
    if clerk_hours is not None:
        hours = filing_hours(
            kind=deadline.kind, due_on=deadline.due_on, court=deadline_court(deadline), table=clerk_hours
        )
    return DueWording(FILE_BY, hours=hours)


# --- What each rule means for a citation ---------------------------------------------------


@dataclass(frozen=True)
class RuleBasis:
    """Which rules a citation's deadlines follow, and why: the track (`kind`) and jurisdiction
    the rules are matched against, and whether Pa.R.Crim.P. 1002 put them there (a summary
    citation recorded on the statewide track at a Philadelphia event follows the notice-to-appear
    track's rules: no 10-day plea, no warrant risk for not answering; the hearing on the notice
    to appear, with trial in absence, and the appeal window)."""

    kind: str
    jurisdiction: str
    rule_1002: bool


def rule_basis(*, kind: str, jurisdiction: str, place: str) -> RuleBasis:
    """The `RuleBasis` of a citation of this kind and jurisdiction at an event in `place` (a
    jurisdiction code; no query): the one place that says which track's rules a citation gets
    (the track from `lifecycle.governing_kind`)."""
    if rule_1002_applies(kind, jurisdiction=jurisdiction, place=place):
        track = governing_kind(kind, jurisdiction=jurisdiction, place=place)
        return RuleBasis(kind=track, jurisdiction=Jurisdiction.PHILADELPHIA, rule_1002=True)
    return RuleBasis(kind=kind, jurisdiction=jurisdiction, rule_1002=False)


def citation_rule_basis(citation: Citation, place: str) -> RuleBasis:
    return rule_basis(kind=citation.kind, jurisdiction=citation.jurisdiction, place=place)


def citation_rule_applies(rule: DeadlineRule, basis: RuleBasis) -> bool:
    """Whether `rule` applies to a citation with this `RuleBasis` (from `rule_basis`)."""
    return (
        rule.active
        and rule.trigger != DeadlineTrigger.INCIDENT
        and (not rule.citation_kind or rule.citation_kind == basis.kind)
        and rule_matches_jurisdiction(rule, basis.jurisdiction)
        and (rule.kind != DeadlineKind.APPEAL or track_for(basis.kind).appealable)
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


def citation_trigger(
    rule: DeadlineRule, citation: Citation, tz: ZoneInfo | None = None
) -> datetime.datetime | datetime.date | None:
    """What starts `rule`'s clock on `citation`, or None when nothing has yet. The appeal window
    (Pa.R.Crim.P. 460(A): "the entry of the guilty plea, the conviction, or other final order")
    runs from the earlier of a guilty plea's entry and a decision of guilty."""
    if rule.trigger == DeadlineTrigger.ISSUED:
        return citation.issued_at
    if rule.trigger == DeadlineTrigger.HEARING:
        return citation.hearing_at
    if rule.trigger == DeadlineTrigger.CONVICTED:
        starts: list[datetime.date] = []
        if citation.response == Response.GUILTY and citation.responded_at is not None and tz is not None:
            starts.append(local_date(citation.responded_at, tz))
        if citation.disposition == Disposition.GUILTY and citation.decided_on is not None:
            starts.append(citation.decided_on)
        return min(starts) if starts else None
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


# --- The appeal path of a citation -------------------------------------------------------

UNDECIDED_STATES = {CitationStatus.ISSUED, CitationStatus.ANSWERED, CitationStatus.HEARING_SCHEDULED}


@dataclass(frozen=True)
class AppealPath:
    """How a citation is appealed, as far as the tracker models it. `modelled` is False for a
    civil notice (the review decision's appeal is not modelled: check with the clerk).
    `absence_appeal_by`: a hearing has passed with no outcome recorded, so this may already be a
    conviction in absence (Pa.R.Crim.P. 1002(B)(1)(a)(ii)); the appeal rule's period counted from
    the hearing day, the earliest the window can have started, and not moved past a weekend or a
    closure: the earliest day it can end."""

    modelled: bool
    absence_appeal_by: datetime.date | None = None
    hearing_on: datetime.date | None = None
    rule: DeadlineRule | None = None


def may_be_convicted_in_absence(citation: Citation, *, tz: ZoneInfo, today: datetime.date) -> bool:
    """A hearing has passed and nothing was recorded after it (no query)."""
    return (
        track_for(citation.kind).appealable
        and citation.status in UNDECIDED_STATES
        and citation.hearing_at is not None
        and local_date(citation.hearing_at, tz) < today
    )


def appeal_path(
    citation: Citation,
    *,
    tz: ZoneInfo,
    today: datetime.date,
    place: str,
    rules: Iterable[DeadlineRule] | None = None,
) -> AppealPath:
    """The appeal path of `citation` (at an event in `place`) on `today` (reads the rules,
    unless given, only when a hearing has passed undecided)."""
    if not track_for(citation.kind).appealable:
        return AppealPath(modelled=False)
    if not may_be_convicted_in_absence(citation, tz=tz, today=today) or citation.hearing_at is None:
        return AppealPath(modelled=True)
    hearing_on = local_date(citation.hearing_at, tz)
    candidates = active_rules() if rules is None else list(rules)
    basis = citation_rule_basis(citation, place)
    appeal_rules = [
        rule
        for rule in candidates
        if rule.kind == DeadlineKind.APPEAL
        and rule.trigger == DeadlineTrigger.CONVICTED
        and citation_rule_applies(rule, basis)
    ]
    picked = pick_rules(appeal_rules, basis.jurisdiction)
    if not picked:
        return AppealPath(modelled=True, hearing_on=hearing_on)
    rule = picked[0]
    return AppealPath(
        modelled=True,
        absence_appeal_by=add_offset(hearing_on, rule.offset, rule.offset_unit),
        hearing_on=hearing_on,
        rule=rule,
    )


# Which rule applied and why, for a citation Rule 1002 governs (the API and the packets; the desk
# page words it in the reader's language).
RULE_1002_NOTE = gettext_lazy(
    "Pa.R.Crim.P. 1002 applied, not the statewide track this citation was recorded on: it arose in "
    "Philadelphia, where Rule 1002 replaces the 10-day plea with a notice to appear and a summary trial in "
    "Philadelphia Municipal Court. No 10-day answer deadline and no bench-warrant risk for not answering; the "
    "hearing on the notice to appear is the deadline (missing it means trial in absence, then 30 days to appeal)."
)


def rule_basis_note(basis: RuleBasis) -> str:
    """The sentence saying which rule applied and why ("" when the citation's own track did)."""
    return str(RULE_1002_NOTE) if basis.rule_1002 else ""


# Why a citation may carry a warrant risk the deadlines alone do not show (codes; pages word them).
RULE_1002_IN_PHILADELPHIA = "rule_1002"  # a statewide-track citation in Philadelphia: Rule 1002 applied
NON_PAYMENT_AFTER_NOTICE = "non_payment"  # convicted or pleaded guilty, money still owed: 430(B)(3)-(4)


def warrant_notes(citation: Citation, *, place: str, balance_due: Decimal) -> list[str]:
    """What the rules say beyond the deadline rows (no query): in Philadelphia a summary citation
    follows Pa.R.Crim.P. 1002 (a notice to appear, trial in absence) whatever track it was
    recorded on, so its deadlines were made by that rule, not the statewide 10-day answer
    (`rule_basis`: pages say which rule applied and why); and after a guilty plea or a
    conviction, unpaid fines after the court's 10-day notice can bring a bench warrant
    (Pa.R.Crim.P. 430(B)(3)-(4))."""
    notes = []
    if citation_rule_basis(citation, place).rule_1002:
        notes.append(RULE_1002_IN_PHILADELPHIA)
    convicted = citation.disposition == Disposition.GUILTY or citation.response == Response.GUILTY
    if convicted and balance_due > 0 and track_for(citation.kind).appealable:
        notes.append(NON_PAYMENT_AFTER_NOTICE)
    return notes


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


def preservation_dates(
    incident_at: datetime.datetime | datetime.date,
    *,
    tz: ZoneInfo,
    jurisdiction: str,
    retention_days: int,
    margin_business_days: int = 5,
) -> tuple[datetime.date, datetime.date]:
    """When records of an incident kept `retention_days` may first be deleted (the local incident
    day plus that many calendar days), and the day a preservation letter must be sent by:
    `margin_business_days` business days earlier (this jurisdiction's court calendar), so it
    arrives before the deletion. The send-by day is never before the incident."""
    start = local_date(incident_at, tz)
    deletion = start + datetime.timedelta(days=retention_days)
    send_by, left = deletion, margin_business_days
    calendar = court_calendar()  # read once, not once per day counted back
    while left > 0 and send_by > start:
        send_by -= datetime.timedelta(days=1)
        if is_business_day(send_by, jurisdiction, calendar=calendar):
            left -= 1
    return deletion, send_by


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


@dataclass(frozen=True)
class ForceClaimClock:
    """The civil-claim (§1983) clock of one person hurt at one incident: from the incident's
    local day, whether or not a complaint exists."""

    case_id: int
    incident_id: int
    force_on: datetime.date
    due_on: datetime.date
    rule: DeadlineRule

    def days_left(self, today: datetime.date) -> int:
        return (self.due_on - today).days


def civil_claim_clocks(
    *,
    case_ids: Iterable[int] | None = None,
    incident_ids: Iterable[int] | None = None,
    rules: Iterable[DeadlineRule] | None = None,
) -> list[ForceClaimClock]:
    """Every person affected at an incident where force was used (`Incident.people_affected`,
    an incident with force types) and their civil-claim deadline, for these cases or incidents
    (two queries: the people and incidents, the rules). Soonest first."""
    through = Incident.people_affected.through
    rows = through.objects.filter(incident__force_types__isnull=False)
    if case_ids is not None:
        rows = rows.filter(case_id__in=list(case_ids))
    if incident_ids is not None:
        rows = rows.filter(incident_id__in=list(incident_ids))
    found = rows.values_list(
        "case_id", "incident_id", "incident__occurred_at", "incident__event__time_zone", "incident__event__jurisdiction"
    ).distinct()
    candidates = civil_claim_rules() if rules is None else list(rules)
    clocks = []
    for case_id, incident_id, occurred_at, tz_name, jurisdiction in found:
        tz = ZoneInfo(tz_name)
        claim = civil_claim_deadline(occurred_at, tz=tz, jurisdiction=jurisdiction, rules=candidates)
        if claim is not None:
            clocks.append(ForceClaimClock(case_id, incident_id, local_date(occurred_at, tz), claim.due_on, claim.rule))
    return sorted(clocks, key=lambda c: (c.due_on, c.case_id, c.incident_id))


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
            ["kind", "due_on", "due_at", "status", "warrant_risk", "resolved_at", "case", "uncertain_closure_on"],
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
    calendar: CourtCalendar | None = None,
) -> tuple[int, int]:
    """(Re)compute every deadline of these citations; returns (created, updated). Five queries
    at most, however many citations: rules, the court calendar, events, existing deadlines,
    writes (rules and calendar can be passed in, read once for many batches)."""
    if not citations:
        return 0, 0
    now = now or timezone.now()
    rules = active_rules() if rules is None else rules
    places = _tz_and_jurisdiction_by_case(c.case_id for c in citations)
    calendar = calendar or court_calendar()
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for citation in citations:
        tz, event_jurisdiction = places[citation.case_id]
        basis = citation_rule_basis(citation, event_jurisdiction)
        applicable = (rule for rule in rules if citation_rule_applies(rule, basis))
        for rule in pick_rules(applicable, basis.jurisdiction):
            trigger = citation_trigger(rule, citation, tz)
            if trigger is None:
                continue
            due = compute_due_detail(
                rule=rule,
                trigger=trigger,
                tz=tz,
                jurisdiction=citation.jurisdiction,
                place=event_jurisdiction,
                calendar=calendar,
            )
            due_on, due_at = due.due_on, due.due_at
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
                "uncertain_closure_on": due.uncertain_closure_on,
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
    clock, else the day force was used as given on the complaint (`ComplaintForceDate`). With
    neither, a civil-claim deadline is not made (the desk asks for the day: never counted from
    when the complaint was entered); other complaint windows count from the complaint's creation."""
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
    force_days = dict(
        ComplaintForceDate.objects.filter(complaint_id__in=ids).values_list("complaint_id", "force_used_on")
    )
    civil_filed = set(
        ExcessiveForceComplaint.objects.filter(
            case_id__in={c.case_id for c in complaints}, forum=ComplaintForum.CIVIL_SUIT, filed_on__isnull=False
        ).values_list("case_id", flat=True)
    )
    calendar = court_calendar()
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for complaint in complaints:
        tz, jurisdiction = places[complaint.case_id]
        force_on: datetime.datetime | datetime.date | None = earliest.get(complaint.pk) or force_days.get(complaint.pk)
        applicable = (rule for rule in rules if complaint_rule_applies(rule, complaint, jurisdiction))
        for rule in pick_rules(applicable, jurisdiction):
            trigger = force_on if force_on is not None else complaint.created_at
            if force_on is None and rule.kind == DeadlineKind.CIVIL_CLAIM:
                continue  # the day force was used is not known yet: asked for, never guessed
            due = compute_due_detail(rule=rule, trigger=trigger, tz=tz, jurisdiction=jurisdiction, calendar=calendar)
            due_on, due_at = due.due_on, due.due_at
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
                "uncertain_closure_on": due.uncertain_closure_on,
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


def sync_citations_in_batches(citations: Any, *, chunk: int = 2000) -> tuple[int, int]:
    """Recompute the deadlines of every citation of a queryset, `chunk` at a time (after a change
    of how rules are chosen, such as Rule 1002 for statewide-track citations in Philadelphia)."""
    created = updated = 0
    for batch in _chunks(citations.order_by("pk"), chunk):
        c, u = sync_citation_deadlines(batch)
        created, updated = created + c, updated + u
    return created, updated


def sync_court_day_deadlines(day: datetime.date, *, chunk: int = 2000) -> tuple[int, int]:
    """After a court closure on `day` was added, changed or removed: recompute every citation and
    complaint with a deadline that may have landed on it or rolled past it (a roll crosses at most
    a weekend and a few closures, so the deadlines due from that day to ten days later)."""
    window = (day, day + datetime.timedelta(days=10))
    created = updated = 0
    complaints = ExcessiveForceComplaint.objects.filter(deadlines__due_on__range=window).distinct().order_by("pk")
    for batch in _chunks(complaints, chunk):
        c, u = sync_complaint_deadlines(batch)
        created, updated = created + c, updated + u
    citations = Citation.objects.filter(deadlines__due_on__range=window).distinct().order_by("pk")
    for batch in _chunks(citations, chunk):
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
