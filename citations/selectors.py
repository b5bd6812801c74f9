"""Reads: balances, deadlines due and overdue, hearing dockets. Every list is scoped through
citations.access and issues a fixed number of queries however many rows it returns.

Callers that show names (the hearing docket) record the read in the audit trail themselves.

Public API (kept stable for the API, pages and packets):
- citation_balance(citation) -> Balance
- citations_with_money(queryset) -> queryset annotated with paid_total and refunded_total
- deadlines_due(user, within_days, today=None, kind=None, event=None, lawyer=None) -> QuerySet[Deadline]
- deadlines_overdue(user, today=None, kind=None, event=None, lawyer=None) -> QuerySet[Deadline]
- deadline_list(user, status=None, kind=None, event=None, lawyer=None, due_from=None, due_to=None)
- deadlines_in_pages(queryset, size=DEADLINE_PAGE_SIZE) -> Iterator[list[Deadline]]
- hearing_docket(user, date, courtroom=None, case_ids=None) -> list[DocketEntry]
- hearing_docket_cases(user, date, courtroom=None) -> the docket's case ids, in order (for pages)
- next_hearing_day(user, on_or_after, courtroom=None) -> the first day from then with a hearing
- citations_issued_between(user, event, kind, issued_from, issued_to) -> QuerySet[Citation]
- deadline_rule_list() -> QuerySet[DeadlineRule]  (every rule with its reviews; not personal)
- court_closure_list(court=None, year=None) -> QuerySet[CourtClosure]  (the court calendar; not personal)
- clerk_hours_list() -> QuerySet[ClerkOfficeHours]  (the clerk's office hours per court; not personal)
- case_timeline(case, arrests, citations, incidents, complaints, statements) -> list[TimelineEntry]
  (the desk's case page and the case packet show this one timeline)
- cases_with_next_deadline(cases) -> cases annotated with their next open (or missed) deadline
- case_search(cases, text) -> the cases whose number, a citation's number or docket number, or
  the person's name (blind index) is `text`
- audit_entry_records(user, entries) -> the case (and citation) each audit entry's record is, by
  entry, for the audit trail's links (one query for a page)
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    UUIDField,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import case_list_visible_to
from cases.models import Arrest, AuditEntry, Case, Event, ExcessiveForceComplaint, Incident, WitnessStatement
from cases.selectors import person_named
from cases.types import AnyUser, User
from citations.access import citation_list_visible_to, deadline_list_visible_to
from citations.lifecycle import NOTHING_OWED
from citations.models import (
    Citation,
    ClerkOfficeHours,
    CourtClosure,
    Deadline,
    DeadlineRule,
    DeadlineStatus,
    Payment,
    PaymentKind,
    RuleReview,
)
from core.formatting import money

ZERO = Decimal("0.00")
OPENISH = (DeadlineStatus.OPEN, DeadlineStatus.MISSED)


# --- money -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """A citation's money, exact to the cent. `owed` is what it costs now: nothing once it was
    dismissed, withdrawn, waived or ended in not guilty (collateral is then owed back)."""

    owed: Decimal
    paid: Decimal
    refunded: Decimal
    net: Decimal
    balance_due: Decimal
    refund_due: Decimal
    by_payer: dict[str, Decimal] = field(default_factory=dict)


def payer_totals(citation_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Net paid per citation and payer (payments minus refunds), in one query."""
    totals: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        Payment.objects.filter(citation_id__in=citation_ids)
        .values("citation_id", "payer")
        .annotate(
            paid=Coalesce(Sum("amount", filter=Q(kind=PaymentKind.PAYMENT)), Value(ZERO)),
            refunded=Coalesce(Sum("amount", filter=Q(kind=PaymentKind.REFUND)), Value(ZERO)),
        )
        .order_by()
    )
    for row in rows:
        totals[row["citation_id"]][row["payer"]] = Decimal(row["paid"]) - Decimal(row["refunded"])
    return dict(totals)


