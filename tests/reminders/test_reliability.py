"""Reliable sending: retries with backoff, giving up with a visible status, one failing number not
holding back the rest, the provider's 429 respected, a worker that died mid-send never resending,
the delivery log holding a keyed hash of the number and no text, retention."""

from __future__ import annotations

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import citations.selectors as citation_selectors
from cases.models import Case
from cases.signals import case_purging
from core.crypto import blind_index
from reminders.models import AlertKind, Message, MessageStatus, TeamAlert, WebhookReceipt
from reminders.ratelimit import SharedRate
from reminders.services import (
    message_send,
    messages_purge,
    messages_send,
    messages_unstick,
    reminders_plan,
    reminders_tick,
)
from reminders.tasks import messages_dispatch
from tests.reminders.conftest import local


def test_a_failing_provider_is_retried_with_backoff_then_succeeds(clock, fake_sms, person, hearing):
    someone = person(phone="215-555-0123")
    hearing(someone, local(2026, 6, 20, 9, 30))
    fake_sms.flaky["215-555-0123"] = 2
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    message = Message.objects.get()
    assert (message.status, message.attempts, message.error_code) == ("pending", 1, "http500:20500")
    assert message.send_after == local(2026, 6, 19, 9, 1)  # 60 s
    clock(2026, 6, 19, 9, 1)
    messages_dispatch()
    message.refresh_from_db()
    assert message.send_after == local(2026, 6, 19, 9, 3)  # then 120 s
    clock(2026, 6, 19, 9, 3)
    messages_dispatch()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert len(fake_sms.received) == 1


def test_it_gives_up_visibly_and_an_invalid_number_does_not_hold_back_the_rest(
    clock, fake_sms, person, hearing, settings
):
    settings.REMINDERS_MAX_ATTEMPTS = 2
    broken = person(phone="215-555-0666")
    down = person(phone="215-555-0667")
    fine = person(phone="215-555-0668")
    for someone in (broken, down, fine):
        hearing(someone, local(2026, 6, 20, 9, 30))
    fake_sms.invalid.add("215-555-0666")
    fake_sms.flaky["215-555-0667"] = 99
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    clock(2026, 6, 19, 9, 5)
    messages_dispatch()
    statuses = {m.demonstrator_id: (m.status, m.error_code) for m in Message.objects.all()}
    assert statuses[broken.pk] == ("failed", "http400:21211")  # never retried
    assert statuses[down.pk] == ("failed", "http500:20500")  # retried, then given up
    assert statuses[fine.pk] == ("sent", "")
    assert [r.to for r in fake_sms.received] == ["215-555-0668"]


def test_a_429_pauses_the_bucket_and_the_message_goes_later(clock, fake_sms, person, hearing):
    someone = person()
    hearing(someone, local(2026, 6, 20, 9, 30))
    fake_sms.throttle = 1
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    message = Message.objects.get()
    assert (message.status, message.error_code) == ("pending", "429")
    clock(2026, 6, 19, 9, 1)
    messages_dispatch()
    message.refresh_from_db()
    assert message.status == "sent"


def test_the_shared_rate_keeps_to_its_rate(db):
    rate = SharedRate("sms:test:50/s", 50)
    started = time.monotonic()
    for _ in range(11):
        rate.take()
    assert time.monotonic() - started >= 0.2  # ten intervals of 1/50 s after the first


