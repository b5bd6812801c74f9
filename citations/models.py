"""Citations, their payments and refunds, deadline rules and deadlines, calendar-feed tokens.

Money is Decimal with exact cents; times are aware. A citation's lifecycle fields change only
through citations.services (the table of allowed moves is citations.lifecycle); deadlines are
computed from rules (citations.deadlines) whenever a citation or complaint changes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import MONEY, Case, ComplaintForum, ExcessiveForceComplaint, Jurisdiction, Officer, Payer, PublicModel
from citations.wording import offense_description, rule_description


class CitationKind(models.TextChoices):
    PA_SUMMARY = "pa_summary", _("Pennsylvania non-traffic summary citation")
    PHL_SUMMARY_NTA = "phl_summary_nta", _("Philadelphia Municipal Court summary citation (notice to appear)")
    PHL_CVN = "phl_cvn", _("Philadelphia civil code violation notice")
    TRAFFIC = "traffic", _("Traffic citation")
    OTHER = "other", _("Other")


class CitationStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ANSWERED = "answered", _("Answered")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    DECIDED = "decided", _("Decided")
    APPEAL_WINDOW = "appeal_window", _("Appeal window open")
    APPEALED = "appealed", _("Appealed")
    CLOSED = "closed", _("Closed")


class Response(models.TextChoices):
    NONE = "", _("No response yet")
    NOT_GUILTY = "not_guilty", _("Plea of not guilty (collateral forwarded)")
    GUILTY = "guilty", _("Plea of guilty (fine and costs paid)")
    PAID = "paid", _("Paid (civil notice)")
    DISPUTED = "disputed", _("Disputed (administrative review)")


class Disposition(models.TextChoices):
    PENDING = "pending", _("Pending")
    DISMISSED = "dismissed", _("Dismissed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    WAIVED = "waived", _("Waived")
    NOT_GUILTY = "not_guilty", _("Not guilty")
    GUILTY = "guilty", _("Guilty")
    PAID = "paid", _("Paid")


# A decision recorded on a citation: every disposition but "pending" (the API's outcome inputs).
DECISIONS = [(value, label) for value, label in Disposition.choices if value != Disposition.PENDING]
# The decisions a city or a court applies to every notice of an event at once (mass disposition).
MASS_DECISIONS = [(choice.value, choice.label) for choice in (Disposition.WAIVED, Disposition.WITHDRAWN)]


class Citation(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="citations")
    number = models.CharField(max_length=40)
    agency = models.CharField(max_length=120, default="Philadelphia Police Department")
    jurisdiction = models.CharField(max_length=10, choices=Jurisdiction.choices, default=Jurisdiction.PHILADELPHIA)
    kind = models.CharField(max_length=20, choices=CitationKind.choices)
    offense_code = models.CharField(max_length=60, help_text=_("e.g. 18 Pa.C.S. § 5502"))
    offense_subsection = models.CharField(max_length=20, blank=True)
    offense_description = models.CharField(max_length=200, blank=True)
    fine = models.DecimalField(default=Decimal("0.00"), **MONEY)
    costs = models.DecimalField(default=Decimal("0.00"), **MONEY)
    issued_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    issuing_officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="citations"
    )
    officer_name_as_written = models.CharField(max_length=200, blank=True)
    officer_badge_as_written = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=CitationStatus.choices, default=CitationStatus.ISSUED)
    response = models.CharField(max_length=12, choices=Response.choices, blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)
    hearing_at = models.DateTimeField(null=True, blank=True)
    courtroom = models.CharField(max_length=40, blank=True)
    docket_number = models.CharField(max_length=60, blank=True)
    docketed = models.BooleanField(default=False, help_text=_("Paper citations can take two weeks to be docketed."))
    disposition = models.CharField(max_length=12, choices=Disposition.choices, default=Disposition.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    appealed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="citation_number_unique_per_agency"),
        ]
        indexes = [
            # Status filters, and the dashboard's GROUP BY status, kind, disposition with the
            # amounts, read from the index alone (a covering index; docs/performance.md).
            models.Index(fields=["status", "kind", "disposition", "fine", "costs"], name="citation_status_groups_idx"),
            models.Index(fields=["disposition"], name="citation_disposition_idx"),
            # The list's order (-issued_at, -id) and issue-date ranges.
            models.Index(fields=["issued_at", "id"], name="citation_issued_id_idx"),
            models.Index(fields=["decided_on"], name="citation_decided_idx"),
            models.Index(fields=["hearing_at", "courtroom"], name="citation_hearing_idx"),
            models.Index(fields=["kind", "issued_at"], name="citation_kind_issued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.number}"

    @property
    def display_offense_description(self) -> str:
        """The offence description in the reader's language (citations.wording)."""
        return offense_description(self.offense_description)

    @property
    def amount_due(self) -> Decimal:
        return self.fine + self.costs


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class Payment(PublicModel):
    """Money paid on a citation or refunded. Amounts are positive; `kind` gives the direction."""

    citation = models.ForeignKey(Citation, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField(max_length=10, choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    amount = models.DecimalField(**MONEY)
    payer = models.CharField(max_length=10, choices=Payer.choices, default=Payer.SELF)
    paid_on = models.DateField()
    reference = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        indexes = [models.Index(fields=["payer", "kind"], name="payment_payer_kind_idx")]


class DeadlineKind(models.TextChoices):
    RESPOND = "respond", _("Respond to the citation (plea)")
    PAY_OR_DISPUTE = "pay_or_dispute", _("Pay or dispute the notice")
    APPEAR = "appear", _("Appear at the hearing")
    APPEAL = "appeal", _("File an appeal")
    CIVIL_CLAIM = "civil_claim", _("Bring a civil claim")
    OVERSIGHT_COMPLAINT = "oversight_complaint", _("File an oversight complaint")


class DeadlineTrigger(models.TextChoices):
    ISSUED = "issued", _("Citation issued")
    HEARING = "hearing", _("Hearing date and time")
    CONVICTED = "convicted", _("Guilty plea entered, or decision of guilty (conviction): the earlier")
    INCIDENT = "incident", _("Incident (the complaint's earliest; else the complaint's creation)")


CITATION_TRIGGERS = frozenset({DeadlineTrigger.ISSUED, DeadlineTrigger.HEARING, DeadlineTrigger.CONVICTED})
COMPLAINT_TRIGGERS = frozenset({DeadlineTrigger.INCIDENT})


class OffsetUnit(models.TextChoices):
    DAYS = "days", _("Days")
    MONTHS = "months", _("Months")
    YEARS = "years", _("Years")


class DeadlineRoll(models.TextChoices):
    NONE = "none", _("None: due on the computed day, even a weekend or holiday")
    NEXT_BUSINESS_DAY = "next_business_day", _("Weekend or legal holiday: the next business day")


class DeadlineRule(models.Model):
    """One rule of one jurisdiction: 'the X is due N days after Y'. Data, not code: coordinators
    edit rules in the admin, and every deadline remembers the rule that made it."""

    code = models.SlugField(max_length=60, unique=True)
    jurisdiction = models.CharField(
        max_length=10, choices=Jurisdiction.choices, blank=True, help_text=_("Blank: every jurisdiction.")
    )
    citation_kind = models.CharField(
        max_length=20, choices=CitationKind.choices, blank=True, help_text=_("Citation rules; blank: every kind.")
    )
    complaint_forum = models.CharField(
        max_length=20, choices=ComplaintForum.choices, blank=True, help_text=_("Complaint rules; blank: every forum.")
    )
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    trigger = models.CharField(max_length=12, choices=DeadlineTrigger.choices)
    offset = models.PositiveIntegerField(default=0)
    offset_unit = models.CharField(max_length=6, choices=OffsetUnit.choices, default=OffsetUnit.DAYS)
    roll = models.CharField(max_length=20, choices=DeadlineRoll.choices, default=DeadlineRoll.NEXT_BUSINESS_DAY)
    warrant_risk = models.BooleanField(default=False, help_text=_("A miss can lead to a bench warrant."))
    description = models.CharField(max_length=200)
    source = models.TextField(help_text=_("The rule, statute or page this comes from."))
    verified = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Set only by a review (RuleReview) of a lawyer or coordinator; an edit of the rule clears it."),
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["jurisdiction", "citation_kind", "complaint_forum", "trigger", "code"]

    def __str__(self) -> str:
        return self.description

    @property
    def display_description(self) -> str:
        """The description in the reader's language (citations.wording)."""
        return rule_description(self.description)

    @property
    def for_complaints(self) -> bool:
        return self.trigger in COMPLAINT_TRIGGERS

    def clean(self) -> None:
        errors = {}
        if self.trigger in COMPLAINT_TRIGGERS and self.citation_kind:
            errors["citation_kind"] = _("A rule triggered by an incident applies to complaints, not citations.")
        if self.trigger in CITATION_TRIGGERS and self.complaint_forum:
            errors["complaint_forum"] = _("A rule triggered by a citation event cannot name a complaint forum.")
        citation_kinds = {DeadlineKind.RESPOND, DeadlineKind.PAY_OR_DISPUTE, DeadlineKind.APPEAR, DeadlineKind.APPEAL}
        if self.trigger in COMPLAINT_TRIGGERS and self.kind in citation_kinds:
            errors["kind"] = _("This kind of deadline belongs to a citation rule.")
        if self.trigger in CITATION_TRIGGERS and self.kind not in citation_kinds:
            errors["kind"] = _("This kind of deadline belongs to a complaint rule.")
        if self.trigger == DeadlineTrigger.HEARING and self.kind != DeadlineKind.APPEAR:
            errors["trigger"] = _("Only an 'appear at the hearing' deadline follows the hearing date.")
        if self.offset_unit == OffsetUnit.DAYS and self.offset > 3660:
            errors["offset"] = _("At most 3660 days; use months or years.")
        if self.offset_unit != OffsetUnit.DAYS and self.offset > 120:
            errors["offset"] = _("At most 120 months or years.")
        if not (self.source or "").strip():
            errors["source"] = _("Name the source of the rule (or say it is unverified).")
        if errors:
            raise ValidationError(errors)


# What a change to these fields means: the rule says something else, and a review of the old text
# no longer vouches for it.
RULE_SUBSTANCE = (
    "jurisdiction", "citation_kind", "complaint_forum", "kind", "trigger", "offset", "offset_unit", "roll",
    "warrant_risk", "description", "source",
)  # fmt: skip


class RuleReview(models.Model):
    """A lawyer's (or coordinator's) signature on a rule: checked against which version of its
    source, when, by whom, with a note. A rule is "verified" only through one of these."""

    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewer_label = models.CharField(max_length=150, help_text=_("The reviewer's username, kept if the account goes."))
    reviewed_at = models.DateTimeField()
    source_version = models.CharField(
        max_length=200,
        help_text=_("Which text was checked: the rule as amended on a date, the page as read on a date."),
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.rule_id} by {self.reviewer_label}"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Deadline(PublicModel):
    """One deadline for one citation or complaint, made by one rule (recomputed by services)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    citation = models.ForeignKey(Citation, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    complaint = models.ForeignKey(
        ExcessiveForceComplaint, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField(help_text=_("The last day, in the event's time zone."))
    due_at = models.DateTimeField(help_text=_("The moment it is due (end of the last day, or the hearing time)."))
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    warrant_risk = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    uncertain_closure_on = models.DateField(
        null=True,
        blank=True,
        help_text=_(
            "The last day may be a court closure nobody has confirmed: the earlier day is shown, and this "
            "says which day to check."
        ),
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(citation__isnull=False) & Q(complaint__isnull=True))
                | (Q(citation__isnull=True) & Q(complaint__isnull=False)),
                name="deadline_for_citation_xor_complaint",
            ),
            models.UniqueConstraint(
                fields=["rule", "citation"], condition=Q(citation__isnull=False), name="deadline_once_per_rule_citation"
            ),
            models.UniqueConstraint(
                fields=["rule", "complaint"],
                condition=Q(complaint__isnull=False),
                name="deadline_once_per_rule_complaint",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="deadline_status_due_idx"),
            models.Index(fields=["case", "status", "due_on"], name="deadline_case_status_due_idx"),
            models.Index(fields=["kind", "status", "due_on"], name="deadline_kind_status_due_idx"),
            # Deadline pages: open ones, soonest first (ordering due_at, id).
            models.Index(fields=["status", "due_at", "id"], name="deadline_status_due_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on}"


class ComplaintForceDate(models.Model):
    """The day force was used, for a complaint no incident report backs: the civil-claim clock
    runs from it (never from the day the complaint was entered)."""

    complaint = models.OneToOneField(
        ExcessiveForceComplaint, on_delete=models.CASCADE, primary_key=True, related_name="force_date"
    )
    force_used_on = models.DateField(help_text=_("The local day force was used."))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Force used on {self.force_used_on} ({self.complaint_id})"


class Court(models.TextChoices):
    """A court whose calendar of closures decides which days count as business days."""

    PHILADELPHIA = "phl-fjd", _("Philadelphia courts (First Judicial District: Municipal Court, Common Pleas)")
    PENNSYLVANIA = "pa-ujs", _("Pennsylvania courts elsewhere (Unified Judicial System)")


class CourtClosure(models.Model):
    """One day a court is closed, with where that comes from and who entered it. A day marked
    `uncertain` (an observed Friday, a statewide holiday the court has not published) does not
    move a deadline later: the earlier day is shown with a warning to check it."""

    court = models.CharField(max_length=10, choices=Court.choices)
    day = models.DateField()
    name = models.CharField(max_length=120)
    source = models.TextField(help_text=_("The court's published calendar (URL) or the order closing it."))
    uncertain = models.BooleanField(
        default=False, help_text=_("Not confirmed by the court's own calendar: deadlines do not roll past it.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["court", "day"]
        constraints = [models.UniqueConstraint(fields=["court", "day"], name="court_closure_once_per_day")]

    def __str__(self) -> str:
        return f"{self.get_court_display()}: {self.name} ({self.day})"

    def clean(self) -> None:
        if not (self.source or "").strip():
            raise ValidationError({"source": _("Name the court calendar (URL) or the order this closure comes from.")})


WEEKDAY_DIGITS = "0123456"  # Monday is 0, as `datetime.date.weekday()`


def validate_weekdays(value: str) -> None:
    if not value or any(c not in WEEKDAY_DIGITS for c in value) or len(set(value)) != len(value):
        raise ValidationError(_("Give the weekdays as digits, Monday 0 to Sunday 6 (e.g. 01234)."))


class ClerkOfficeHours(models.Model):
    """When a court's clerk's office takes filings on the given weekdays, with where that comes
    from and who entered it (the same courts as `CourtClosure`). A row marked `uncertain` is
    shown with a warning to check it: the hours were not confirmed by the court itself."""

    court = models.CharField(max_length=10, choices=Court.choices)
    office = models.CharField(max_length=120, help_text=_("Which clerk's office, e.g. the criminal filing office."))
    weekdays = models.CharField(
        max_length=7, validators=[validate_weekdays], help_text=_("Digits, Monday 0 to Sunday 6 (e.g. 01234).")
    )
    opens = models.TimeField()
    closes = models.TimeField()
    source = models.TextField(help_text=_("The court's published page (URL) or order giving these hours."))
    uncertain = models.BooleanField(
        default=True, help_text=_("Not confirmed by the court itself: shown with a warning to check.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["court", "weekdays", "opens"]
        verbose_name_plural = "clerk office hours"

    def __str__(self) -> str:
        return f"{self.get_court_display()}: {self.office} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        if not (self.source or "").strip():
            raise ValidationError({"source": _("Name the court page (URL) or the order these hours come from.")})
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError({"closes": _("The office must close after it opens.")})


class CalendarFeedToken(models.Model):
    """A lawyer's private calendar-feed link. Only a SHA-256 of the random token is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_token_one_active_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    GAVE_UP = "gave_up", _("Stopped: the worker was lost")


class BulkAction(models.TextChoices):
    MASS_DISPOSITION = "mass_disposition", _("Mass disposition")
    ASSIGN = "assign", _("Cases to a lawyer")
    HEARING_OUTCOMES = "hearing_outcomes", _("Hearing outcomes")


class BulkRun(PublicModel):
    """A confirmed bulk action run in the background (citations/runs.py): a mass disposition,
    many cases for one lawyer, or a courtroom list's outcomes. Its items (citation ids, or case ids
    for an assignment) are fixed when it is queued (from the requester's scope), with what the
    action needs in `params` (the lawyer's id; each citation's outcome); the worker records progress
    case by case and, at the end, the report. The report holds identifiers and reasons only: ids
    decided (or assigned), (id, why) left alone, (citation id, payer, amount) refunds owed."""

    action = models.CharField(max_length=20, choices=BulkAction.choices, default=BulkAction.MASS_DISPOSITION)
    event = models.ForeignKey("cases.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=CitationKind.choices, blank=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=10, blank=True)  # the reasons are written in it
    item_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    refund_total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    report = models.JSONField(default=dict, blank=True)
    batch = models.CharField(max_length=16, blank=True)  # the audit trail's batch id of the run
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The heartbeat (touched after each case), how often a stalled run was taken up again, and the
    # result id of its task in the queue (to tell a run waiting for a worker from a lost one).
    last_progress_at = models.DateTimeField(default=timezone.now)
    recoveries = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.GAVE_UP)


class BulkRunStep(models.Model):
    """One case of a run, recorded in that case's own transaction: what it decided, left alone
    and owes (ids and reasons only, like the run's report). A run taken up again after its worker
    was lost skips every item a step already holds, so no case is applied twice; the finished
    run gathers its steps into its report and drops them."""

    run = models.ForeignKey(BulkRun, on_delete=models.CASCADE, related_name="steps")
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"step {self.pk} of run {self.run_id}"