@dataclass(frozen=True)
class RefundOwed:
    citation: Citation
    payer: str
    amount: Decimal


def refunds_owed(citation: Citation, *, owed: Decimal, paid: dict[str, Decimal]) -> list[RefundOwed]:
    """What was paid beyond what is now owed (`paid`: net per payer, from payer_totals), owed
    back to the largest contributors first."""
    refunds: list[RefundOwed] = []
    excess = sum(paid.values(), Decimal("0.00")) - owed
    for payer, net in sorted(paid.items(), key=lambda item: item[1], reverse=True):
        if excess <= 0:
            break
        back = min(net, excess)
        if back > 0:
            refunds.append(RefundOwed(citation=citation, payer=payer, amount=back.quantize(Decimal("0.01"))))
            excess -= back
    return refunds


def _balance(citation: Citation, paid: Decimal, refunded: Decimal, by_payer: dict[str, Decimal]) -> Balance:
    return balance_from(
        disposition=citation.disposition,
        fine=citation.fine,
        costs=citation.costs,
        paid=paid,
        refunded=refunded,
        by_payer=by_payer,
    )


def balance_from(
    *,
    disposition: str,
    fine: Decimal,
    costs: Decimal,
    paid: Decimal,
    refunded: Decimal,
    by_payer: dict[str, Decimal] | None = None,
) -> Balance:
    """What is owed, paid, refunded and due, from a citation's amounts and decision and its
    payment totals (the one rule for every balance shown)."""
    owed = ZERO if disposition in NOTHING_OWED else (fine + costs)
    net = paid - refunded
    return Balance(
        owed=owed,
        paid=paid,
        refunded=refunded,
        net=net,
        balance_due=max(owed - net, ZERO),
        refund_due=max(net - owed, ZERO),
        by_payer=by_payer if by_payer is not None else {},
    )


def citation_balance(*, citation: Citation) -> Balance:
    """What is owed, paid, refunded and due on one citation (one query)."""
    paid = refunded = ZERO
    by_payer: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        Payment.objects.filter(citation_id=citation.pk)
        .values("payer", "kind")
        .annotate(total=Coalesce(Sum("amount"), Value(ZERO)))
        .order_by()
    )
    for row in rows:
        amount = Decimal(row["total"])
        if row["kind"] == PaymentKind.PAYMENT:
            paid += amount
            by_payer[row["payer"]] += amount
        else:
            refunded += amount
            by_payer[row["payer"]] -= amount
    return _balance(citation, paid, refunded, dict(by_payer))


def citations_with_money(queryset: QuerySet[Citation]) -> QuerySet[Citation]:
    """Annotate `paid_total` and `refunded_total` as subqueries (no per-row queries, and no
    join that would multiply other annotations); `balance_of(citation)` makes it a Balance."""

    def total(kind: str) -> Coalesce:
        sums = (
            Payment.objects.filter(citation=OuterRef("pk"), kind=kind)
            .order_by()
            .values("citation")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return Coalesce(Subquery(sums, output_field=DecimalField(max_digits=12, decimal_places=2)), Value(ZERO))

    return queryset.annotate(paid_total=total(PaymentKind.PAYMENT), refunded_total=total(PaymentKind.REFUND))


def balance_of(citation: Citation) -> Balance:
    return _balance(citation, Decimal(citation.paid_total), Decimal(citation.refunded_total), {})  # type: ignore[attr-defined]  # annotated by citations_with_money


def refunds_owed_for(*, user: AnyUser, event: Event) -> list[RefundOwed]:
    """Every refund still owed on the event's citations in the user's scope (e.g. after a mass
    waiver), per citation and payer, by case and citation number. Three queries."""
    rows = list(
        citations_with_money(
            citation_list_visible_to(user=user).filter(
                case__event=event, pk__in=Payment.objects.filter(kind=PaymentKind.PAYMENT).values("citation_id")
            )
        )
        .select_related("case")
        .order_by("case__number", "number", "pk")
    )
    owing = [(citation, balance) for citation in rows if (balance := balance_of(citation)).refund_due > 0]
    totals = payer_totals([citation.pk for citation, _balance in owing])
    return [
        refund
        for citation, balance in owing
        for refund in refunds_owed(citation, owed=balance.owed, paid=totals.get(citation.pk, {}))
    ]


# --- deadlines ---------------------------------------------------------------------------


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _filtered(
    queryset: QuerySet[Deadline], *, kind: str | None, event: Event | None, lawyer: User | None
) -> QuerySet[Deadline]:
    if kind:
        queryset = queryset.filter(kind=kind)
    if event is not None:
        queryset = queryset.filter(case__event=event)
    if lawyer is not None:
        queryset = queryset.filter(case__lawyers=lawyer)
    return queryset.prefetch_related("case__lawyers")


def deadlines_due(
    *,
    user: AnyUser,
    within_days: int,
    today: datetime.date | None = None,
    kind: str | None = None,
    event: Event | None = None,
    lawyer: User | None = None,
) -> QuerySet[Deadline]:
    """Open deadlines whose last day is today or within the next `within_days` days, soonest
    first: a lawyer's own cases, every case for a coordinator, nothing for other roles. Two
    queries (deadlines joined to case, event, rule, citation, complaint; then lawyers)."""
    today = _today(today)
    queryset = deadline_list_visible_to(user=user).filter(
        status=DeadlineStatus.OPEN,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=max(int(within_days), 0)),
    )
    return _filtered(queryset, kind=kind, event=event, lawyer=lawyer).order_by("due_at", "id")


