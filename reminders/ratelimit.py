"""The SMS provider's rate, shared by every worker process on every machine (a `ProviderRate` row
per provider and rate), so two workers together keep to REMINDERS_SMS_RATE_PER_SECOND, not twice it.

The row holds the earliest moment the next message may go. A worker reserves its next sends in one
atomic UPDATE (`next_at = max(next_at, now) + count × interval`, then read back in the same
transaction: the row stays locked until commit, on PostgreSQL and SQLite alike) and sleeps until
each reserved moment. A reservation covers at most one second of sending (and no more sends than
the worker is about to make), so at 1 message a second each send asks the database, and at 1,000
a second a batch of 50 asks once. A 429 from the provider moves `next_at` past its Retry-After:
every worker's next reservation waits for it (a reservation already held runs out within a
second). Times are the wall clock (`time.time`), which the workers' machines keep in step (NTP);
a `next_at` implausibly far ahead (a clock set back) is taken as now."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from django.db import transaction
from django.db.models import Case, F, FloatField, Q, Value, When

from reminders.models import ProviderRate

# A reservation covers at most this much sending: how long a 429 may take to reach other workers.
RESERVE_SECONDS = 1.0
# A Retry-After longer than this is capped (a worker sleeps through the pause).
MAX_PAUSE_SECONDS = 300.0
# A next_at further ahead than this is not a reservation but a clock that was set back.
STALE_AHEAD_SECONDS = 600.0


def _ahead_or(now: float, floor: float) -> Case:
    """`next_at` when it lies between `floor` and a plausible distance ahead of `now`, else `floor`."""
    plausible = Q(next_at__gte=floor, next_at__lte=now + STALE_AHEAD_SECONDS)
    return Case(When(plausible, then=F("next_at")), default=Value(floor), output_field=FloatField())


def rate_reserve(key: str, *, count: int, interval: float, now: float) -> float:
    """Reserve `count` sends `interval` seconds apart; returns the moment of the first."""
    span = count * interval
    with transaction.atomic():
        rows = ProviderRate.objects.filter(key=key)
        if not rows.update(next_at=_ahead_or(now, now) + Value(span)):
            ProviderRate.objects.bulk_create([ProviderRate(key=key, next_at=now)], ignore_conflicts=True)
            rows.update(next_at=_ahead_or(now, now) + Value(span))
        end = rows.values_list("next_at", flat=True).get()
    return float(end) - span


def rate_pause(key: str, *, until: float, now: float) -> None:
    """Nobody sends before `until` (the provider said 429)."""
    rows = ProviderRate.objects.filter(key=key)
    if not rows.update(next_at=_ahead_or(now, until)):
        ProviderRate.objects.bulk_create([ProviderRate(key=key, next_at=until)], ignore_conflicts=True)


class SharedRate:
    """One holder's view of a shared rate: `take()` waits for this holder's next reserved moment.
    `upcoming` is how many sends the holder is about to make (a batch's SMS): a reservation
    covers no more than that, and no more than RESERVE_SECONDS of sending."""

    def __init__(
        self,
        key: str,
        rate: float,
        *,
        upcoming: int = 1,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.key = key[:80]
        self.rate = max(rate, 0.001)
        self.interval = 1.0 / self.rate
        self.upcoming = max(upcoming, 1)
        self.clock = clock
        self.sleep = sleep
        self.slots: deque[float] = deque()

    def take(self) -> float:
        """Wait for this holder's next moment to send; returns the seconds waited."""
        now = self.clock()
        while self.slots and self.slots[0] < now - self.interval:  # a moment this holder was too slow for
            self.slots.popleft()
        if not self.slots:
            count = max(1, min(self.upcoming, int(self.rate * RESERVE_SECONDS)))
            first = rate_reserve(self.key, count=count, interval=self.interval, now=now)
            self.slots.extend(first + i * self.interval for i in range(count))
        moment = self.slots.popleft()
        self.upcoming = max(self.upcoming - 1, 1)
        wait = max(moment - now, 0.0)
        if wait > 0:
            self.sleep(wait)
        return wait

    def pause(self, seconds: float) -> None:
        """The provider said 429: every holder waits `seconds` (at most MAX_PAUSE_SECONDS)."""
        self.slots.clear()
        now = self.clock()
        rate_pause(self.key, until=now + min(max(seconds, 0.0), MAX_PAUSE_SECONDS), now=now)
