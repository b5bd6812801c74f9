"""Demo reminders for `seed_demo`: consent recorded for most of the demo people (SMS, some by
e-mail too, in English and Spanish), reminders planned for the coming week (the outbox shows
them waiting, then sent as their moments come), and an earlier march whose unanswered citation
has passed its ten days, so the lawyer's home page carries a warrant-risk alert; a second person
from it has a hearing tomorrow morning, so a "morning before" reminder is due today."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from cases.models import Case, Event, Jurisdiction
from cases.services import case_assign_lawyers, case_create, demonstrator_create
from cases.types import User
from citations import services as citation_services
from citations.models import CitationKind
from reminders.models import ConsentMethod, ContactChannel
from reminders.services import consent_record, reminders_plan, team_alerts_raise

EARLIER_EVENT = "Demo: march to the federal building (earlier)"


def create_reminders(*, cases: list[Case], users: dict[str, User], now: datetime.datetime | None = None) -> int:
    """Record the demo consents, add the earlier march, plan the week's reminders; returns how
    many messages were planned."""
    now = now or timezone.now()
    coordinator = users["coordinator"]
    for i, case in enumerate(cases):
        person = case.demonstrator
        if i % 3 != 2:  # two in three said yes to text reminders at intake
            consent_record(
                demonstrator=person,
                channel=ContactChannel.SMS,
                granted=True,
                method=ConsentMethod.INTAKE_FORM,
                by=coordinator,
                at=now - datetime.timedelta(days=5),
            )
        if i % 4 == 0:
            consent_record(
                demonstrator=person,
                channel=ContactChannel.EMAIL,
                granted=True,
                method=ConsentMethod.VERBAL,
                by=coordinator,
                at=now - datetime.timedelta(days=5),
            )
    _earlier_march(users=users, now=now)
    planned = 0
    tz = ZoneInfo(settings.TIME_ZONE)
    for days in range(0, 9):  # today's due reminders, then each morning of the coming week
        moment = datetime.datetime.combine(
            timezone.localdate(now, tz) + datetime.timedelta(days=days),
            datetime.time(settings.REMINDERS_SEND_HOUR, 5),
            tzinfo=tz,
        )
        planned += reminders_plan(now=max(moment, now))
    team_alerts_raise(now=now)
    return planned


def _earlier_march(*, users: dict[str, User], now: datetime.datetime) -> None:
    coordinator, lawyer = users["coordinator"], users["lawyer"]
    tz = ZoneInfo(settings.TIME_ZONE)
    starts = (now - datetime.timedelta(days=14)).astimezone(tz).replace(hour=15, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        name=EARLIER_EVENT,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        place="Independence Mall, Philadelphia",
        jurisdiction=Jurisdiction.PHILADELPHIA,
    )
    people = [
        ("Rosa Demo-Quintero", "Spanish", "215-555-0901", "rosa.demo@example.org"),
        ("Sam Demo-Kowalski", "English", "215-555-0902", "sam.demo@example.org"),
    ]
    tomorrow = timezone.localdate(now, tz) + datetime.timedelta(days=1)
    for i, (name, language, phone, email) in enumerate(people):
        person = demonstrator_create(
            by=coordinator,
            legal_name=name,
            date_of_birth=datetime.date(1990 + i, 3, 14),
            phone=phone,
            email=email,
            preferred_language=language,
        )
        consent_record(
            demonstrator=person,
            channel=ContactChannel.SMS,
            granted=True,
            method=ConsentMethod.INTAKE_FORM,
            by=coordinator,
            at=starts + datetime.timedelta(hours=6),
        )
        case = case_create(event=event, demonstrator=person, by=coordinator, opened_on=starts.date())
        case_assign_lawyers(case=case, lawyers=[lawyer], by=coordinator)
        issued = starts + datetime.timedelta(hours=2, minutes=i)
        extra = {}
        # Ten days to answer: passed unanswered (warrant risk). A traffic citation: in Philadelphia a
        # non-traffic summary citation follows Pa.R.Crim.P. 1002 (a notice to appear, no 10-day answer).
        kind = CitationKind.TRAFFIC
        if i == 1:  # a notice to appear, the hearing tomorrow morning
            kind = CitationKind.PHL_SUMMARY_NTA
            extra = {
                "hearing_at": datetime.datetime.combine(tomorrow, datetime.time(9, 30), tzinfo=tz),
                "courtroom": "1105, 1301 Filbert St",
            }
        citation_services.citation_create(
            case=case,
            by=coordinator,
            number=f"SC-2026-E{i:04d}",
            kind=kind,
            offense_code="18 Pa.C.S. § 5502",
            offense_description="Failure to disperse upon official order",
            fine=Decimal("50.00"),
            issued_at=issued,
            place="5th & Market St",
            **extra,  # type: ignore[arg-type]  # hearing_at and courtroom of a notice to appear
        )