def deadlines_overdue(
    *,
    user: AnyUser,
    today: datetime.date | None = None,
    kind: str | None = None,
    event: Event | None = None,
    lawyer: User | None = None,
) -> QuerySet[Deadline]:
    """Deadlines whose last day has passed with nothing recorded (open or marked missed)."""
    queryset = deadline_list_visible_to(user=user).filter(status__in=OPENISH, due_on__lt=_today(today))
    return _filtered(queryset, kind=kind, event=event, lawyer=lawyer).order_by("due_at", "id")


def deadline_list(
    *,
    user: AnyUser,
    status: str | None = None,
    kind: str | None = None,
    event: Event | None = None,
    lawyer: User | None = None,
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
) -> QuerySet[Deadline]:
    """Deadlines by status, kind, event, lawyer and due-date range (every filter optional)."""
    queryset = deadline_list_visible_to(user=user)
    if status:
        queryset = queryset.filter(status=status)
    if due_from:
        queryset = queryset.filter(due_on__gte=due_from)
    if due_to:
        queryset = queryset.filter(due_on__lte=due_to)
    return _filtered(queryset, kind=kind, event=event, lawyer=lawyer).order_by("due_at", "id")


DEADLINE_PAGE_SIZE = 500


def deadlines_in_pages(queryset: QuerySet[Deadline], *, size: int = DEADLINE_PAGE_SIZE) -> Iterator[list[Deadline]]:
    """Every deadline of `queryset` (one of the lists above), soonest first, `size` at a time.

    For a caller that must go through all of them (a feed, a reminder sweep): each page is a
    fresh keyset query on (due_at, id), so it costs the queryset's own queries (2 for
    deadlines_due: the joined rows, then their lawyers) whatever the total, holds no cursor open
    between pages, and neither skips nor repeats a row when many share a due time (every deadline
    on a day is due at 23:59:59). Pages, not offsets: page 200 costs what page 1 costs."""
    ordered = queryset.order_by("due_at", "id")
    after: tuple[datetime.datetime, int] | None = None
    while True:
        page_qs = ordered
        if after is not None:
            page_qs = ordered.filter(Q(due_at__gt=after[0]) | Q(due_at=after[0], id__gt=after[1]))
        page = list(page_qs[:size])
        if page:
            yield page
        if len(page) < size:
            return
        after = (page[-1].due_at, page[-1].pk)


