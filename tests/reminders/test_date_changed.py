"""A hearing that moves: the person who consented hears of it at once (or when quiet hours end),
once per move, in their language; the lawyer's alert goes at once too."""

from __future__ import annotations

import datetime

from django.core import mail
from django.utils import timezone

from citations import services as citation_services
from reminders.models import Message, MessageKind, MessageStatus, TeamAlert
from reminders.services import hearing_moved, reminders_plan
from reminders.tasks import messages_dispatch
from tests.reminders.conftest import local


def _move(citation, at, coordinator, capture):  # type: ignore[no-untyped-def]
    """Move the hearing as the desk does, running what waits for the commit."""
    with capture(execute=True):
        citation_services.citation_schedule_hearing(
            citation=citation, hearing_at=at, courtroom="Courtroom 7", by=coordinator
        )


def test_a_moved_hearing_tells_the_person_and_the_lawyer_at_once(
    clock, fake_sms, person, hearing, coordinator, lawyer, team_emails, django_capture_on_commit_callbacks
):
    clock(2026, 6, 10, 12, 0)
    someone = person(phone="215-555-0171", email=True)
    citation = hearing(someone, local(2026, 6, 20, 9, 30))
    _move(citation, local(2026, 7, 2, 10, 0), coordinator, django_capture_on_commit_callbacks)
    # no job ran: sent when the move committed
    (sms,) = fake_sms.received
    assert sms.to == "215-555-0171"
    assert "changed" in sms.body and "Thursday 2 July" in sms.body and "10:00 AM" in sms.body
    assert "Courtroom 7" in sms.body and citation.number not in sms.body
    to_person = [m for m in mail.outbox if m.to == [someone.email]]
    to_lawyer = [m for m in mail.outbox if m.to == [lawyer.email]]
    assert len(to_person) == 1 and "changed" in to_person[0].body
    assert len(to_lawyer) == 1 and "to Thu 2 Jul 2026 10:00" in to_lawyer[0].body
    changed = Message.objects.filter(kind=MessageKind.DATE_CHANGED)
    assert {(m.channel, m.status) for m in changed} == {("sms", MessageStatus.SENT), ("email", MessageStatus.SENT)}

    # the same move seen again (a retried save, a second receiver) plans nothing more
    assert hearing_moved(citation=citation, previous_at=local(2026, 6, 20, 9, 30)) == []
    assert Message.objects.filter(kind=MessageKind.DATE_CHANGED).count() == 2
    clock(2026, 6, 13, 9, 0)  # the old date's seven-day moment
    assert reminders_plan() == 0
    messages_dispatch()
    assert len(fake_sms.received) == 1


def test_in_quiet_hours_the_person_hears_in_the_morning_the_lawyer_at_once(
    clock, fake_sms, person, hearing, coordinator, lawyer, team_emails, django_capture_on_commit_callbacks
):
    clock(2026, 6, 10, 12, 0)
    citation = hearing(person(), local(2026, 6, 20, 9, 30))
    clock(2026, 6, 10, 22, 30)
    _move(citation, local(2026, 7, 2, 10, 0), coordinator, django_capture_on_commit_callbacks)
    assert fake_sms.received == []
    assert [m.to for m in mail.outbox] == [[lawyer.email]]
    waiting = Message.objects.get(kind=MessageKind.DATE_CHANGED)
    assert (waiting.status, waiting.send_after) == (MessageStatus.PENDING, local(2026, 6, 11, 8, 0))
    clock(2026, 6, 11, 7, 59)
    assert messages_dispatch() == 0
    clock(2026, 6, 11, 8, 0)
    messages_dispatch()
    (sms,) = fake_sms.received
    assert "2 July" in sms.body


def test_moved_twice_before_it_went_only_the_latest_date_is_told(
    clock, fake_sms, person, hearing, coordinator, django_capture_on_commit_callbacks
):
    clock(2026, 6, 10, 12, 0)
    citation = hearing(person(), local(2026, 6, 20, 9, 30))
    clock(2026, 6, 10, 23, 0)
    _move(citation, local(2026, 7, 2, 10, 0), coordinator, django_capture_on_commit_callbacks)
    _move(citation, local(2026, 7, 9, 11, 0), coordinator, django_capture_on_commit_callbacks)
    assert Message.objects.filter(kind=MessageKind.DATE_CHANGED).count() == 2  # one per move
    clock(2026, 6, 11, 8, 0)
    messages_dispatch()
    (sms,) = fake_sms.received
    assert "9 July" in sms.body and "11:00 AM" in sms.body and "2 July" not in sms.body
    statuses = sorted(Message.objects.values_list("due_on", "status"))
    assert [status for _, status in statuses] == [MessageStatus.CANCELLED, MessageStatus.SENT]


def test_spanish_speakers_hear_of_the_move_in_spanish(
    clock, fake_sms, person, hearing, coordinator, django_capture_on_commit_callbacks
):
    clock(2026, 6, 10, 12, 0)
    citation = hearing(person(language="Spanish"), local(2026, 6, 20, 9, 30))
    _move(citation, local(2026, 7, 2, 10, 0), coordinator, django_capture_on_commit_callbacks)
    (sms,) = fake_sms.received
    assert "jueves 2 de julio" in sms.body.lower() and "fechas cambió" in sms.body
    assert Message.objects.get(kind=MessageKind.DATE_CHANGED).language == "es"


def test_nobody_who_has_not_consented_hears_of_a_move(
    clock, fake_sms, person, hearing, coordinator, lawyer, team_emails, django_capture_on_commit_callbacks
):
    clock(2026, 6, 10, 12, 0)
    citation = hearing(person(sms=False), local(2026, 6, 20, 9, 30))
    _move(citation, local(2026, 7, 2, 10, 0), coordinator, django_capture_on_commit_callbacks)
    assert fake_sms.received == []
    assert not Message.objects.filter(demonstrator__isnull=False).exists()
    assert [m.to for m in mail.outbox] == [[lawyer.email]]  # the lawyer still hears of it
    assert TeamAlert.objects.count() == 1


def test_on_a_running_clock_the_lawyers_alert_still_goes_at_once(
    person, hearing, coordinator, lawyer, team_emails, django_capture_on_commit_callbacks
):
    """No pinned clock: time moves between planning the alert and picking what may go now."""
    soon = timezone.localtime() + datetime.timedelta(days=10)
    citation = hearing(person(), soon.replace(hour=10, minute=0, second=0, microsecond=0))
    later = soon + datetime.timedelta(days=7)
    _move(
        citation,
        later.replace(hour=11, minute=0, second=0, microsecond=0),
        coordinator,
        django_capture_on_commit_callbacks,
    )
    assert [m.to for m in mail.outbox if m.to == [lawyer.email]] == [[lawyer.email]]
    assert Message.objects.get(alert__isnull=False).status == MessageStatus.SENT
