"""Citations, their payments and refunds. Deadline rules and deadlines live here too (see
citations/deadlines.py once added). Money is Decimal with exact cents; times are aware."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import MONEY, Case, Jurisdiction, Officer, Payer, PublicModel


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
            models.Index(fields=["status"], name="citation_status_idx"),
            models.Index(fields=["disposition"], name="citation_disposition_idx"),
            models.Index(fields=["issued_at"], name="citation_issued_idx"),
            models.Index(fields=["hearing_at", "courtroom"], name="citation_hearing_idx"),
            models.Index(fields=["kind", "issued_at"], name="citation_kind_issued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.number}"

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