def deadline_title(deadline: Deadline) -> str:
    """'2026-0042 · Respond to the citation (plea)': case number and kind, never a name."""
    title = f"{deadline.case.number} · {deadline.get_kind_display()}"
    if deadline.warrant_risk:
        title += f" ({_('warrant risk')})"
    return title


# --- hearing docket ----------------------------------------------------------------------


@dataclass
class DocketEntry:
    """One defendant on a hearing docket. `name` is personal data: audit the read."""

    case_number: str
    case_public_id: Any
    name: str
    lawyers: list[str]
    citations: list[Citation]
    hearing_at: datetime.datetime
    courtroom: str


def _hearings_on(*, user: AnyUser, date: datetime.date, courtroom: str | None, tz: str | None) -> QuerySet[Citation]:
    zone = ZoneInfo(tz or settings.TIME_ZONE)
    start = datetime.datetime.combine(date, datetime.time.min, tzinfo=zone)
    queryset = citation_list_visible_to(user=user).filter(
        hearing_at__gte=start, hearing_at__lt=start + datetime.timedelta(days=1)
    )
    return queryset.filter(courtroom=courtroom) if courtroom else queryset


def hearing_docket_cases(
    *, user: AnyUser, date: datetime.date, courtroom: str | None = None, tz: str | None = None
) -> list[int]:
    """The ids of the cases with a hearing on `date` (as `hearing_docket` takes them), in the
    docket's order (first hearing of the day, then case number): a page of a long day's docket
    is a slice of these, read with `hearing_docket(..., case_ids=...)`. One query of ids."""
    rows = (
        _hearings_on(user=user, date=date, courtroom=courtroom, tz=tz)
        .order_by()
        .values("case_id", "case__number")
        .annotate(first=Min("hearing_at"))
        .order_by("first", "case__number")
    )
    return [row["case_id"] for row in rows]


def hearing_docket(
    *,
    user: AnyUser,
    date: datetime.date,
    courtroom: str | None = None,
    tz: str | None = None,
    case_ids: list[int] | None = None,
) -> list[DocketEntry]:
    """Everyone with a hearing on `date` (in `tz`, default the site's zone), optionally in one
    courtroom and only for `case_ids`: each defendant's display name, citations with their plea,
    and assigned lawyers, ordered by time and courtroom. Two queries, however long the docket."""
    queryset = _hearings_on(user=user, date=date, courtroom=None, tz=tz)
    if case_ids is not None:
        queryset = queryset.filter(case_id__in=case_ids)
    queryset = (
        queryset.select_related("case__demonstrator", "case__event")  # the event: which rules applied
        .prefetch_related(Prefetch("case__lawyers"))
        .order_by("hearing_at", "courtroom", "case__number", "number")
    )
    if courtroom:
        queryset = queryset.filter(courtroom=courtroom)
    entries: dict[tuple[int, datetime.datetime, str], DocketEntry] = {}
    for citation in queryset:
        case, hearing_at = citation.case, citation.hearing_at
        if hearing_at is None:  # never: the query asks for a hearing on the day
            continue
        key = (case.pk, hearing_at, citation.courtroom)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = DocketEntry(
                case_number=case.number,
                case_public_id=case.public_id,
                name=case.demonstrator.display_name,
                lawyers=[lawyer.get_full_name() or lawyer.username for lawyer in case.lawyers.all()],
                citations=[],
                hearing_at=hearing_at,
                courtroom=citation.courtroom,
            )
        entry.citations.append(citation)
    return list(entries.values())


def next_hearing_day(
    *, user: AnyUser, on_or_after: datetime.date, courtroom: str | None = None, tz: str | None = None
) -> datetime.date | None:
    """The first day from `on_or_after` (in `tz`, default the site's zone) on which one of the
    citations `user` may see has a hearing (in `courtroom`, when given), or None. One query."""
    zone = ZoneInfo(tz or settings.TIME_ZONE)
    start = datetime.datetime.combine(on_or_after, datetime.time.min, tzinfo=zone)
    queryset = citation_list_visible_to(user=user).filter(hearing_at__gte=start)
    if courtroom:
        queryset = queryset.filter(courtroom=courtroom)
    first = queryset.order_by("hearing_at").values_list("hearing_at", flat=True).first()
    return first.astimezone(zone).date() if first is not None else None


