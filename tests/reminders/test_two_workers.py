"""Exactly once under two real workers: two `db_worker` processes (django-tasks-db) run every send
task twice over (each message queued by two schedulers) against the fake provider; each person
gets one message."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
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

    env = {
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