class FakeClock:
    """A wall clock that moves only when someone sleeps (each holder sleeps on its own)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_two_holders_share_one_rate_and_a_429_pauses_both(db):
    """Two workers (two holders, sharing only the database row) together keep to the rate: the
    second one's moments come after the first one's; a 429 seen by one delays the other."""
    clock = FakeClock()
    one = SharedRate("sms:test:10/s", 10, upcoming=3, clock=clock, sleep=lambda s: None)
    two = SharedRate("sms:test:10/s", 10, upcoming=3, clock=clock, sleep=lambda s: None)
    waits_one = [one.take() for _ in range(3)]
    waits_two = [two.take() for _ in range(3)]
    assert waits_one == pytest.approx([0.0, 0.1, 0.2])
    assert waits_two == pytest.approx([0.3, 0.4, 0.5])  # after the first holder's three
    other = SharedRate("sms:test:20/s", 20, clock=clock, sleep=lambda s: None)
    assert other.take() == 0.0  # another rate (another provider or setting) has its own row
    clock.now += 10  # idle: nothing is owed
    one.slots.clear()
    two.slots.clear()
    assert one.take() == 0.0
    one.pause(30)
    assert two.take() == pytest.approx(30.0)
    assert one.take() == pytest.approx(30.1)


def test_a_clock_set_back_does_not_stall_the_workers(db):
    clock = FakeClock()
    rate = SharedRate("sms:test:10/s", 10, clock=clock, sleep=lambda s: None)
    rate.pause(60)
    clock.now -= 24 * 3600  # the machine's clock went back a day (or a test travelled in time)
    rate.slots.clear()
    assert rate.take() == 0.0


def test_a_message_is_sent_at_most_once_whoever_runs_it(clock, fake_sms, person, hearing):
    someone = person()
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    message = Message.objects.get()
    assert message_send(message_id=message.pk) == "sent"
    assert message_send(message_id=message.pk) == "skipped"  # a retried task
    Message.objects.filter(pk=message.pk).update(enqueued_at=None)
    assert messages_dispatch() == 0
    assert len(fake_sms.received) == 1


def test_a_worker_that_died_mid_send_leaves_a_visible_failure_not_a_resend(clock, fake_sms, person, hearing):
    someone = person()
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    Message.objects.update(status=MessageStatus.SENDING, status_at=timezone.now())
    clock(2026, 6, 19, 9, 20)
    assert messages_unstick() == 1
    messages_dispatch()
    assert fake_sms.received == []
    assert Message.objects.get().error_code == "unknown_outcome"


def test_the_log_holds_a_keyed_hash_of_the_number_and_no_text(clock, fake_sms, person, hearing):
    someone = person(phone="215-555-0144")
    hearing(someone, local(2026, 6, 20, 9, 30), courtroom="Courtroom 1105")
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    message = Message.objects.get()
    assert message.to_hash == blind_index("215-555-0144", purpose="reminders.message.to", kind="phone")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM reminders_message")
        row = " ".join(str(value) for value in cursor.fetchone())
    for plain in ("215-555-0144", "2155550144", "Courtroom 1105", "9:30", someone.legal_name):
        assert plain not in row


def test_the_log_follows_retention(clock, fake_sms, person, hearing, settings):
    settings.REMINDERS_LOG_RETENTION_DAYS = 30
    someone = person()
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    WebhookReceipt.objects.create(key="status:SMold:delivered")
    clock(2026, 7, 18, 9, 0)
    assert messages_purge() == 0
    clock(2026, 7, 20, 9, 0)
    assert messages_purge() == 1
    assert not Message.objects.exists() and not WebhookReceipt.objects.exists()


def test_planning_walks_deadlines_in_pages_with_flat_queries(clock, fake_sms, person, hearing, settings):
    """Planning costs the same number of queries for 3 people as for 12 (pages of deadlines,
    one existence check and one insert per page)."""

    def queries_for(count: int) -> int:
        Message.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            reminders_tick()
        return len(captured.captured_queries)

    clock(2026, 6, 2, 12, 0)
    for _ in range(3):
        hearing(person(), local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    few = queries_for(3)
    clock(2026, 6, 2, 12, 0)
    for _ in range(9):
        hearing(person(), local(2026, 6, 20, 10, 30))
    clock(2026, 6, 19, 9, 0)
    many = queries_for(12)
    assert Message.objects.count() == 12
    assert many == few
    assert citation_selectors.DEADLINE_PAGE_SIZE >= 100
    assert datetime.date(2026, 6, 20) in set(Message.objects.values_list("due_on", flat=True))


def test_a_batch_reads_people_and_dates_once_and_writes_once_per_message(clock, fake_sms, person, hearing):
    """Sending a batch: the lock, the people, their consent, their deadlines and the SENDING mark
    are read or written once for the batch; then one update per message sent."""

    def queries_for(count: int) -> int:
        clock(2026, 6, 2, 12, 0)
        for _ in range(count):
            hearing(person(), local(2026, 6, 20, 9, 30))
        clock(2026, 6, 19, 9, 0)
        reminders_plan()
        ids = list(Message.objects.filter(status="pending").values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as captured:
            outcomes = messages_send(message_ids=ids)
        assert set(outcomes.values()) == {"sent"} and len(outcomes) == count
        return len(captured.captured_queries)

    queries_for(1)  # the first SMS ever creates the provider's shared rate row
    few = queries_for(3)
    many = queries_for(12)
    assert many - few == 12 - 3


def test_a_purged_case_takes_its_reminder_log_and_alerts_with_it(clock, fake_sms, person, hearing):
    someone = person()
    citation = hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    TeamAlert.objects.create(key="missed:x", kind=AlertKind.MISSED, case=citation.case)
    case_purging.send(sender=Case, case=citation.case, by=None)
    assert not Message.objects.exists() and not TeamAlert.objects.exists()
