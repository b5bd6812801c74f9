"""Background tasks of the reminders app (django-tasks), and what queues them: `messages_dispatch`
hands every message whose time has come to the workers in tasks of up to BATCH message ids (ids
only, never an address or a text). Each message of a task is sent on its own (its own row lock,
status and retries), so one failing number holds back nothing; batching only spares the task
queue ten thousand rows on a big night. The `send_reminders` command calls it every minute after
planning."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from reminders.models import Message, MessageStatus
from reminders.services import messages_send

# A message queued this long ago and still waiting (its task was lost) is queued again; the row
# lock in message_send makes a second task for the same message harmless.
REQUEUE_AFTER = datetime.timedelta(minutes=10)


BATCH = 50


@task()
def send_messages_task(message_ids: list[int]) -> dict[str, int]:
    """Send each message (those already sent or taken by another worker are skipped); returns
    how many ended how."""
    outcomes: dict[str, int] = {}
    for outcome in messages_send(message_ids=message_ids).values():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def messages_dispatch(*, now: datetime.datetime | None = None, limit: int = 20_000) -> int:
    """Queue a send task for each waiting message whose moment has come (soonest first)."""
    now = now or timezone.now()
    ready = Message.objects.filter(status=MessageStatus.PENDING, send_after__lte=now).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER)
    )
    ids = list(ready.order_by("send_after", "id").values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        Message.objects.filter(pk__in=chunk).update(enqueued_at=now)
        send_messages_task.enqueue(message_ids=chunk)
    return len(ids)


def messages_send_soon(message_ids: list[int]) -> None:
    """Queue these messages for the workers as soon as the current transaction commits (a moved
    hearing's alert and "your date has changed" go at once, not at the job's next minute). Rolled
    back, nothing is queued; lost, the every-minute job queues them."""
    if not message_ids:
        return

    def enqueue() -> None:
        Message.objects.filter(pk__in=message_ids, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
        for start in range(0, len(message_ids), BATCH):
            send_messages_task.enqueue(message_ids=message_ids[start : start + BATCH])

    transaction.on_commit(enqueue)
