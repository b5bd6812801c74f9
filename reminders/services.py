"""Writes of the reminders app, called by the pages, the webhooks, the `send_reminders` command and
the workers' task alike.

- Consent: `consent_record` (opt-in or opt-out, when and how, audited); `inbound_sms` (STOP and its
  synonyms withdraw at once, START restores, HELP answers).
- Scheduling: `reminders_plan` walks the open deadlines of consenting people page by page and
  creates one message per person, channel, due day and reminder offset (its idempotency key);
  `team_alerts_raise` and `alert_hearing_moved` alert the team; `digests_plan` the lawyers' morning
  digest. `reminders_tick` runs them all (the command, every minute).
- Sending: `message_send` takes one message from PENDING to SENDING under a row lock (so it is sent
  at most once, whoever runs it), re-reads the dates, consent and quiet hours, composes the text,
  hands it to its channel, and records SENT, a retry with backoff, or FAILED (given up).
- Delivery reports: `message_status_record`; replays refused by `webhook_receipt_claim`.
- Retention: `messages_purge` (the log goes after REMINDERS_LOG_RETENTION_DAYS)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.access import case_list_visible_to
from cases.audit import audit_record
from cases.models import Case, Demonstrator
from cases.selectors import account_language
from cases.types import User
from citations.deadlines import ClerkHoursTable, clerk_hours_table
from citations.models import Citation, Deadline, DeadlineStatus
from citations.selectors import deadlines_in_pages
from core.crypto import blind_index
from reminders.channels import ChannelError, Outgoing, channel_for
from reminders.compose import (
    digest_text,
    hearing_moved_text,
    help_text,
    language_of,
    missed_alert_text,
    reminder_text,
    stopped_text,
)
from reminders.models import (
    OPEN_MESSAGE_STATUSES,
    AlertKind,
    ConsentMethod,
    ContactChannel,
    ContactConsent,
    ContactPreference,
    DigestSubscription,
    Message,
    MessageKind,
    MessageStatus,
    ReminderTiming,
    TeamAlert,
    WebhookReceipt,
)
from reminders.selectors import (
    Recipients,
    alert_recipients,
    coordinators,
    deadlines_by_ids,
    deadlines_due_for_many,
    demonstrators_with_phone,
    digest_deadlines,
    digest_subscribers,
    hearing_deadline_ids,
    missed_deadlines,
    recipients,
    reminder_deadlines,
)

# Carrier keywords (CTIA): any of these as the reply's first word withdraws SMS consent at once.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO", "AYUDA"})

# A planned reminder whose moment passed longer ago than this (the scheduler was down) is skipped.
PLAN_STALE_AFTER = datetime.timedelta(hours=12)
# A message left SENDING this long (its worker died mid-send) is marked failed, never resent:
# whether the provider got it is unknown, and a duplicate is worse than a gap the team can see.
SENDING_STALE_AFTER = datetime.timedelta(minutes=15)


# --- consent ---------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    demonstrator: Demonstrator,
    channel: str,
    granted: bool,
    method: str,
    by: User | None,
    at: datetime.datetime | None = None,
) -> ContactConsent:
    """Record an opt-in or opt-out on one channel. An opt-out is honoured at once: the channel's
    waiting messages to the person are suppressed in the same transaction."""
    if channel not in ContactChannel.values:
        raise ValidationError({"channel": "Unknown channel."})
    if method not in ConsentMethod.values:
        raise ValidationError({"method": "Unknown method."})
    at = at or timezone.now()
    preference, _ = ContactPreference.objects.select_for_update().get_or_create(demonstrator=demonstrator)
    setattr(preference, channel, granted)
    preference.save()
    if channel == ContactChannel.SMS:
        Demonstrator.objects.filter(pk=demonstrator.pk).update(consent_contact_sms=granted)
        demonstrator.consent_contact_sms = granted
    row = ContactConsent.objects.create(
        demonstrator=demonstrator, channel=channel, granted=granted, method=method, recorded_at=at, recorded_by=by
    )
    if not granted:
        Message.objects.filter(demonstrator=demonstrator, channel=channel, status=MessageStatus.PENDING).update(
            status=MessageStatus.SUPPRESSED, status_at=at
        )
    audit_record(
        actor=by,
        action="reminders.consent",
        target=demonstrator,
        kind=channel,
        status="granted" if granted else "withdrawn",
        reason=method,
    )
    return row


def inbound_sms(*, from_number: str, body: str) -> str:
    """A reply from a phone: STOP (and synonyms) withdraws SMS consent of every person with that
    number at once; START restores it; HELP is answered. Returns the reply to send ('' for none)."""
    words = (body or "").strip().split()
    word = words[0].upper().strip(".!") if words else ""
    people = list(demonstrators_with_phone(from_number))
    language = language_of(people[0]) if people else "en"
    if word in STOP_WORDS:
        for person in people:
            consent_record(
                demonstrator=person,
                channel=ContactChannel.SMS,
                granted=False,
                method=ConsentMethod.SMS_KEYWORD,
                by=None,
            )
        return stopped_text(language=language)
    if word in START_WORDS:
        for person in people:
            consent_record(
                demonstrator=person, channel=ContactChannel.SMS, granted=True, method=ConsentMethod.SMS_KEYWORD, by=None
            )
        return help_text(language=language) if people else ""
    if word in HELP_WORDS:
        return help_text(language=language)
    return ""


@transaction.atomic
def digest_subscribe(*, user: User, active: bool) -> DigestSubscription:
    row, _ = DigestSubscription.objects.update_or_create(user=user, defaults={"active": active})
    return row


# --- scheduling ------------------------------------------------------------------------------


def days_before_for(deadline: Deadline) -> list[int]:
    """The reminder offsets of the deadline's rule (its ReminderTiming), else the default."""
    try:
        days = list(deadline.rule.reminder_timing.days_before)
    except ObjectDoesNotExist:
        days = list(settings.REMINDERS_DAYS_BEFORE)
    return sorted({int(day) for day in days if int(day) >= 0}, reverse=True)


