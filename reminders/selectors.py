"""Reads of the reminders app: the deadlines the scheduler walks (page by page, through
`citations.selectors.deadlines_in_pages`), what is due for one person on one day (read again just
before sending), consent, the recipients of a team alert, the outbox and the alerts a user sees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case, Demonstrator
from cases.permissions import users_who_may
from cases.types import AnyUser, User
from citations.models import Deadline, DeadlineKind, DeadlineStatus
from citations.selectors import deadlines_due
from reminders.access import message_list_visible_to, team_alert_list_visible_to
from reminders.compose import REMINDED_KINDS
from reminders.models import ContactChannel, ContactPreference, DigestSubscription, Message, TeamAlert


def consent_q(channel: str, *, through: str = "") -> Q:
    """Who may be reminded on `channel`, as a filter on Demonstrator (or through a relation to it).
    SMS needs the person's own flag and the recorded opt-in; e-mail the recorded opt-in."""
    p = f"{through}__" if through else ""
    if channel == ContactChannel.SMS:
        return Q(**{f"{p}consent_contact_sms": True, f"{p}contact_preference__sms": True})
    return Q(**{f"{p}contact_preference__email": True})


def reachable_q(*, through: str = "") -> Q:
    p = f"{through}__" if through else ""
    return Q(**{f"{p}purged_at__isnull": True}) & (
        consent_q(ContactChannel.SMS, through=through) | consent_q(ContactChannel.EMAIL, through=through)
    )


def reminder_deadlines(*, first_day: datetime.date, last_day: datetime.date) -> QuerySet[Deadline]:
    """Open deadlines of the reminded kinds due between the two days (inclusive), of people who
    consented on at least one channel, joined to what a reminder needs. For
    `deadlines_in_pages`: one query a page, whatever the total."""
    return (
        Deadline.objects.filter(
            status=DeadlineStatus.OPEN, kind__in=REMINDED_KINDS, due_on__gte=first_day, due_on__lte=last_day
        )
        .filter(case__purged_at__isnull=True)
        .filter(reachable_q(through="case__demonstrator"))
        .select_related("case__event", "case__demonstrator__contact_preference", "citation", "rule__reminder_timing")
    )


@dataclass
class Recipients:
    """People read now for a batch of messages: each with the channels they consent to."""

    people: dict[int, Demonstrator]
    channels: dict[int, set[str]]

    def consented(self, person_id: int | None, channel: str) -> bool:
        return person_id is not None and channel in self.channels.get(person_id, set())


def recipients(person_ids: set[int]) -> Recipients:
    """The people and, from the consent rule above (`consent_q`), their channels: three queries
    for any number of people."""
    live = Demonstrator.objects.filter(pk__in=person_ids, purged_at__isnull=True)
    channels: dict[int, set[str]] = {}
    for channel in (ContactChannel.SMS, ContactChannel.EMAIL):
        for pk in live.filter(consent_q(channel)).values_list("pk", flat=True):
            channels.setdefault(pk, set()).add(channel.value)
    return Recipients(people={p.pk: p for p in live}, channels=channels)


def deadlines_due_for_many(pairs: set[tuple[int, datetime.date]]) -> dict[tuple[int, datetime.date], list[Deadline]]:
    """`deadlines_due_for` of many (person, day) pairs in one query, grouped by pair."""
    if not pairs:
        return {}
    people = {person for person, _ in pairs}
    days = {day for _, day in pairs}
    rows = Deadline.objects.filter(
        case__demonstrator_id__in=people,
        case__purged_at__isnull=True,
        status=DeadlineStatus.OPEN,
        kind__in=REMINDED_KINDS,
        due_on__in=days,
    ).select_related("case__event", "citation")
    grouped: dict[tuple[int, datetime.date], list[Deadline]] = {}
    for deadline in rows:
        key = (deadline.case.demonstrator_id, deadline.due_on)
        if key in pairs:
            grouped.setdefault(key, []).append(deadline)
    return grouped


def preference_of(demonstrator: Demonstrator) -> ContactPreference | None:
    return ContactPreference.objects.filter(demonstrator=demonstrator).first()


def deadlines_by_ids(ids: list[int]) -> list[Deadline]:
    return list(Deadline.objects.filter(pk__in=ids).select_related("case__event", "citation"))


def hearing_deadline_ids(*, citation_id: int) -> list[int]:
    """The citation's hearing deadlines (whatever their date: a move updates the same rows)."""
    return list(Deadline.objects.filter(citation_id=citation_id, kind=DeadlineKind.APPEAR).values_list("pk", flat=True))


def demonstrators_with_phone(number: str) -> QuerySet[Demonstrator]:
    """People whose phone is `number` (the blind index: no decryption, no scan)."""
    index = Demonstrator._meta.get_field("phone_index").index_for(number)
    if not index:
        return Demonstrator.objects.none()
    return Demonstrator.objects.filter(phone_index=index, purged_at__isnull=True)


def coordinators() -> list[User]:
    """Every active account that assigns cases (coordinators): read once per alert run."""
    return list(users_who_may("cases.assign").filter(is_active=True))


def alert_recipients(case: Case, *, coordinating: list[User] | None = None) -> list[User]:
    """The case's lawyers and every coordinator (active accounts), each once. `coordinating`:
    the coordinators already read for a run; the lawyers prefetched as `active_lawyers` (by
    `missed_deadlines`) are used as they are."""
    lawyers = getattr(case, "active_lawyers", None)
    people: dict[int, User] = {}
    for user in case.lawyers.filter(is_active=True) if lawyers is None else lawyers:
        people[user.pk] = user
    for user in coordinators() if coordinating is None else coordinating:
        people.setdefault(user.pk, user)
    return list(people.values())


def missed_deadlines(*, since: datetime.datetime, until: datetime.datetime) -> QuerySet[Deadline]:
    """Deadlines whose moment passed between the two instants with nothing recorded (open or
    marked missed), warrant risk first. Hearings are left out: only the recorded outcome tells
    whether the person appeared."""
    return (
        Deadline.objects.filter(
            status__in=(DeadlineStatus.OPEN, DeadlineStatus.MISSED), due_at__gte=since, due_at__lt=until
        )
        .exclude(kind=DeadlineKind.APPEAR)
        .filter(case__purged_at__isnull=True)
        .select_related("case__event")
        .prefetch_related(
            Prefetch(
                "case__lawyers", queryset=get_user_model().objects.filter(is_active=True), to_attr="active_lawyers"
            )
        )
        .order_by("-warrant_risk", "due_at", "id")
    )


def digest_subscribers() -> QuerySet[User]:
    lawyers = users_who_may("cases.represent").filter(is_active=True)
    return lawyers.filter(pk__in=DigestSubscription.objects.filter(active=True).values("user_id"))


def digest_deadlines(*, user: User, today: datetime.date) -> list[Deadline]:
    return list(deadlines_due(user=user, within_days=7, today=today).select_related("case", "rule"))


def outbox(*, user: AnyUser, limit: int = 100) -> list[Message]:
    """The latest messages (newest first) for the outbox page."""
    return list(
        message_list_visible_to(user=user)
        .select_related("demonstrator", "user", "alert__deadline__rule")
        .order_by("-id")[:limit]
    )


def team_alerts_for(*, user: AnyUser, since: datetime.datetime, limit: int = 20) -> list[TeamAlert]:
    """The recent alerts of the cases `user` sees, warrant risk first."""
    return list(team_alert_list_visible_to(user=user).filter(created_at__gte=since)[:limit])
