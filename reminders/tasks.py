"""Background tasks of the reminders app (django-tasks), and what queues them: `messages_dispatch`
hands every message whose time has come to the workers, one task per message, by id only (never
an address or a text). The `send_reminders` command calls it every minute after planning."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from reminders.models import Message, MessageStatus
from reminders.services import message_send

# A message queued this long ago and still waiting (its task was lost) is queued again; the row
# lock in message_send makes a second task for the same message harmless.
REQUEUE_AFTER = datetime.timedelta(minutes=10)


@task()
def send_message_task(message_id: int) -> str:
    return message_send(message_id=message_id)


def messages_dispatch(*, now: datetime.datetime | None = None, limit: int = 20_000) -> int:
    """Queue a send task for each waiting message whose moment has come (soonest first)."""
    now = now or timezone.now()
    ready = Message.objects.filter(status=MessageStatus.PENDING, send_after__lte=now).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER)
    )
    ids = list(ready.order_by("send_after", "id").values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        Message.objects.filter(pk__in=chunk).update(enqueued_at=now)
        for message_id in chunk:
            send_message_task.enqueue(message_id=message_id)
    return len(ids)