def send_moment(due_on: datetime.date, days_before: int, tz: ZoneInfo) -> datetime.datetime:
    day = due_on - datetime.timedelta(days=days_before)
    return datetime.datetime.combine(day, datetime.time(settings.REMINDERS_SEND_HOUR), tzinfo=tz)


def _longest_offset() -> int:
    ruled = ReminderTiming.objects.all().values_list("days_before", flat=True)
    days = [int(d) for row in ruled for d in (row or [])] + [int(d) for d in settings.REMINDERS_DAYS_BEFORE]
    return max(days, default=0)


def _create_new(candidates: dict[str, Message]) -> int:
    """Create the messages whose key does not exist yet; returns how many were new. A concurrent
    scheduler creating the same key loses quietly (ignore_conflicts on the unique key)."""
    if not candidates:
        return 0
    existing = set(Message.objects.filter(key__in=list(candidates)).values_list("key", flat=True))
    new = [message for key, message in candidates.items() if key not in existing]
    Message.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def reminders_plan(*, now: datetime.datetime | None = None) -> int:
    """Create the reminders due to go out by `now`: for each open deadline of a consenting person,
    each offset whose moment (the send hour of that day, the event's time zone) has come and is
    not stale, one message per channel, keyed by person, due day, offset and channel, so every
    matter due that day shares one message. Walks the deadlines in pages."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first, last = today - datetime.timedelta(days=1), today + datetime.timedelta(days=_longest_offset() + 1)
    created = 0
    for page in deadlines_in_pages(reminder_deadlines(first_day=first, last_day=last)):
        candidates: dict[str, Message] = {}
        for deadline in page:
            if deadline.due_at <= now:
                continue
            person = deadline.case.demonstrator
            preference = person.contact_preference
            channels = [ContactChannel.SMS.value] if person.consent_contact_sms and preference.sms else []
            if preference.email:
                channels.append(ContactChannel.EMAIL.value)
            tz = ZoneInfo(deadline.case.event.time_zone)
            for days in days_before_for(deadline):
                moment = send_moment(deadline.due_on, days, tz)
                if moment > now or now - moment > PLAN_STALE_AFTER:
                    continue
                for channel in channels:
                    key = f"r:{person.pk}:{deadline.due_on.isoformat()}:{days}:{channel}"
                    message = candidates.get(key)
                    if message is None:
                        message = candidates[key] = Message(
                            key=key,
                            kind=MessageKind.REMINDER,
                            channel=channel,
                            demonstrator_id=person.pk,
                            due_on=deadline.due_on,
                            days_before=days,
                            send_after=moment,
                            deadline_ids=[],
                        )
                    message.deadline_ids.append(deadline.pk)
        created += _create_new(candidates)
    return created


def _alert_messages(alerts: list[tuple[TeamAlert, list[User]]], *, send_after: datetime.datetime) -> list[str]:
    """One e-mail per alert and recipient (keyed `a:<alert>:<user>`; two queries however many
    alerts); returns the messages' keys."""
    candidates = {
        f"a:{alert.pk}:{user.pk}": Message(
            key=f"a:{alert.pk}:{user.pk}",
            kind=MessageKind.TEAM_ALERT,
            channel=ContactChannel.EMAIL,
            user=user,
            alert=alert,
            send_after=send_after - datetime.timedelta(minutes=1) if alert.warrant_risk else send_after,
        )
        for alert, people in alerts
        for user in people
        if user.email
    }
    _create_new(candidates)
    return list(candidates)