# --- picking citations for a mass disposition --------------------------------------------


def citations_issued_between(
    *,
    user: AnyUser,
    issued_from: datetime.datetime,
    issued_to: datetime.datetime,
    event: Event | None = None,
    kind: str | None = None,
) -> QuerySet[Citation]:
    """Citations (in the user's scope) issued in [issued_from, issued_to), e.g. every code
    violation notice of an event issued between two dates."""
    queryset = citation_list_visible_to(user=user).filter(issued_at__gte=issued_from, issued_at__lt=issued_to)
    if event is not None:
        queryset = queryset.filter(case__event=event)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def citations_for_mass_disposition(
    *, user: AnyUser, event: Event, kind: str, issued_from: datetime.date, issued_to: datetime.date
) -> QuerySet[Citation]:
    """The citations a mass disposition picks: one event's citations of one kind issued between
    two days of the event's calendar, both included (the page's, the API's and the command's filter)."""
    zone = ZoneInfo(event.time_zone)
    start = datetime.datetime.combine(issued_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(issued_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return citations_issued_between(user=user, issued_from=start, issued_to=end, event=event, kind=kind)


# --- the case timeline --------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened in a case. `at` is aware and in the event's time zone; a fact
    known only by its day (a decision, a payment, a filing) is at the start of that day there,
    with `dated_only` set so that no time is shown for it."""

    at: datetime.datetime
    dated_only: bool
    kind: str
    text: str


def _entry(tz: ZoneInfo, value: datetime.datetime | datetime.date, kind: str, text: str) -> TimelineEntry:
    if isinstance(value, datetime.datetime):
        return TimelineEntry(at=value.astimezone(tz), dated_only=False, kind=kind, text=text)
    start = datetime.datetime.combine(value, datetime.time.min, tzinfo=tz)
    return TimelineEntry(at=start, dated_only=True, kind=kind, text=text)


def _arrest_entries(arrest: Arrest, tz: ZoneInfo) -> Iterator[TimelineEntry]:
    text = _("Arrested at %(place)s") % {"place": arrest.place} if arrest.place else _("Arrested")
    yield _entry(tz, arrest.arrested_at, _("Arrest"), text)
    if arrest.released_at:
        yield _entry(tz, arrest.released_at, _("Arrest"), _("Released"))


def _citation_entries(citation: Citation, tz: ZoneInfo) -> Iterator[TimelineEntry]:
    number = citation.number
    parts = (citation.offense_code, citation.offense_subsection, citation.display_offense_description)
    offense = " ".join(part for part in parts if part)
    issued = _("Citation %(number)s issued: %(offense)s") % {"number": number, "offense": offense}
    yield _entry(tz, citation.issued_at, _("Citation"), issued)
    if citation.responded_at:
        response = citation.get_response_display()
        text = _("Citation %(number)s: %(response)s") % {"number": number, "response": response}
        yield _entry(tz, citation.responded_at, _("Citation"), text)
    if citation.hearing_at:
        if citation.courtroom:
            values = {"number": number, "room": citation.courtroom}
            text = _("Hearing on citation %(number)s, courtroom %(room)s") % values
        else:
            text = _("Hearing on citation %(number)s") % {"number": number}
        yield _entry(tz, citation.hearing_at, _("Hearing"), text)
    if citation.decided_on:
        disposition = citation.get_disposition_display()
        text = _("Citation %(number)s: %(disposition)s") % {"number": number, "disposition": disposition}
        yield _entry(tz, citation.decided_on, _("Decision"), text)
    for payment in citation.payments.all():
        values = {
            "kind": payment.get_kind_display(),
            "amount": money(payment.amount),
            "number": number,
            "payer": payment.get_payer_display(),
        }
        text = _("%(kind)s of %(amount)s on citation %(number)s, by %(payer)s") % values
        yield _entry(tz, payment.paid_on, _("Payment"), text)


def _complaint_entries(complaint: ExcessiveForceComplaint, tz: ZoneInfo) -> Iterator[TimelineEntry]:
    forum = complaint.get_forum_display()
    opened = _("%(forum)s complaint opened (draft)") % {"forum": forum}
    yield _entry(tz, complaint.created_at, _("Complaint"), opened)
    if complaint.filed_on:
        values = {
            "forum": forum,
            "reference": complaint.reference_number,
            "status": complaint.get_status_display(),
            "outcome": complaint.get_outcome_display(),
        }
        if complaint.reference_number:
            text = _("%(forum)s complaint filed, reference %(reference)s; status %(status)s, outcome %(outcome)s")
        else:
            text = _("%(forum)s complaint filed; status %(status)s, outcome %(outcome)s")
        yield _entry(tz, complaint.filed_on, _("Complaint"), text % values)


def case_timeline(
    *,
    case: Case,
    arrests: Iterable[Arrest],
    citations: Iterable[Citation],
    incidents: Iterable[Incident],
    complaints: Iterable[ExcessiveForceComplaint],
    statements: Iterable[WitnessStatement],
) -> list[TimelineEntry]:
    """Everything that happened in the case, oldest first, in its event's time zone: the one
    timeline the desk's case page and the case packet show. Built from rows the caller has
    already read in its own scope (citations with their payments prefetched): no queries."""
    tz = ZoneInfo(case.event.time_zone)
    entries: list[TimelineEntry] = []
    for arrest in arrests:
        entries.extend(_arrest_entries(arrest, tz))
    for citation in citations:
        entries.extend(_citation_entries(citation, tz))
    for incident in incidents:
        values = {"ref": incident.public_id.hex[:8], "place": incident.place}
        entries.append(
            _entry(tz, incident.occurred_at, _("Observer report"), _("Incident %(ref)s at %(place)s") % values)
        )
    for complaint in complaints:
        entries.extend(_complaint_entries(complaint, tz))
    for statement in statements:
        witness = _("Anonymous witness") if statement.anonymous else statement.witness_name
        text = _("Statement taken from %(witness)s") % {"witness": witness}
        entries.append(_entry(tz, statement.taken_at, _("Statement"), text))
    return sorted(entries, key=lambda e: (e.at, e.kind, e.text))


# --- the case lists: what is next, and finding a case ----------------------------------------

NEXT_DEADLINE_STATUSES = (DeadlineStatus.OPEN, DeadlineStatus.MISSED)


def _next_deadline(field: str) -> Subquery:
    return Subquery(
        Deadline.objects.filter(case=OuterRef("pk"), status__in=NEXT_DEADLINE_STATUSES)
        .order_by("due_at", "id")
        .values(field)[:1]
    )


def cases_with_next_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` with their next open or missed deadline (`next_due_on`, `next_due_kind`,
    `next_due_warrant`) and how many citations each has (`citation_count`), for the case lists;
    `next_deadline_order` sorts them next deadline first, cases without one last."""
    citations = (
        Citation.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk")).values("n")
    )
    return cases.annotate(
        next_due_on=_next_deadline("due_on"),
        next_due_kind=_next_deadline("kind"),
        next_due_warrant=_next_deadline("warrant_risk"),
        citation_count=Coalesce(Subquery(citations), Value(0)),
    )


def next_deadline_order(*, descending: bool = False) -> list[Any]:
    """The case lists' default order: the nearest deadline first, cases without one last (on
    every database: SQLite puts NULLs first by default), then the newest case."""
    due = F("next_due_on").desc(nulls_last=True) if descending else F("next_due_on").asc(nulls_last=True)
    return [due, "-opened_on", "-id"]


def case_search(cases: QuerySet[Case], *, text: str) -> QuerySet[Case]:
    """The cases among `cases` whose number, one of whose citations' number or docket number
    (ignoring case), or whose person's legal or preferred name (exactly, through the blind
    indexes) is `text`. The caller records the search in the audit trail (never the text)."""
    text = " ".join(text.split())
    if not text:
        return cases
    citation = Citation.objects.filter(case=OuterRef("pk")).filter(
        Q(number__iexact=text) | Q(docket_number__iexact=text)
    )
    return cases.filter(Q(number__iexact=text) | Exists(citation) | person_named(text, via="demonstrator"))


def court_closure_list(*, court: str | None = None, year: int | None = None) -> QuerySet[CourtClosure]:
    """The courts' closures, by court and day, with who entered each (one query)."""
    closures = CourtClosure.objects.select_related("entered_by").order_by("court", "day")
    if court:
        closures = closures.filter(court=court)
    if year:
        closures = closures.filter(day__year=year)
    return closures


def clerk_hours_list() -> QuerySet[ClerkOfficeHours]:
    """Every clerk's office hours entry, by court, with who entered it (one query)."""
    return ClerkOfficeHours.objects.select_related("entered_by").order_by("court", "weekdays", "opens", "id")


# --- the audit trail's records ----------------------------------------------------------------

AUDIT_CASE = "cases.case"
AUDIT_CITATION = "citations.citation"


@dataclass(frozen=True)
class AuditRecord:
    """What an audit entry's record is, in the words of the desk: a case number (and a citation
    number), with the ids the pages link to."""

    case_number: str
    case_id: uuid.UUID
    citation_number: str = ""
    citation_id: uuid.UUID | None = None


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def audit_entry_records(*, user: AnyUser, entries: Iterable[AuditEntry]) -> dict[int, AuditRecord]:
    """Each entry whose record is a case or a citation `user` may see, keyed by the entry's pk,
    resolved in one query (the cases and the citations in one UNION), whatever the page size.
    Other records (accounts, evidence, events) are left to the page to show by type."""
    wanted: dict[str, set[uuid.UUID]] = {AUDIT_CASE: set(), AUDIT_CITATION: set()}
    entries = list(entries)
    for entry in entries:
        if entry.target_type in wanted and (value := _uuid_or_none(entry.target_id)) is not None:
            wanted[entry.target_type].add(value)
    if not any(wanted.values()):
        return {}
    no_citation = Value(None, output_field=UUIDField())
    cases = (
        case_list_visible_to(user=user)
        .filter(public_id__in=wanted[AUDIT_CASE])
        .annotate(citation_id=no_citation, citation_number=Value(""))
        .values_list("public_id", "number", "citation_id", "citation_number")
        .order_by()
    )
    citations = (
        citation_list_visible_to(user=user)
        .filter(public_id__in=wanted[AUDIT_CITATION])
        .values_list("case__public_id", "case__number", "public_id", "number")
        .order_by()
    )
    found: dict[tuple[str, uuid.UUID], AuditRecord] = {}
    for case_id, case_number, citation_id, citation_number in cases.union(citations, all=True):
        case_id, citation_id = _as_uuid(case_id), _as_uuid(citation_id)
        if citation_id is None:
            found[(AUDIT_CASE, case_id)] = AuditRecord(case_number=case_number, case_id=case_id)
        else:
            found[(AUDIT_CITATION, citation_id)] = AuditRecord(
                case_number=case_number, case_id=case_id, citation_number=citation_number, citation_id=citation_id
            )
    records = {}
    for entry in entries:
        key = (entry.target_type, _uuid_or_none(entry.target_id) or uuid.UUID(int=0))
        if key in found:
            records[entry.pk] = found[key]
    return records


def _as_uuid(value: Any) -> Any:
    """A UUID from a UNION's column (SQLite hands back the stored hex text for the annotated one)."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def deadline_rule_list() -> QuerySet[DeadlineRule]:
    """Every deadline rule, active first, with its reviews newest first (two queries)."""
    reviews = RuleReview.objects.order_by("-reviewed_at", "-id")
    return DeadlineRule.objects.order_by("-active", "code").prefetch_related(Prefetch("reviews", queryset=reviews))
