"""People who consented (or not), hearings and deadlines made through the services, a pinned clock,
and the fake SMS provider on 127.0.0.1 with the settings pointing at it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from citations import services as citation_services
from citations.models import CitationKind
from reminders.models import ConsentMethod, ContactChannel
from reminders.services import consent_record
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory
from tests.reminders.fake_provider import SID, TOKEN, start_fake_provider

PHL = ZoneInfo("America/New_York")


def local(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PHL)


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    """`clock(2026, 6, 10, 12)` pins now at that Philadelphia time (moving it again is allowed)."""
    travellers = []

    def pin(*args: int):  # type: ignore[no-untyped-def]
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(local(*args), tick=False)
        traveller.start()
        travellers.append(traveller)
        return local(*args)

    yield pin
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def fake_sms(settings):  # type: ignore[no-untyped-def]
    fake = start_fake_provider()
    settings.REMINDERS_SMS_PROVIDER = "twilio"
    settings.TWILIO_API_BASE = fake.base_url
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM_NUMBER = "+12155550000"
    settings.REMINDERS_PUBLIC_BASE_URL = "https://tracker.example.org"
    settings.REMINDERS_SMS_RATE_PER_SECOND = 1000.0
    settings.REMINDERS_RETRY_BASE_SECONDS = 60
    yield fake
    fake.stop()


@pytest.fixture
def phl_event(db):  # type: ignore[no-untyped-def]
    return EventFactory(name="Encampment", starts_at=local(2026, 6, 1, 14), jurisdiction="PA-PHL")


@pytest.fixture
def person(db, coordinator):  # type: ignore[no-untyped-def]
    """`person(sms=True, email=False, language="English")`: a demonstrator with those opt-ins."""

    def make(*, sms: bool = True, email: bool = False, language: str = "English", phone: str | None = None):  # type: ignore[no-untyped-def]
        extra = {"phone": phone} if phone else {}
        someone = DemonstratorFactory(preferred_language=language, **extra)
        if sms:
            consent_record(
                demonstrator=someone, channel=ContactChannel.SMS, granted=True, method=ConsentMethod.INTAKE_FORM,
                by=coordinator,
            )  # fmt: skip
        if email:
            consent_record(
                demonstrator=someone, channel=ContactChannel.EMAIL, granted=True, method=ConsentMethod.VERBAL,
                by=coordinator,
            )  # fmt: skip
        someone.refresh_from_db()
        return someone

    return make


@pytest.fixture
def hearing(db, phl_event, coordinator, lawyer):  # type: ignore[no-untyped-def]
    """`hearing(person, local(...), courtroom="Courtroom 3")`: a notice to appear on a case of the
    person's, assigned to the lawyer."""
    counter = iter(range(1, 100000))

    def make(someone, at: datetime.datetime, courtroom: str = "Courtroom 3", case=None):  # type: ignore[no-untyped-def]
        case = case or CaseFactory(event=phl_event, demonstrator=someone, lawyers=[lawyer])
        return citation_services.citation_create(
            case=case,
            by=coordinator,
            number=f"N-{next(counter):05d}",
            kind=CitationKind.PHL_SUMMARY_NTA,
            offense_code="18 Pa.C.S. § 5502",
            offense_description="Failure to disperse",
            issued_at=local(2026, 6, 1, 22, 30),
            hearing_at=at,
            courtroom=courtroom,
            fine="50.00",
            confirm_closed_day=True,  # some hearings here are on a Saturday: the court set them so
        )

    return make


@pytest.fixture
def team_emails(lawyer, other_lawyer, coordinator):  # type: ignore[no-untyped-def]
    """The personas with e-mail addresses (alerts and digests go by e-mail)."""
    for user in (lawyer, other_lawyer, coordinator):
        user.email = f"{user.username}@team.example.org"
        user.save(update_fields=["email"])