def team_alerts_raise(*, now: datetime.datetime | None = None) -> int:
    """Alert the client's lawyers and the coordinators of every deadline that passed unmet in the
    last REMINDERS_ALERT_LOOKBACK_DAYS (once each: the alert's key); warrant risks go out first.
    A page of deadlines costs the same few queries however many it alerts; the coordinators are
    read once for the run (and only if something is alerted)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.REMINDERS_ALERT_LOOKBACK_DAYS)
    coordinating: list[User] | None = None
    raised = 0
    for page in deadlines_in_pages(missed_deadlines(since=since, until=now)):
        keys = {f"missed:{deadline.pk}": deadline for deadline in page}
        existing = set(TeamAlert.objects.filter(key__in=list(keys)).values_list("key", flat=True))
        new = {key: deadline for key, deadline in keys.items() if key not in existing}
        if not new:
            continue
        if coordinating is None:
            coordinating = coordinators()
        with transaction.atomic():  # an alert stands only with its e-mails
            TeamAlert.objects.bulk_create(
                [
                    TeamAlert(
                        key=key,
                        kind=AlertKind.MISSED,
                        case=deadline.case,
                        deadline=deadline,
                        citation_id=deadline.citation_id,
                        warrant_risk=deadline.warrant_risk,
                    )
                    for key, deadline in new.items()
                ],
                ignore_conflicts=True,  # a second scheduler raising the same alert loses quietly
            )
            alerts = TeamAlert.objects.filter(key__in=list(new))
            recipients_of = [
                (alert, alert_recipients(new[alert.key].case, coordinating=coordinating)) for alert in alerts
            ]
            _alert_messages(recipients_of, send_after=now)
        raised += len(new)
    return raised


def alert_hearing_moved(
    *, citation: Citation, previous_at: datetime.datetime | None, now: datetime.datetime | None = None
) -> TeamAlert | None:
    """A hearing that was set has moved (or been taken off): the case's lawyers hear of it (the
    coordinators when no lawyer is assigned). Idempotent per move."""
    current = citation.hearing_at
    if previous_at is None or previous_at == current:
        return None
    stamp = int(current.timestamp()) if current else 0
    key = f"moved:{citation.pk}:{int(previous_at.timestamp())}:{stamp}"
    with transaction.atomic():
        alert, created = TeamAlert.objects.get_or_create(
            key=key,
            defaults={
                "kind": AlertKind.HEARING_MOVED,
                "case_id": citation.case_id,
                "citation": citation,
                "previous_at": previous_at,
                "current_at": current,
            },
        )
        if created:
            case = Case.objects.get(pk=citation.case_id)
            lawyers = list(case.lawyers.filter(is_active=True))
            _alert_messages([(alert, lawyers or alert_recipients(case))], send_after=now or timezone.now())
    return alert


def date_changed_plan(
    *, citation: Citation, previous_at: datetime.datetime | None, now: datetime.datetime | None = None
) -> list[str]:
    """The person whose hearing moved is told at once ("your date has changed", with the new date,
    time and place) on each channel they consent to, or when quiet hours end; one message per move
    and channel (its key names the citation and both times). Returns the messages' keys.

    The message names the hearing's deadlines (the same rows, moved by the deadline engine); when it
    is sent they must still be open on the day it announces, or it is cancelled (moved again: the
    newer move has its own message)."""
    now = now or timezone.now()
    current = citation.hearing_at
    if previous_at is None or current is None or current == previous_at or current <= now:
        return []
    case = citation.case
    channels = recipients({case.demonstrator_id}).channels.get(case.demonstrator_id, set())
    hearing_ids = hearing_deadline_ids(citation_id=citation.pk) if channels else []
    if not hearing_ids:
        return []
    tz = ZoneInfo(case.event.time_zone)
    send_after = quiet_until(now, tz) or now
    stamp = f"{citation.pk}:{int(previous_at.timestamp())}:{int(current.timestamp())}"
    candidates = {
        f"c:{case.demonstrator_id}:{stamp}:{channel}": Message(
            key=f"c:{case.demonstrator_id}:{stamp}:{channel}",
            kind=MessageKind.DATE_CHANGED,
            channel=channel,
            demonstrator_id=case.demonstrator_id,
            due_on=current.astimezone(tz).date(),
            deadline_ids=hearing_ids,
            send_after=send_after,
        )
        for channel in sorted(channels)
    }
    _create_new(candidates)
    return list(candidates)


def hearing_moved(
    *, citation: Citation, previous_at: datetime.datetime | None, now: datetime.datetime | None = None
) -> list[int]:
    """A hearing moved: the lawyers' alert and the person's "your date has changed", both at once.
    Returns the ids of the messages that may go now (the caller queues them once the move commits:
    `reminders.tasks.messages_send_soon`); one in quiet hours waits for the every-minute job."""
    now = now or timezone.now()
    alert = alert_hearing_moved(citation=citation, previous_at=previous_at, now=now)
    keys = date_changed_plan(citation=citation, previous_at=previous_at, now=now)
    ours = Q(key__in=keys) | Q(alert=alert) if alert is not None else Q(key__in=keys)
    ready = Message.objects.filter(ours, status=MessageStatus.PENDING, send_after__lte=now)
    return list(ready.values_list("pk", flat=True))


def digests_plan(*, now: datetime.datetime | None = None) -> int:
    """From REMINDERS_DIGEST_HOUR (site time), one digest a day per subscribed lawyer."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.REMINDERS_DIGEST_HOUR:
        return 0
    day = local.date().isoformat()
    candidates = {
        f"d:{user.pk}:{day}": Message(
            key=f"d:{user.pk}:{day}",
            kind=MessageKind.DIGEST,
            channel=ContactChannel.EMAIL,
            user=user,
            due_on=local.date(),
            send_after=now,
        )
        for user in digest_subscribers()
        if user.email
    }
    return _create_new(candidates)


