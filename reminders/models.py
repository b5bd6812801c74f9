"""Models of the reminders app: consent to be contacted (the current choice and its history),
the reminder timing of a deadline rule, every message (reminder, team alert, digest) with its
idempotency key and delivery status, team alerts, lawyers' digest choice, webhook receipts.

A message row never holds the text it carried nor an address: the recipient is a keyed hash
(`core.crypto.blind_index`), the text is composed again from the deadlines when it is sent (and
when the outbox page shows it)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Demonstrator
from citations.models import Citation, Deadline, DeadlineRule


class ContactChannel(models.TextChoices):
    SMS = "sms", _("Text message (SMS)")
    EMAIL = "email", _("E-mail")


class ConsentMethod(models.TextChoices):
    INTAKE_FORM = "intake_form", _("Intake form, signed")
    VERBAL = "verbal", _("Said so to the legal team (recorded by a team member)")
    WRITTEN = "written", _("In writing (letter or e-mail)")
    SMS_KEYWORD = "sms_keyword", _("Replied by text message (START, STOP...)")
    TEAM = "team", _("Withdrawn by the legal team")


class ContactPreference(models.Model):
    """A person's current choice per channel (one row per person; written only by the reminders
    services, which also write the history below). SMS also needs the person's own
    `consent_contact_sms` flag: both must say yes."""

    demonstrator = models.OneToOneField(Demonstrator, on_delete=models.CASCADE, related_name="contact_preference")
    sms = models.BooleanField(default=False)
    email = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contact preference of demonstrator {self.demonstrator_id}"


class ContactConsent(models.Model):
    """One opt-in or opt-out: when, how, by whom (the history the carriers ask for)."""

    demonstrator = models.ForeignKey(Demonstrator, on_delete=models.CASCADE, related_name="contact_consents")
    channel = models.CharField(max_length=5, choices=ContactChannel.choices)
    granted = models.BooleanField()
    method = models.CharField(max_length=12, choices=ConsentMethod.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["demonstrator", "channel", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["demonstrator", "channel", "recorded_at"], name="consent_person_channel_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {'opt-in' if self.granted else 'opt-out'} of demonstrator {self.demonstrator_id}"


class ReminderTiming(models.Model):
    """How many days before a rule's deadlines people are reminded (default: settings
    REMINDERS_DAYS_BEFORE; 1 is the morning before)."""

    rule = models.OneToOneField(DeadlineRule, on_delete=models.CASCADE, related_name="reminder_timing")
    days_before = models.JSONField(default=list, help_text=_("Days before the deadline, e.g. [7, 2, 1]."))

    def __str__(self) -> str:
        return f"Reminders for {self.rule_id}: {self.days_before}"


class MessageKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    DATE_CHANGED = "date_changed", _("Your date changed")
    TEAM_ALERT = "team_alert", _("Alert to the legal team")
    DIGEST = "digest", _("Morning digest")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Handed to the provider")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed: gave up")
    CANCELLED = "cancelled", _("Not sent: nothing due any more")
    SUPPRESSED = "suppressed", _("Not sent: no consent")


OPEN_MESSAGE_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING)


class Message(models.Model):
    """One message to one recipient on one channel. `key` is its idempotency key: the scheduler
    creates a message at most once per key, and a worker sends it only after taking it from
    PENDING to SENDING under a row lock, so two workers or a retried task never send it twice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    channel = models.CharField(max_length=5, choices=ContactChannel.choices)
    demonstrator = models.ForeignKey(
        Demonstrator, null=True, blank=True, on_delete=models.CASCADE, related_name="reminder_messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="team_messages"
    )
    alert = models.ForeignKey("TeamAlert", null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    due_on = models.DateField(null=True, blank=True, help_text=_("The day the reminded matters fall due."))
    days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_ids = models.JSONField(default=list, blank=True, help_text=_("The deadlines it was planned for (ids)."))
    language = models.CharField(max_length=5, blank=True)
    to_hash = models.CharField(max_length=64, blank=True, help_text=_("Keyed hash of the address it went to."))
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField()
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-send_after", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(demonstrator__isnull=False) | Q(user__isnull=False), name="message_has_a_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="message_status_send_idx"),
            models.Index(fields=["provider_id"], name="message_provider_idx"),
            models.Index(fields=["created_at"], name="message_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.status}"


class AlertKind(models.TextChoices):
    MISSED = "missed", _("Deadline passed unmet")
    HEARING_MOVED = "hearing_moved", _("Hearing date changed")


class TeamAlert(models.Model):
    """Something the client's lawyers and the coordinators must see now (their home page, and an
    e-mail each). `key` makes raising it idempotent."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=14, choices=AlertKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team_alerts")
    deadline = models.ForeignKey(Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    citation = models.ForeignKey(Citation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    warrant_risk = models.BooleanField(default=False)
    previous_at = models.DateTimeField(null=True, blank=True)
    current_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-warrant_risk", "-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="teamalert_created_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class DigestSubscription(models.Model):
    """A lawyer's choice of the morning digest (what is due in the next 7 days)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Digest of user {self.user_id}"


class WebhookReceipt(models.Model):
    """A provider callback already acted on (its message id and status): a replay is refused."""

    key = models.CharField(max_length=120, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["received_at"], name="webhook_received_idx")]

    def __str__(self) -> str:
        return self.key


class ProviderRate(models.Model):
    """The send rate of one provider at one rate, shared by every worker and process: `next_at`
    (seconds since the epoch) is the earliest moment the next message may go. A worker reserves
    its next sends by moving it forward in one locked UPDATE (`reminders.ratelimit`); a 429 from
    the provider moves it past the provider's Retry-After, which pauses every worker."""

    key = models.CharField(max_length=80, unique=True)
    next_at = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.key
