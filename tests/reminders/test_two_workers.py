"""Two real workers: two `db_worker` processes (django-tasks-db) run every send task twice over
(each message queued by two schedulers) against the fake provider, and each person gets one
message; running at once, together they keep to the provider's rate (shared, not per worker)."""

from __future__ import annotations

import bisect
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reminders.models import ContactChannel, Message, MessageKind, MessageStatus
from reminders.tasks import messages_dispatch, send_messages_task
from tests.reminders.fake_provider import SID, TOKEN

ROOT = Path(__file__).resolve().parents[2]

only_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: two worker processes share the test database (runs in CI's PostgreSQL pass)",
)


@only_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_db_workers_send_each_message_once(fake_sms, person, hearing, settings):
    fake_sms.delay = 0.01
    now = timezone.now()
    hearing_at = now + datetime.timedelta(hours=3)
    people = [person(phone=f"215-555-{2000 + i:04d}") for i in range(30)]
    for someone in people:
        hearing(someone, hearing_at)
    due_on = timezone.localdate(hearing_at)  # the event's zone is the site's (America/New_York)
    Message.objects.bulk_create(
        Message(
            key=f"r:{someone.pk}:{due_on.isoformat()}:0:sms",
            kind=MessageKind.REMINDER,
            channel=ContactChannel.SMS,
            demonstrator=someone,
            due_on=due_on,
            days_before=0,
            send_after=now - datetime.timedelta(minutes=1),
        )
        for someone in people
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert messages_dispatch() == 30  # in one task of 30 ids
    ids = list(Message.objects.order_by("pk").values_list("pk", flat=True))
    for message_id in ids:  # a second scheduler, or a retry, queues each again on its own
        send_messages_task.enqueue(message_ids=[message_id])
    send_messages_task.enqueue(message_ids=ids[::-1])  # and a third, in the other order
    assert DBTaskResult.objects.count() == 32

    env = _worker_env(fake_sms)
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*"]
    workers = [
        subprocess.Popen(
            [*command, "--worker-id", f"w{i}"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )  # noqa: S603
        for i in (1, 2)
    ]
    outputs = [worker.communicate(timeout=180)[0].decode() for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs

    assert len(fake_sms.received) == 30
    assert len({received.to for received in fake_sms.received}) == 30
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    results = DBTaskResult.objects.all()
    assert results.count() == 32 and {r.status for r in results} == {"SUCCESSFUL"}
    assert sum(r.return_value.get("sent", 0) for r in results) == 30
    assert sum(r.return_value.get("skipped", 0) for r in results) == 60
    assert {r.worker_ids[0] for r in results} == {"w1", "w2"}, "both workers took tasks"


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


RATE = 10  # messages a second, for the two workers together
WINDOW = 2.0  # seconds


@only_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_db_workers_keep_together_to_the_providers_rate(fake_sms, person, hearing, settings):
    """Two worker processes, running at once, share one rate: 60 messages at 10 a second take
    about 6 seconds, and no 2-second window holds much more than 20. With a rate per worker they
    would send 20 a second together (about 3 seconds, 40 in a window): this test fails then."""
    now = timezone.now()
    due_on = timezone.localdate(now + datetime.timedelta(hours=3))
    people = [person(phone=f"215-555-{3000 + i:04d}") for i in range(60)]
    for someone in people:
        hearing(someone, now + datetime.timedelta(hours=3))
    Message.objects.bulk_create(
        Message(
            key=f"r:{someone.pk}:{due_on.isoformat()}:0:sms",
            kind=MessageKind.REMINDER,
            channel=ContactChannel.SMS,
            demonstrator=someone,
            due_on=due_on,
            days_before=0,
            send_after=now - datetime.timedelta(minutes=1),
        )
        for someone in people
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = {**_worker_env(fake_sms), "REMINDERS_SMS_RATE_PER_SECOND": str(RATE)}
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1"]
    workers = [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            [*command, "--queue-name", "*", "--worker-id", f"r{i}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for i in (1, 2)
    ]
    try:
        for worker in workers:  # both are polling before the first task is queued
            assert _started(worker)
        ids = list(Message.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 3):
            send_messages_task.enqueue(message_ids=ids[start : start + 3])
        deadline = time.monotonic() + 120
        waiting = Message.objects.filter(status__in=(MessageStatus.PENDING, MessageStatus.SENDING))
        while waiting.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.communicate(timeout=60)

    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len({received.to for received in fake_sms.received}) == len(fake_sms.received) == 60
    assert {r.worker_ids[0] for r in DBTaskResult.objects.all()} == {"r1", "r2"}, "both workers sent"
    moments = sorted(received.at for received in fake_sms.received)
    assert moments[-1] - moments[0] >= 0.85 * (len(moments) - 1) / RATE  # about 5.9 s; 3 s if per worker
    busiest = max(bisect.bisect_right(moments, moment + WINDOW) - i for i, moment in enumerate(moments))
    assert busiest <= RATE * WINDOW + 4, busiest  # 20 in 2 s, with a little jitter; 40 if per worker


def _worker_env(fake_sms) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
        "DATABASE_URL": _database_url(),
        "REMINDERS_SMS_PROVIDER": "twilio",
        "TWILIO_API_BASE": fake_sms.base_url,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM_NUMBER": "+12155550000",
        "REMINDERS_SMS_RATE_PER_SECOND": "1000",
        "REMINDERS_QUIET_START": "0",  # whatever the hour the test runs at
        "REMINDERS_QUIET_END": "0",
    }


def _started(worker: subprocess.Popen[str]) -> bool:
    """Read the worker's output until it says it polls (False if it ended first)."""
    return any("Starting worker" in line for line in worker.stdout or ())
