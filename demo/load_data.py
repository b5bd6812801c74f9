"""A synthetic mass-arrest data set for load tests and benchmarks (`generate_load_data`).

A month of protests: a handful of events, ten thousand demonstrators, fifty thousand citations on
the three Philadelphia tracks, a hundred thousand observer reports, a few hundred officers whose
sightings follow a long tail, complaints for about 5% of cases, payments and refunds.

Everything is written with `bulk_create` in batches inside one transaction. Personal fields are
encrypted and blind indexes computed once per row as Django prepares each insert (the encrypted
fields' `get_prep_value` and `BlindIndexField.pre_save`, which `bulk_create` calls per row), so
the rows are exactly what the services would have stored. Every value is invented: names come
from short lists, phones from the 555 range, e-mails from example.org. Same seed and anchor
date, same data.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import models, transaction

from cases.models import (
    Arrest,
    ArrestSeen,
    BadgeStatus,
    Case,
    CaseNumberSequence,
    CaseStatus,
    ComplaintForum,
    ComplaintOutcome,
    ComplaintStatus,
    Conduct,
    CustodyStatus,
    Demonstrator,
    Event,
    ExcessiveForceComplaint,
    ForceType,
    Incident,
    IncidentOfficer,
    Jurisdiction,
    Officer,
    Payer,
    User,
    WitnessStatement,
    YesNoUnknown,
    local_date,
)
from citations.deadlines import active_rules, sync_citation_deadlines, sync_complaint_deadlines
from citations.models import Citation, CitationKind, CitationStatus, Disposition, Payment, PaymentKind, Response
from claims.models import Allegation, Finding, OversightBody
from demo.vocabulary import FIRST_NAMES, LAST_NAMES, PLACES, UNITS

M = TypeVar("M", bound=models.Model)
FINDING_OF_OUTCOME: dict[str, str] = {
    ComplaintOutcome.SUSTAINED: Finding.SUSTAINED,
    ComplaintOutcome.NOT_SUSTAINED: Finding.NOT_SUSTAINED,
    ComplaintOutcome.UNFOUNDED: Finding.UNFOUNDED,
    ComplaintOutcome.EXONERATED: Finding.EXONERATED,
}

USERNAME_PREFIX = "load-"
EVENT_PREFIX = "Load test: "
BATCH_SIZE = 2000
TZ = ZoneInfo("America/New_York")

OFFENSES = {
    CitationKind.PHL_CVN: [
        ("Phila. Code § 10-611", "(1)(a)", "Obstruction of highways and other public passages", "50.00"),
        ("Phila. Code § 10-304", "", "Curfew", "25.00"),
    ],
    CitationKind.PA_SUMMARY: [
        ("18 Pa.C.S. § 5502", "", "Failure to disperse upon official order", "100.00"),
        ("18 Pa.C.S. § 5503", "(a)(4)", "Disorderly conduct: hazardous or physically offensive condition", "150.00"),
    ],
    CitationKind.PHL_SUMMARY_NTA: [
        ("18 Pa.C.S. § 5507", "", "Obstructing highways and other public passages", "100.00"),
        ("18 Pa.C.S. § 5502", "", "Failure to disperse upon official order", "100.00"),
    ],
}
JURISDICTION = {
    CitationKind.PHL_CVN: Jurisdiction.PHILADELPHIA,
    CitationKind.PA_SUMMARY: Jurisdiction.PENNSYLVANIA,
    CitationKind.PHL_SUMMARY_NTA: Jurisdiction.PHILADELPHIA,
}
NARRATIVES = [
    "Line of bike officers pushed the crowd back onto the sidewalk.",
    "Dispersal order given once from a vehicle; most people could not hear it.",
    "Person sitting on the street was lifted and carried to the van.",
    "Officer used a bicycle to shove people at the front of the march.",
    "Kettled for about forty minutes at the corner; no exit offered.",
    "Pepper spray used on people filming from the curb.",
    "Arrests made quickly after the warning; several people zip-tied.",
    "Officers removed tents and personal belongings from the encampment.",
]


@dataclass(frozen=True)
class LoadSizes:
    people: int = 10_000
    citations: int = 50_000
    incidents: int = 100_000
    events: int = 6
    officers: int = 400
    observers: int = 300
    lawyers: int = 150
    complaint_share: float = 0.05


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


class LoadDataPresent(Exception):
    """The database already holds a generated data set."""


def _batched(items: Iterable[M], size: int) -> Iterator[list[M]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _bulk(model: type[M], rows: Iterable[M], *, batch_size: int = BATCH_SIZE) -> list[M]:
    """Insert in batches; returns the rows with primary keys set (SQLite 3.35+ and PostgreSQL)."""
    created: list[M] = []
    for batch in _batched(rows, batch_size):
        created.extend(model._default_manager.bulk_create(batch, batch_size=batch_size))
    return created


class _LongTail:
    """Picks items with Zipf-like weights: a few are very common, most are rare."""

    def __init__(self, items: Sequence[Any], rng: random.Random, exponent: float = 1.1) -> None:
        self.items = list(items)
        self.rng = rng
        weights = [1 / (rank**exponent) for rank in range(1, len(self.items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self) -> Any:
        point = self.rng.random() * self.cumulative[-1]
        return self.items[min(bisect.bisect_left(self.cumulative, point), len(self.items) - 1)]


def _weighted(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    point = rng.random() * sum(weight for _, weight in table)
    for value, weight in table:
        point -= weight
        if point <= 0:
            return value
    return table[-1][0]


class LoadDataGenerator:
    def __init__(self, *, sizes: LoadSizes, seed: int, anchor: datetime.date, stdout: Callable[[str], Any]) -> None:
        # Seeded pseudo-randomness: the data set must be repeatable, nothing here is a secret.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.uuid_rng = random.Random(seed + 1)  # noqa: S311  # nosec B311
        self.sizes = sizes
        self.anchor = anchor
        self.say = stdout
        self.report = LoadReport()

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.uuid_rng.getrandbits(128), version=4)

    def _step(self, name: str, build: Callable[[], int]) -> None:
        started = time.perf_counter()
        count = build()
        elapsed = time.perf_counter() - started
        self.report.counts[name] = count
        self.report.seconds[name] = elapsed
        self.say(f"  {name:<22} {count:>8} rows  {elapsed:6.1f} s")

    def run(self) -> LoadReport:
        if Event.objects.filter(name__startswith=EVENT_PREFIX).exists():
            raise LoadDataPresent("a generated data set is already in this database")
        with transaction.atomic():
            self._step("users", self.make_users)
            self._step("events", self.make_events)
            self._step("officers", self.make_officers)
            self._step("demonstrators", self.make_demonstrators)
            self._step("cases", self.make_cases)
            self._step("case lawyers", self.make_case_lawyers)
            self._step("arrests", self.make_arrests)
            self._step("citations", self.make_citations)
            self._step("payments", self.make_payments)
            self._step("incidents", self.make_incidents)
            self._step("incident links", self.make_incident_links)
            self._step("complaints", self.make_complaints)
            self._step("deadlines", self.make_deadlines)
        return self.report

    # --- people and accounts ------------------------------------------------------------------

    def make_users(self) -> int:
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in ("observer", "lawyer")}
        users = []
        for role, count in (("observer", self.sizes.observers), ("lawyer", self.sizes.lawyers)):
            for i in range(count):
                user = User(username=f"{USERNAME_PREFIX}{role}-{i:04d}", is_active=True)
                user.set_unusable_password()
                users.append((role, user))
        created = _bulk(User, [u for _, u in users])
        membership = User.groups.through
        _bulk(
            membership,
            [membership(user_id=u.pk, group_id=groups[role].pk) for (role, _), u in zip(users, created, strict=True)],
        )
        self.observers = [u for (role, _), u in zip(users, created, strict=True) if role == "observer"]
        self.lawyers = [u for (role, _), u in zip(users, created, strict=True) if role == "lawyer"]
        return len(created)

    def make_events(self) -> int:
        start = datetime.datetime.combine(self.anchor - datetime.timedelta(days=30), datetime.time(15), TZ)
        # A weekend of mass arrests in the middle of the month, smaller actions around it.
        offsets = [0, 9, 15, 16, 22, 28][: self.sizes.events]
        offsets += [30 * i // self.sizes.events for i in range(len(offsets), self.sizes.events)]
        events = [
            Event(
                name=f"{EVENT_PREFIX}action {n + 1} ({(start + datetime.timedelta(days=day)):%Y-%m-%d})",
                starts_at=start + datetime.timedelta(days=day),
                ends_at=start + datetime.timedelta(days=day, hours=10),
                place=PLACES[n % len(PLACES)],
                jurisdiction=Jurisdiction.PHILADELPHIA,
            )
            for n, day in enumerate(offsets)
        ]
        self.events = _bulk(Event, events)
        # The weekend carries most of the people.
        weights = [1, 1, 6, 6, 1.5, 1][: len(self.events)] + [1] * max(0, len(self.events) - 6)
        self.event_weights = list(zip(self.events, weights, strict=True))
        return len(self.events)

    def make_officers(self) -> int:
        rng = self.rng
        officers = []
        for i in range(self.sizes.officers):
            status = _weighted(
                rng,
                [(BadgeStatus.FULL, 85), (BadgeStatus.PARTIAL, 6), (BadgeStatus.COVERED, 6), (BadgeStatus.NOT_SEEN, 3)],
            )
            officers.append(
                Officer(
                    name=f"Ofc. {rng.choice(FIRST_NAMES)[0]}. {rng.choice(LAST_NAMES)}"
                    if status == BadgeStatus.FULL
                    else "",
                    badge_number=str(3000 + i)
                    if status == BadgeStatus.FULL
                    else (f"3{i % 90}" if status == BadgeStatus.PARTIAL else ""),
                    badge_status=status,
                    unit=rng.choice(UNITS),
                    helmet_number=f"H-{i:03d}" if rng.random() < 0.2 else "",
                    description="" if status == BadgeStatus.FULL else "Badge covered; tall; grey helmet",
                )
            )
        self.officers = _bulk(Officer, officers)
        self.officer_tail = _LongTail(self.officers, rng)
        return len(self.officers)

    def make_demonstrators(self) -> int:
        rng = self.rng
        people = []
        for i in range(self.sizes.people):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            preferred = f"{first[0]}. {last}" if rng.random() < 0.2 else ""
            people.append(
                Demonstrator(
                    public_id=self._uuid(),
                    legal_name=f"{first} {last}",
                    preferred_name=preferred,
                    conceal_legal_name=bool(preferred) and rng.random() < 0.5,
                    date_of_birth=datetime.date(1950 + rng.randrange(56), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                    phone=f"215-555-{i % 10000:04d}" if rng.random() < 0.8 else "",
                    email=f"person{i}@example.org" if rng.random() < 0.5 else "",
                    postal_address=f"{100 + i % 900} Example St, Philadelphia, PA 191{i % 50:02d}"
                    if rng.random() < 0.4
                    else "",
                    pronouns=rng.choice(["she/her", "he/him", "they/them"]) if rng.random() < 0.3 else "",
                    special_needs="Needs daily medication" if rng.random() < 0.05 else "",
                    consent_contact_sms=rng.random() < 0.6,
                )
            )
        self.people = _bulk(Demonstrator, people)
        return len(self.people)

    def make_cases(self) -> int:
        rng = self.rng
        cases = []
        number = itertools.count(1)
        year = self.anchor.year
        for person in self.people:
            events = [_weighted(rng, self.event_weights)]
            if rng.random() < 0.1:  # some people are arrested at two actions
                other = _weighted(rng, self.event_weights)
                if other is not events[0]:
                    events.append(other)
            for event in events:
                opened = event.starts_at.astimezone(TZ).date() + datetime.timedelta(days=rng.choice([0, 0, 1, 1, 2, 4]))
                opened = min(opened, self.anchor)
                status = _weighted(rng, [(CaseStatus.INTAKE, 15), (CaseStatus.ACTIVE, 72), (CaseStatus.CLOSED, 13)])
                closed = None
                if status == CaseStatus.CLOSED:
                    closed = min(opened + datetime.timedelta(days=rng.randrange(3, 25)), self.anchor)
                cases.append(
                    Case(
                        public_id=self._uuid(),
                        number=f"{year}-{next(number):05d}",
                        event=event,
                        demonstrator=person,
                        status=status,
                        opened_on=opened,
                        closed_on=closed,
                        retention_until=closed + datetime.timedelta(days=180) if closed else None,
                    )
                )
        self.cases = _bulk(Case, cases)
        sequence, _ = CaseNumberSequence.objects.get_or_create(year=year)
        sequence.last_value = max(sequence.last_value, len(self.cases))
        sequence.save(update_fields=["last_value"])
        self.cases_by_event: dict[int, list[Case]] = {}
        for case in self.cases:
            self.cases_by_event.setdefault(case.event_id, []).append(case)
        return len(self.cases)

    def make_case_lawyers(self) -> int:
        rng = self.rng
        lawyer_tail = _LongTail(self.lawyers, rng, exponent=0.6)
        through = Case.lawyers.through
        rows = []
        for case in self.cases:
            if case.status == CaseStatus.INTAKE:
                continue
            first = lawyer_tail.pick()
            rows.append(through(case_id=case.pk, user_id=first.pk))
            if rng.random() < 0.08:
                second = lawyer_tail.pick()
                if second.pk != first.pk:
                    rows.append(through(case_id=case.pk, user_id=second.pk))
        return len(_bulk(through, rows))

    def make_arrests(self) -> int:
        rng = self.rng
        rows = []
        events = {e.pk: e for e in self.events}
        for case in self.cases:
            if rng.random() >= 0.6:
                continue
            at = events[case.event_id].starts_at + datetime.timedelta(minutes=rng.randrange(30, 600))
            status = _weighted(rng, [(CustodyStatus.RELEASED, 55), (CustodyStatus.CITED_RELEASED, 35), (CustodyStatus.HELD, 3), (CustodyStatus.ARRESTED, 7)])  # fmt: skip
            bail = rng.random() < 0.1
            rows.append(
                Arrest(
                    case=case,
                    arrested_at=at,
                    place=rng.choice(PLACES),
                    arresting_unit=rng.choice(UNITS),
                    charges="18 Pa.C.S. § 5502 failure to disperse",
                    custody_status=status,
                    released_at=at + datetime.timedelta(hours=rng.randrange(2, 30))
                    if status not in CustodyStatus.in_custody()
                    else None,
                    bail_amount=Decimal(rng.choice(["250.00", "500.00", "1000.00"])) if bail else None,
                    bail_paid_by=_weighted(rng, [(Payer.BAIL_FUND, 80), (Payer.SELF, 15), (Payer.OTHER, 5)])
                    if bail
                    else "",
                    injured=rng.random() < 0.08,
                    police_report_number=f"PR-{case.pk:07d}",
                )
            )
        return len(_bulk(Arrest, rows))

    # --- citations and money --------------------------------------------------------------------

    def _citation_counts(self) -> list[int]:
        """Citations per case: everyone cited has at least one, a long tail has many."""
        total, cases = self.sizes.citations, len(self.cases)
        counts = [0] * cases
        if total <= 0 or cases == 0:
            return counts
        cited = self.rng.sample(range(cases), min(cases, max(1, int(cases * 0.9)), total))
        for index in cited:
            counts[index] = 1
        remaining = total - len(cited)
        heavy = _LongTail(cited, self.rng, exponent=0.35)
        for _ in range(remaining):
            counts[heavy.pick()] += 1
        return counts

    def make_citations(self) -> int:
        rng = self.rng
        rows = []
        serial = itertools.count(1)
        events = {e.pk: e for e in self.events}
        now = datetime.datetime.combine(self.anchor, datetime.time(12), TZ)
        for case, count in zip(self.cases, self._citation_counts(), strict=True):
            event = events[case.event_id]
            for _ in range(count):
                kind = _weighted(rng, [(CitationKind.PHL_CVN, 50), (CitationKind.PA_SUMMARY, 30), (CitationKind.PHL_SUMMARY_NTA, 20)])  # fmt: skip
                code, sub, description, fine = rng.choice(OFFENSES[kind])
                issued = event.starts_at + datetime.timedelta(minutes=rng.randrange(20, 720))
                officer = self.officer_tail.pick()
                citation = Citation(
                    public_id=self._uuid(),
                    case=case,
                    number=f"{'CVN' if kind == CitationKind.PHL_CVN else 'SC'}-{next(serial):07d}",
                    jurisdiction=JURISDICTION[kind],
                    kind=kind,
                    offense_code=code,
                    offense_subsection=sub,
                    offense_description=description,
                    fine=Decimal(fine),
                    costs=Decimal("0.00") if kind == CitationKind.PHL_CVN else Decimal("42.50"),
                    issued_at=issued,
                    place=rng.choice(PLACES),
                    issuing_officer=officer,
                    officer_name_as_written=officer.name,
                    officer_badge_as_written=officer.badge_number,
                    docketed=kind != CitationKind.PHL_CVN and (now - issued).days > 14 and rng.random() < 0.8,
                )
                self._advance(citation, now=now)
                rows.append(citation)
        self.citations = _bulk(Citation, rows)
        return len(self.citations)

    def _advance(self, citation: Citation, *, now: datetime.datetime) -> None:
        """Move a citation along its track by its age, with a realistic spread of outcomes."""
        rng = self.rng
        age = (now - citation.issued_at).days
        roll = rng.random()
        citation.status_changed_at = citation.issued_at
        if citation.kind == CitationKind.PHL_SUMMARY_NTA:
            citation.hearing_at = (citation.issued_at + datetime.timedelta(days=rng.choice([21, 28, 35, 42]))).replace(
                hour=9, minute=0, second=0, microsecond=0
            )
            citation.courtroom = rng.choice(["1104", "306", "285", "1003"])
            citation.status = CitationStatus.HEARING_SCHEDULED
            if citation.hearing_at < now:
                citation.status = CitationStatus.DECIDED if roll < 0.7 else CitationStatus.APPEAL_WINDOW
                citation.disposition = _weighted(rng, [(Disposition.DISMISSED, 45), (Disposition.NOT_GUILTY, 20), (Disposition.GUILTY, 20), (Disposition.WITHDRAWN, 15)])  # fmt: skip
                citation.decided_on = citation.hearing_at.date()
        elif citation.kind == CitationKind.PA_SUMMARY:
            if age > 10 or roll < 0.6:
                citation.status = CitationStatus.ANSWERED
                citation.response = Response.NOT_GUILTY if roll < 0.9 else Response.GUILTY
                citation.responded_at = citation.issued_at + datetime.timedelta(days=rng.randrange(1, 10))
                if age > 20 and roll < 0.5:
                    citation.status = CitationStatus.HEARING_SCHEDULED
                    citation.hearing_at = (now + datetime.timedelta(days=rng.randrange(2, 40))).replace(
                        hour=9, minute=30, second=0, microsecond=0
                    )
                    citation.courtroom = rng.choice(["MDJ 1", "MDJ 2"])
        else:  # civil notice: pay or dispute within 10 days
            if roll < 0.3:
                citation.status = CitationStatus.CLOSED
                citation.response = Response.PAID
                citation.disposition = Disposition.PAID
                citation.responded_at = citation.issued_at + datetime.timedelta(days=rng.randrange(1, 10))
                citation.closed_on = citation.responded_at.date()
            elif roll < 0.75 or age > 10:
                citation.status = CitationStatus.ANSWERED
                citation.response = Response.DISPUTED
                citation.responded_at = citation.issued_at + datetime.timedelta(days=rng.randrange(1, 10))
            if age > 20 and rng.random() < 0.25:  # a mass waiver, as in 2020
                citation.status = CitationStatus.CLOSED
                citation.disposition = Disposition.WAIVED
                citation.decided_on = citation.issued_at.date() + datetime.timedelta(days=20)
                citation.closed_on = citation.decided_on
        if citation.responded_at and citation.responded_at > now:
            citation.responded_at = now

    def make_payments(self) -> int:
        rng = self.rng
        rows = []
        for citation in self.citations:
            if citation.response != Response.PAID and citation.disposition != Disposition.GUILTY:
                continue
            payer = _weighted(rng, [(Payer.BAIL_FUND, 60), (Payer.SELF, 35), (Payer.OTHER, 5)])
            paid_on = (citation.responded_at or citation.issued_at).date()
            rows.append(
                Payment(
                    citation=citation, amount=citation.amount_due, payer=payer, paid_on=paid_on,
                    reference=f"R{citation.pk:08d}",
                )
            )  # fmt: skip
            if citation.disposition == Disposition.WAIVED or rng.random() < 0.03:
                rows.append(
                    Payment(
                        citation=citation, kind=PaymentKind.REFUND, amount=citation.amount_due, payer=payer,
                        paid_on=citation.decided_on or paid_on,
                    )
                )  # fmt: skip
        return len(_bulk(Payment, rows))

    # --- observer reports -----------------------------------------------------------------------

    def make_incidents(self) -> int:
        rng = self.rng
        reporter_tail = _LongTail(self.observers, rng, exponent=0.8)
        rows = []
        for _ in range(self.sizes.incidents):
            event = _weighted(rng, self.event_weights)
            warning = _weighted(rng, [(YesNoUnknown.YES, 55), (YesNoUnknown.NO, 20), (YesNoUnknown.UNKNOWN, 25)])
            occurred_at = event.starts_at + datetime.timedelta(seconds=rng.randrange(0, 36_000))
            rows.append(
                Incident(
                    public_id=self._uuid(),
                    client_uuid=self._uuid(),
                    reporter=reporter_tail.pick(),
                    event=event,
                    occurred_at=occurred_at,
                    occurred_on=local_date(occurred_at, event.time_zone),  # save() keeps it; bulk_create does not
                    people_affected_count=rng.choice([None, 1, 1, 2, 3, 5, 12]),
                    place=rng.choice(PLACES),
                    agencies_present="Philadelphia Police Department",
                    dispersal_warning=warning,
                    dispersal_warning_audible=rng.choice(list(YesNoUnknown))
                    if warning == YesNoUnknown.YES
                    else YesNoUnknown.UNKNOWN,
                    narrative=rng.choice(NARRATIVES),
                    injuries="Bruising to the arm" if rng.random() < 0.08 else "",
                    witnesses="Two street medics nearby" if rng.random() < 0.12 else "",
                    video_holders="Independent journalist" if rng.random() < 0.08 else "",
                )
            )
        self.incidents = _bulk(Incident, rows)
        self.incidents_by_event: dict[int, list[Incident]] = {}
        for incident in self.incidents:
            self.incidents_by_event.setdefault(incident.event_id, []).append(incident)
        return len(self.incidents)

    def make_incident_links(self) -> int:
        rng = self.rng
        forces = list(ForceType.objects.all())
        force_rows, sighting_rows, affected_rows, seen_rows = [], [], [], []
        force_through = Incident.force_types.through
        affected_through = Incident.people_affected.through
        for incident in self.incidents:
            if forces and rng.random() < 0.25:
                for force in rng.sample(forces, rng.choice([1, 1, 2])):
                    force_rows.append(force_through(incident_id=incident.pk, forcetype_id=force.pk))
            if rng.random() < 0.5:
                seen = {self.officer_tail.pick() for _ in range(rng.choice([1, 1, 2, 3]))}
                for officer in seen:
                    sighting_rows.append(
                        IncidentOfficer(incident=incident, officer=officer, badge_as_seen=officer.badge_number)
                    )
            cases = self.cases_by_event.get(incident.event_id)
            if cases and rng.random() < 0.1:
                case = rng.choice(cases)
                affected_rows.append(affected_through(incident_id=incident.pk, case_id=case.pk))
                if rng.random() < 0.3:
                    seen_rows.append(
                        ArrestSeen(
                            incident=incident,
                            case=case,
                            person_description="Person in a green jacket",
                            conduct=_weighted(
                                rng,
                                [
                                    (Conduct.WALKED, 50),
                                    (Conduct.PASSIVE, 35),
                                    (Conduct.RESISTED, 3),
                                    (Conduct.UNKNOWN, 12),
                                ],
                            ),  # fmt: skip
                        )
                    )
        return sum(
            len(_bulk(model, rows))
            for model, rows in (
                (force_through, force_rows),
                (IncidentOfficer, sighting_rows),
                (affected_through, affected_rows),
                (ArrestSeen, seen_rows),
            )
        )

    def make_complaints(self) -> int:
        rng = self.rng
        forces = list(ForceType.objects.all())
        chosen = rng.sample(self.cases, int(len(self.cases) * self.sizes.complaint_share))
        complaints = []
        for case in chosen:
            status = _weighted(rng, [(ComplaintStatus.DRAFT, 30), (ComplaintStatus.FILED, 40), (ComplaintStatus.INVESTIGATING, 25), (ComplaintStatus.CLOSED, 5)])  # fmt: skip
            complaints.append(
                ExcessiveForceComplaint(
                    public_id=self._uuid(),
                    case=case,
                    narrative="Struck with a baton while walking away from the line.",
                    injuries="Bruised ribs" if rng.random() < 0.7 else "",
                    treatment="Seen at the emergency department" if rng.random() < 0.4 else "",
                    forum=_weighted(
                        rng,
                        [
                            (ComplaintForum.OVERSIGHT, 70),
                            (ComplaintForum.INTERNAL_AFFAIRS, 20),
                            (ComplaintForum.CIVIL_SUIT, 10),
                        ],
                    ),  # fmt: skip
                    filed_on=case.opened_on + datetime.timedelta(days=rng.randrange(1, 10))
                    if status != ComplaintStatus.DRAFT
                    else None,
                    status=status,
                    outcome=_weighted(
                        rng,
                        [
                            (ComplaintOutcome.NOT_SUSTAINED, 40),
                            (ComplaintOutcome.SUSTAINED, 20),
                            (ComplaintOutcome.UNFOUNDED, 40),
                        ],
                    )
                    if status == ComplaintStatus.CLOSED
                    else ComplaintOutcome.PENDING,  # fmt: skip
                )
            )
        complaints = self.complaints = _bulk(ExcessiveForceComplaint, complaints)
        incident_through = ExcessiveForceComplaint.incidents.through
        officer_through = ExcessiveForceComplaint.officers.through
        force_through = ExcessiveForceComplaint.force_types.through
        links_i, links_o, links_f, statements, allegations = [], [], [], [], []
        for complaint in complaints:
            incidents = self.incidents_by_event.get(complaint.case.event_id)
            incident = None
            if incidents:
                incident = rng.choice(incidents)
                links_i.append(incident_through(excessiveforcecomplaint_id=complaint.pk, incident_id=incident.pk))
            officers = {self.officer_tail.pick() for _ in range(rng.choice([1, 1, 2]))}
            for officer in officers:
                links_o.append(officer_through(excessiveforcecomplaint_id=complaint.pk, officer_id=officer.pk))
            force = None
            if forces:
                force = rng.choice(forces)
                links_f.append(force_through(excessiveforcecomplaint_id=complaint.pk, forcetype_id=force.pk))
            # One allegation per officer named (the claims app), with the complaint's outcome as its
            # finding once closed; no extra random draws, so the rest of the data set stays the same.
            if complaint.forum != ComplaintForum.CIVIL_SUIT:
                finding = FINDING_OF_OUTCOME.get(complaint.outcome, Finding.PENDING)
                for officer in sorted(officers, key=lambda o: o.pk):
                    allegations.append(
                        Allegation(
                            public_id=self._uuid(), complaint=complaint, officer=officer, force_type=force,
                            incident=incident, finding=finding,
                            oversight_body=OversightBody.CPOC if complaint.forum == ComplaintForum.OVERSIGHT
                            else OversightBody.INTERNAL_AFFAIRS,
                            filed_on=complaint.filed_on,
                        )
                    )  # fmt: skip
            if rng.random() < 0.5:
                statements.append(
                    WitnessStatement(
                        complaint=complaint,
                        witness_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        witness_contact="267-555-0100",
                        statement="I saw the officer strike them from behind.",
                        taken_at=complaint.case.event.starts_at + datetime.timedelta(days=1),
                    )
                )
        for model, rows in ((incident_through, links_i), (officer_through, links_o), (force_through, links_f)):
            _bulk(model, rows)
        _bulk(WitnessStatement, statements)
        _bulk(Allegation, allegations)
        return len(complaints)

    def make_deadlines(self) -> int:
        """Deadlines through the lifecycle's own recompute, in chunks (a few queries per chunk)."""
        now = datetime.datetime.combine(self.anchor, datetime.time(12), TZ)
        rules = active_rules()
        created = 0
        for chunk in _batched(self.citations, BATCH_SIZE):
            created += sync_citation_deadlines(chunk, rules=rules, now=now)[0]
        for complaints in _batched(self.complaints, BATCH_SIZE):
            created += sync_complaint_deadlines(complaints, rules=rules, now=now)[0]
        return created


def generate_load_data(
    *, sizes: LoadSizes, seed: int, anchor: datetime.date, stdout: Callable[[str], Any] = lambda line: None
) -> LoadReport:
    """Write the data set in one transaction; raises LoadDataPresent if one is already there."""
    return LoadDataGenerator(sizes=sizes, seed=seed, anchor=anchor, stdout=stdout).run()
