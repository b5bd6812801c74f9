"""Models of the claims app: allegations and their findings (one per officer, force type and
incident of a complaint).

An allegation holds no personal data of its own: it points at a complaint (whose narrative and
injuries are sealed in `cases`), an officer (a public employee acting in public), a force type
and an incident. The oversight body's own case number is a reference, not personal data.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import ExcessiveForceComplaint, ForceType, Incident, Officer, PublicModel


class Finding(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUSTAINED = "sustained", _("Sustained")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    UNFOUNDED = "unfounded", _("Unfounded")
    EXONERATED = "exonerated", _("Exonerated")


class OversightBody(models.TextChoices):
    CPOC = "cpoc", _("Citizens Police Oversight Commission")
    INTERNAL_AFFAIRS = "internal_affairs", _("Police Internal Affairs")
    OTHER = "other", _("Other oversight body")


class Discipline(models.TextChoices):
    NONE = "", _("None recorded")
    COUNSELLING = "counselling", _("Counselling")
    REPRIMAND = "reprimand", _("Reprimand")
    SUSPENSION = "suspension", _("Suspension")
    DEMOTION = "demotion", _("Demotion")
    TERMINATION = "termination", _("Termination")
    OTHER = "other", _("Other discipline")


class Allegation(PublicModel):
    """One allegation of a complaint: which officer used which force in which incident, and what
    the oversight body found. A complaint against three officers holds three allegations, each
    with its own finding (the findings of one complaint often differ per officer)."""

    complaint = models.ForeignKey(ExcessiveForceComplaint, on_delete=models.CASCADE, related_name="allegations")
    officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="allegations")
    force_type = models.ForeignKey(
        ForceType, null=True, blank=True, on_delete=models.PROTECT, related_name="allegations"
    )
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="allegations")
    finding = models.CharField(max_length=20, choices=Finding.choices, default=Finding.PENDING)
    discipline = models.CharField(max_length=20, choices=Discipline.choices, blank=True)
    oversight_body = models.CharField(max_length=20, choices=OversightBody.choices, default=OversightBody.CPOC)
    body_case_number = models.CharField(
        max_length=60, blank=True, help_text=_("The oversight body's own case number for this allegation.")
    )
    filed_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["finding"], name="allegation_finding_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(filed_on__isnull=True)
                | Q(decided_on__gte=models.F("filed_on")),
                name="allegation_decided_after_filed",
            ),
            models.CheckConstraint(
                condition=Q(discipline="") | Q(finding="sustained"), name="allegation_discipline_only_if_sustained"
            ),
        ]

    def __str__(self) -> str:
        return f"Allegation {self.public_id}"