def messages_unstick(*, now: datetime.datetime | None = None) -> int:
    """Messages whose worker died while sending: failed (visible), never sent again."""
    now = now or timezone.now()
    return Message.objects.filter(status=MessageStatus.SENDING, status_at__lt=now - SENDING_STALE_AFTER).update(
        status=MessageStatus.FAILED, error_code="unknown_outcome", status_at=now
    )


def messages_purge(*, now: datetime.datetime | None = None) -> int:
    """Retention: finished messages, alerts and webhook receipts older than
    REMINDERS_LOG_RETENTION_DAYS go."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REMINDERS_LOG_RETENTION_DAYS)
    deleted, _ = Message.objects.filter(created_at__lt=cutoff).exclude(status__in=OPEN_MESSAGE_STATUSES).delete()
    alerts, _ = TeamAlert.objects.filter(created_at__lt=cutoff).delete()
    WebhookReceipt.objects.filter(received_at__lt=cutoff).delete()
    return deleted + alerts


@dataclass
class TickReport:
    unstuck: int = 0
    planned: int = 0
    alerts: int = 0
    digests: int = 0
    purged: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {
            "unstuck": self.unstuck,
            "planned": self.planned,
            "alerts": self.alerts,
            "digests": self.digests,
            "purged": self.purged,
            **self.extra,
        }


def reminders_tick(*, now: datetime.datetime | None = None) -> TickReport:
    """One run of the periodic job (before its messages are queued for the workers)."""
    now = now or timezone.now()
    return TickReport(
        unstuck=messages_unstick(now=now),
        planned=reminders_plan(now=now),
        alerts=team_alerts_raise(now=now),
        digests=digests_plan(now=now),
        purged=messages_purge(now=now),
    )


# --- sending ---------------------------------------------------------------------------------


def quiet_until(moment: datetime.datetime, tz: ZoneInfo) -> datetime.datetime | None:
    """When quiet hours (REMINDERS_QUIET_HOURS, local) end, if `moment` falls inside them."""
    start, end = settings.REMINDERS_QUIET_HOURS
    local = moment.astimezone(tz)
    hour = local.hour
    quiet = (hour >= start or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return None
    day = local.date() if hour < end else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(end), tzinfo=tz)


@dataclass
class Prepared:
    outcome: str  # "send", "defer", or a final status
    outgoing: Outgoing | None = None
    language: str = ""
    to_hash: str = ""
    kind: str = ""
    send_after: datetime.datetime | None = None


def _address(channel: str, phone: str, email: str) -> tuple[str, str]:
    if channel == ContactChannel.SMS:
        return phone, blind_index(phone, purpose="reminders.message.to", kind="phone")
    return email, blind_index(email, purpose="reminders.message.to", kind="email")


def status_callback_url(now: datetime.datetime) -> str:
    base = settings.REMINDERS_PUBLIC_BASE_URL.rstrip("/")
    if not base:
        return ""
    return f"{base}{reverse('reminders-sms-status')}?t={int(now.timestamp())}"


def _prepare_for_person(
    message: Message,
    now: datetime.datetime,
    people: Recipients,
    due: dict[tuple[int, datetime.date], list[Deadline]],
    clerk_hours: ClerkHoursTable | None,
) -> Prepared:
    person = people.people.get(message.demonstrator_id or 0)
    if person is None or not people.consented(person.pk, message.channel):
        return Prepared(MessageStatus.SUPPRESSED)
    kind = message.kind
    deadlines = [d for d in due.get((person.pk, message.due_on), []) if d.due_at > now] if message.due_on else []
    changed = kind == MessageKind.DATE_CHANGED
    if changed:  # planned when the date changed: still so, or a newer move has its own message
        deadlines = [d for d in deadlines if d.pk in set(message.deadline_ids)]
        if not deadlines:
            return Prepared(MessageStatus.CANCELLED)
    if not deadlines:
        moved = [
            d
            for d in deadlines_by_ids(list(message.deadline_ids))
            if d.status == DeadlineStatus.OPEN and d.due_on != message.due_on and d.due_at > now
        ]
        if not moved:
            return Prepared(MessageStatus.CANCELLED)
        first_day = min(d.due_on for d in moved)
        # Told already (at the moment of the move, or by another reminder of the old day)?
        told = Message.objects.filter(
            demonstrator_id=person.pk,
            channel=message.channel,
            kind=MessageKind.DATE_CHANGED,
            due_on=first_day,
            status__in=(MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED),
        ).exists()
        if told:
            return Prepared(MessageStatus.CANCELLED)
        deadlines, changed, kind = [d for d in moved if d.due_on == first_day], True, MessageKind.DATE_CHANGED
    tz = ZoneInfo(deadlines[0].case.event.time_zone)
    later = quiet_until(now, tz)
    if later is not None:
        return Prepared("defer", send_after=later)
    address, to_hash = _address(message.channel, person.phone, person.email)
    if not address:
        return Prepared(MessageStatus.FAILED, kind="no_address")
    language = language_of(person)
    subject, body = reminder_text(deadlines, language=language, changed=changed, clerk_hours=clerk_hours)
    outgoing = Outgoing(
        to=address,
        body=body,
        subject=subject,
        key=message.key,
        status_callback=status_callback_url(now) if message.channel == ContactChannel.SMS else "",
    )
    return Prepared("send", outgoing=outgoing, language=language, to_hash=to_hash, kind=kind)


def _prepare_for_team(message: Message, now: datetime.datetime) -> Prepared:
    user = message.user
    if user is None or not user.is_active or not user.email:
        return Prepared(MessageStatus.SUPPRESSED)
    language = account_language(user)
    if message.kind == MessageKind.DIGEST:
        if not DigestSubscription.objects.filter(user=user, active=True).exists():
            return Prepared(MessageStatus.SUPPRESSED)
        due = digest_deadlines(user=user, today=message.due_on or now.date())
        subject, body = digest_text(due, today=now.date(), language=language)
    else:
        alert = message.alert
        if alert is None or not case_list_visible_to(user=user).filter(pk=alert.case_id).exists():
            return Prepared(MessageStatus.SUPPRESSED)
        if alert.kind == AlertKind.MISSED and alert.deadline is not None:
            subject, body = missed_alert_text(alert.deadline, language=language)
        elif alert.citation is not None:
            subject, body = hearing_moved_text(alert.citation, alert.previous_at, language=language)
        else:
            return Prepared(MessageStatus.CANCELLED)
    to_hash = blind_index(user.email, purpose="reminders.message.to", kind="email")
    outgoing = Outgoing(to=user.email, body=body, subject=subject, key=message.key)
    return Prepared("send", outgoing=outgoing, language=language, to_hash=to_hash, kind=message.kind)


def messages_preview(messages: list[Message], *, now: datetime.datetime | None = None) -> list[Outgoing | None]:
    """What each message would say if it were sent now (the outbox page), or None: the people
    and their dates are read once for the whole list."""
    return [prepared.outgoing for prepared in _prepare(messages, now or timezone.now())]


def _prepare(messages: list[Message], now: datetime.datetime, *, quiet: bool = False) -> list[Prepared]:
    """What each message would say now (people and their deadlines read for all at once).
    `quiet`: honour quiet hours (sending); the outbox shows the text whatever the hour."""
    people = recipients({m.demonstrator_id for m in messages if m.demonstrator_id})
    due = deadlines_due_for_many({(m.demonstrator_id, m.due_on) for m in messages if m.demonstrator_id and m.due_on})
    # the clerk's hours, for a filing's "before the office closes": one query per batch of reminders
    clerk_hours = clerk_hours_table() if any(m.demonstrator_id for m in messages) else None
    prepared = []
    for message in messages:
        if not message.demonstrator_id:
            prepared.append(_prepare_for_team(message, now))
            continue
        one = _prepare_for_person(message, now, people, due, clerk_hours)
        if one.outcome == "defer" and not quiet:
            one = _prepare_for_person(message, one.send_after or now, people, due, clerk_hours)
        prepared.append(one)
    return prepared


def messages_send(*, message_ids: list[int], now: datetime.datetime | None = None) -> dict[int, str]:
    """Send the messages that are still waiting; returns what became of each. Safe to call from
    any number of workers at once and any number of times: the waiting rows are taken under a
    row lock (rows another worker holds are skipped) and marked SENDING before anything leaves;
    then each goes out on its own, and its failure is its own."""
    now = now or timezone.now()
    outcomes = dict.fromkeys(message_ids, "skipped")
    with transaction.atomic():
        batch = list(
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "user", "alert__deadline__case__event", "alert__deadline__rule", "alert__citation__case__event"
            )
            .filter(pk__in=message_ids, status=MessageStatus.PENDING)
            .order_by("pk")
        )
        ready = [m for m in batch if m.send_after <= now]
        outcomes.update({m.pk: "early" for m in batch if m.send_after > now})
        going: list[tuple[Message, Prepared]] = []
        for message, prepared in zip(ready, _prepare(ready, now, quiet=True), strict=True):
            if prepared.outcome == "defer":
                message.send_after, message.enqueued_at = prepared.send_after or now, None
                message.save(update_fields=["send_after", "enqueued_at"])
                outcomes[message.pk] = "deferred"
            elif prepared.outcome != "send" or prepared.outgoing is None:
                message.status, message.status_at, message.error_code = prepared.outcome, now, prepared.kind
                message.save(update_fields=["status", "status_at", "error_code"])
                outcomes[message.pk] = message.status
            else:
                message.status, message.status_at, message.attempts = MessageStatus.SENDING, now, message.attempts + 1
                message.language, message.to_hash, message.kind = prepared.language, prepared.to_hash, prepared.kind
                going.append((message, prepared))
        fields = ["status", "status_at", "attempts", "language", "to_hash", "kind"]
        Message.objects.bulk_update([message for message, _ in going], fields)
    counts: dict[str, int] = {}
    for message, _ in going:
        counts[message.channel] = counts.get(message.channel, 0) + 1
    channels = {name: channel_for(name, upcoming=count) for name, count in counts.items()}
    for message, prepared in going:
        if prepared.outgoing is None:  # never: checked above (narrows the type)
            continue
        try:
            sent = channels[message.channel].send(prepared.outgoing)
        except ChannelError as error:
            outcomes[message.pk] = _after_failure(message, error)
            continue
        done = timezone.now()
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.SENT, sent_at=done, status_at=done, provider_id=sent.provider_id, error_code=""
        )
        outcomes[message.pk] = MessageStatus.SENT
    return outcomes


def message_send(*, message_id: int, now: datetime.datetime | None = None) -> str:
    """Send one message if it is still waiting (`messages_send` of one)."""
    return messages_send(message_ids=[message_id], now=now)[message_id]


def _after_failure(message: Message, error: ChannelError) -> str:
    now = timezone.now()
    sending = Message.objects.filter(id=message.id, status=MessageStatus.SENDING)
    if error.retryable and message.attempts < settings.REMINDERS_MAX_ATTEMPTS:
        backoff = settings.REMINDERS_RETRY_BASE_SECONDS * 2 ** max(message.attempts - 1, 0)
        delay = max(error.retry_after or 0, backoff)
        sending.update(
            status=MessageStatus.PENDING,
            send_after=now + datetime.timedelta(seconds=delay),
            enqueued_at=None,
            error_code=error.code,
            status_at=now,
        )
        return "retry"
    sending.update(status=MessageStatus.FAILED, error_code=error.code, status_at=now)
    return MessageStatus.FAILED


# --- delivery reports ------------------------------------------------------------------------

PROVIDER_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}


def webhook_receipt_claim(*, key: str) -> bool:
    """True the first time `key` is seen; False for a replay."""
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(key=key[:120])
    except IntegrityError:
        return False
    return True


def message_status_record(*, provider_id: str, status: str, error_code: str = "") -> int:
    """A delivery report from the provider; returns how many messages it updated (0 or 1)."""
    new = PROVIDER_STATUSES.get(status)
    if new is None or not provider_id:
        return 0
    fields: dict[str, Any] = {"status": new, "status_at": timezone.now()}
    if new == MessageStatus.FAILED:
        fields["error_code"] = f"provider:{error_code}"[:40]
    rows = Message.objects.filter(provider_id=provider_id)
    if new == MessageStatus.SENT:  # a late "sent" never undoes "delivered" or "failed"
        rows = rows.filter(status=MessageStatus.SENDING)
    return rows.update(**fields)
