"""The scheduler plans one reminder per person, channel, due day and offset; a worker sends it
once, in the person's language, with date, time and place and never the charge or the case."""

from __future__ import annotations

from django.core import mail

from citations import services as citation_services
from citations.deadlines import sync_citation_deadlines
from citations.models import Citation
from reminders.models import ContactChannel, Message, MessageKind, MessageStatus
from reminders.services import message_send, reminders_plan
from reminders.tasks import messages_dispatch
from tests.reminders.conftest import local


def send_all() -> list[str]:
    return [message_send(message_id=pk) for pk in Message.objects.order_by("pk").values_list("pk", flat=True)]


def test_seven_two_and_one_day_reminders_go_out_once_each(clock, fake_sms, person, hearing):
    someone = person(phone="215-555-0101")
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 13, 8, 59)
    assert reminders_plan() == 0  # before the send hour
    clock(2026, 6, 13, 9, 0)
    assert reminders_plan() == 1
    assert reminders_plan() == 0  # the key holds: planned once
    assert messages_dispatch() == 1
    assert [r.to for r in fake_sms.received] == ["215-555-0101"]
    clock(2026, 6, 18, 9, 5)
    reminders_plan()
    messages_dispatch()
    clock(2026, 6, 19, 9, 1)
    reminders_plan()
    messages_dispatch()
    assert messages_dispatch() == 0
    assert len(fake_sms.received) == 3
    days = sorted(Message.objects.values_list("days_before", flat=True))
    assert days == [1, 2, 7]
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert all(m.provider_id.startswith("SM") for m in Message.objects.all())


def test_the_text_gives_date_time_place_and_never_the_charge_or_case(clock, fake_sms, person, hearing):
    someone = person()
    citation = hearing(someone, local(2026, 6, 20, 9, 30), courtroom="Courtroom 1105")
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    (sent,) = fake_sms.received
    assert "Saturday 20 June" in sent.body
    assert "9:30 AM" in sent.body
    assert "Courtroom 1105" in sent.body
    assert "STOP" in sent.body
    for secret in (citation.number, citation.case.number, "disperse", "5502", someone.legal_name):
        assert secret not in sent.body
    assert sent.fields["StatusCallback"].startswith("https://tracker.example.org/reminders/sms/status/?t=")


def test_spanish_speakers_get_spanish(clock, fake_sms, person, hearing):
    someone = person(language="Español")
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    (sent,) = fake_sms.received
    assert "sábado" in sent.body.lower()
    assert "junio" in sent.body.lower()
    assert "9:30," in sent.body and "AM" not in sent.body  # the hour as Spanish writes it
    assert Message.objects.get().language == "es"


def test_matters_due_the_same_day_share_one_message(clock, fake_sms, person, hearing):
    someone = person()
    first = hearing(someone, local(2026, 6, 20, 9, 30), courtroom="Courtroom 3")
    hearing(someone, local(2026, 6, 20, 13, 0), courtroom="Courtroom 5", case=first.case)
    clock(2026, 6, 19, 9, 0)
    assert reminders_plan() == 1
    messages_dispatch()
    (sent,) = fake_sms.received
    assert "Courtroom 3" in sent.body and "Courtroom 5" in sent.body
    assert sent.body.index("9:30 AM") < sent.body.index("1:00 PM")


def test_email_goes_through_the_mail_backend(clock, fake_sms, person, hearing):
    someone = person(sms=False, email=True)
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    assert fake_sms.received == []
    (email,) = mail.outbox
    assert email.to == [someone.email]
    assert "9:30 AM" in email.body
    message = Message.objects.get()
    assert message.channel == ContactChannel.EMAIL
    assert message.status == MessageStatus.SENT


def test_a_moved_hearing_sends_a_date_changed_message_once(clock, fake_sms, person, hearing, coordinator):
    someone = person()
    citation = hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 18, 9, 0)
    reminders_plan()  # the two-day reminder is planned...
    citation_services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 7, 2, 10, 0), courtroom="Courtroom 7", by=coordinator
    )
    messages_dispatch()  # ...and reads the date again before sending: the move's own message goes
    (sent,) = fake_sms.received
    assert "changed" in sent.body
    assert "2 July" in sent.body and "10:00 AM" in sent.body
    statuses = dict(Message.objects.values_list("kind", "status"))
    assert statuses == {MessageKind.DATE_CHANGED: MessageStatus.SENT, MessageKind.REMINDER: MessageStatus.CANCELLED}
    clock(2026, 6, 19, 9, 0)
    assert reminders_plan() == 0  # nothing is due on the old date any more
    messages_dispatch()
    assert len(fake_sms.received) == 1


def test_a_date_moved_behind_the_services_back_is_told_by_the_old_reminder(clock, fake_sms, person, hearing):
    """A move no receiver saw (a bulk update, a data fix): the old date's reminder, reading the
    dates again before sending, says the date changed instead, once."""
    someone = person()
    citation = hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 18, 9, 0)
    reminders_plan()
    Citation.objects.filter(pk=citation.pk).update(hearing_at=local(2026, 7, 2, 10, 0))
    sync_citation_deadlines([Citation.objects.get(pk=citation.pk)])
    messages_dispatch()
    (sent,) = fake_sms.received
    assert "changed" in sent.body and "2 July" in sent.body
    assert Message.objects.get().kind == MessageKind.DATE_CHANGED
    clock(2026, 6, 19, 9, 0)
    assert reminders_plan() == 0
    messages_dispatch()
    assert len(fake_sms.received) == 1


def test_a_withdrawn_matter_sends_nothing(clock, fake_sms, person, hearing, coordinator):
    someone = person()
    citation = hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    citation_services.citation_record_disposition(
        citation=citation, disposition="withdrawn", decided_on=local(2026, 6, 19, 9).date(), by=coordinator
    )
    messages_dispatch()
    assert fake_sms.received == []
    assert Message.objects.get().status == MessageStatus.CANCELLED


def test_quiet_hours_hold_a_message_until_morning(clock, fake_sms, person, hearing, settings):
    settings.REMINDERS_SEND_HOUR = 22  # a misconfigured send hour still respects quiet hours
    someone = person()
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 18, 22, 0)
    reminders_plan()
    messages_dispatch()
    assert fake_sms.received == []
    message = Message.objects.get()
    assert message.status == MessageStatus.PENDING
    assert message.send_after == local(2026, 6, 19, 8, 0)
    clock(2026, 6, 19, 8, 0)
    messages_dispatch()
    assert len(fake_sms.received) == 1
