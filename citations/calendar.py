"""Private calendar feeds: each lawyer's deadlines and hearings as an iCalendar (.ics) file at a
secret URL that calendar apps poll.

The token is 32 random bytes shown once; only its SHA-256 is stored, so a database copy does
not give the feeds away. Regenerating revokes the old link; a lockdown revokes every link
(citations.receivers). Events carry the case number and the kind of deadline or hearing, never
a client's name, address or citation details beyond the courtroom.

Public API:
- calendar_feed_issue(user, by) -> str          (the new token; the previous link stops working)
- calendar_feed_revoke(user, by) -> int          (links revoked)
- calendar_feed_user(token) -> User | None       (the lawyer a live token belongs to)
- calendar_feed_status(user) -> CalendarFeedToken | None
- calendar_feed_ics(user, now=None) -> bytes
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from cases.audit import audit_record
from cases.permissions import may
from cases.types import User
from citations.access import citation_list_visible_to, deadline_list_visible_to
from citations.deadlines import clerk_hours_table, deadline_provenance, due_wording
from citations.models import CalendarFeedToken, CitationStatus, DeadlineKind, DeadlineStatus
from citations.selectors import DEADLINE_PAGE_SIZE, deadline_title, deadlines_in_pages

PRODID = "-//Legal-support tracker//Deadlines and hearings//EN"
PAST_DAYS = 30  # how far back the feed keeps events
HEARING_LENGTH = datetime.timedelta(hours=1)
FEED_PAGE_SIZE = DEADLINE_PAGE_SIZE  # deadlines read per query


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, user: User, by: User) -> str:
    """A new secret feed link for a lawyer; any previous link stops working."""
    if not may(user, "citations.calendar_feed"):
        raise ValidationError(_("Calendar feeds are for lawyers."))
    now = timezone.now()
    CalendarFeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.create(user=user, token_hash=_hash(token))
    audit_record(actor=by, action="calendar.issue", target=user)
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: User, by: User) -> int:
    revoked = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=by, action="calendar.revoke", target=user, count=revoked)
    return revoked


def calendar_feed_status(*, user: User) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_feed_user(*, token: str) -> Any | None:
    """The lawyer a live token belongs to; None for an unknown, revoked or malformed token, or
    an account that is suspended or no longer a lawyer."""
    if not token or len(token) > 100:
        return None
    row = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=_hash(token), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active or not may(row.user, "citations.calendar_feed"):
        return None
    CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


def _alarm(before: datetime.timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -before)
    return alarm


def calendar_feed_ics(*, user: User, now: datetime.datetime | None = None) -> bytes:
    """The lawyer's open deadlines (all-day events on the last day) and hearings (timed), from
    30 days back on. Deadlines are read FEED_PAGE_SIZE at a time (one query a page), hearings
    in one query."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=PAST_DAYS)
    calendar = Calendar.new(prodid=PRODID, name="Deadlines and hearings", refresh_interval=datetime.timedelta(hours=1))
    count = 0
    clerk_hours = clerk_hours_table()
    deadlines = (
        deadline_list_visible_to(user=user)
        .filter(status__in=(DeadlineStatus.OPEN, DeadlineStatus.MISSED), due_on__gte=since.date())
        .exclude(kind=DeadlineKind.APPEAR)  # the hearing itself is in the feed, at its time
    )
    for deadline in (row for page in deadlines_in_pages(deadlines, size=FEED_PAGE_SIZE) for row in page):
        event = Event.new(
            uid=f"deadline-{deadline.public_id}@tracker",
            summary=deadline_title(deadline),
            start=deadline.due_on,
            end=deadline.due_on + datetime.timedelta(days=1),
            stamp=now,
            description=(
                f"Case {deadline.case.number}: {deadline.get_kind_display()}, last day {deadline.due_on:%Y-%m-%d}"
                f". {due_wording(deadline, clerk_hours=clerk_hours).english(deadline.due_on)}\n{deadline.rule.description}."
                f"\n{deadline_provenance(deadline).english()}"
                + ("\nA missed deadline here is a warrant risk." if deadline.warrant_risk else "")
            ),
            categories=["deadline", deadline.kind],
        )
        event.add("transp", "TRANSPARENT")
        event.add_component(_alarm(datetime.timedelta(days=3 if deadline.warrant_risk else 1), str(event["summary"])))
        calendar.add_component(event)
        count += 1
    hearings = (
        citation_list_visible_to(user=user)
        .filter(hearing_at__gte=since)
        .exclude(status=CitationStatus.CLOSED)
        .order_by("hearing_at", "id")
    )
    for citation in hearings:
        if citation.hearing_at is None:  # pragma: no cover - filtered above
            continue
        event = Event.new(
            uid=f"hearing-{citation.public_id}@tracker",
            summary=f"{citation.case.number} · Hearing ({citation.get_kind_display()})",
            start=citation.hearing_at,
            end=citation.hearing_at + HEARING_LENGTH,
            stamp=now,
            location=f"Courtroom {citation.courtroom}" if citation.courtroom else None,
            description=f"Case {citation.case.number}: hearing on a {citation.get_kind_display()}.",
            categories=["hearing"],
        )
        event.add_component(_alarm(datetime.timedelta(days=1), str(event["summary"])))
        calendar.add_component(event)
        count += 1
    audit_record(actor=user, action="calendar.fetch", count=count)
    return calendar.to_ical()
