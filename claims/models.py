"""Models of the claims app: allegations and their findings (one per officer, force type and
incident of a complaint); the kinds of records the police and the city delete on a schedule
(retention periods as data, with their source, unverified until a lawyer reviews them) and the
preservation letters sent for an incident.

An allegation holds no personal data of its own: it points at a complaint (whose narrative and
injuries are sealed in `cases`), an officer (a public employee acting in public), a force type
and an incident. The oversight body's own case number is a reference, not personal data.

A photo's blur regions (bystanders' faces to hide on shared copies) are rectangles relative to
the photo (no image data); the blurred copy made from them is sealed like the photo's files.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Evidence, ExcessiveForceComplaint, ForceType, Incident, Officer, PublicModel, local_date


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


class RecordHolder(models.TextChoices):
    POLICE = "police", _("Police department")
    CITY = "city", _("City")


class RecordKind(models.Model):
    """A kind of record that is deleted on a schedule (body-worn camera video, radio, CAD,
    surveillance video): how long it is kept, by whom, and where that figure comes from. Seeded
    unverified by a data migration; a lawyer confirms each against the holder's own schedule."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    holder = models.CharField(max_length=10, choices=RecordHolder.choices)
    retention_days = models.PositiveIntegerField(help_text=_("Days kept before routine deletion."))
    source = models.CharField(max_length=400)
    verified = models.BooleanField(default=False, help_text=_("A lawyer checked the period against its source."))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["retention_days", "code"]

    def __str__(self) -> str:
        return self.label


class SentHow(models.TextChoices):
    EMAIL = "email", _("E-mail")
    MAIL = "mail", _("Certified mail")
    HAND = "hand", _("By hand")
    FAX = "fax", _("Fax")
    PORTAL = "portal", _("Online portal")


class PreservationLetter(PublicModel):
    """A preservation letter for an incident's records, to the police department or the city, and
    when and how it was sent."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="preservation_letters")
    recipient = models.CharField(max_length=10, choices=RecordHolder.choices)
    record_kinds = models.ManyToManyField(RecordKind, related_name="letters")
    send_by = models.DateField(help_text=_("Computed: before the earliest deletion of the records asked for."))
    sent_at = models.DateTimeField()
    sent_how = models.CharField(max_length=10, choices=SentHow.choices)
    reference = models.CharField(max_length=120, blank=True, help_text=_("Tracking or message number."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"Preservation letter {self.public_id}"

    @property
    def sent_in_time(self) -> bool:
        """Sent on or before its send-by day (the day it was sent in the event's time zone)."""
        return local_date(self.sent_at, self.incident.event.time_zone) <= self.send_by


RELATIVE = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class BlurRegion(models.Model):
    """A rectangle of a photo to blur on every shared copy: x, y, width and height as fractions
    of the photo's width and height (0 to 1), who marked it and when. No image data."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="blur_regions")
    x = models.FloatField(validators=RELATIVE)
    y = models.FloatField(validators=RELATIVE)
    w = models.FloatField(validators=RELATIVE)
    h = models.FloatField(validators=RELATIVE)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Blur region {self.pk}"


def blurred_path(instance: BlurredCopy, filename: str) -> str:
    return f"blurred/{instance.public_id.hex[:2]}/{instance.public_id.hex}.jpg.sealed"


class BlurredCopy(PublicModel):
    """The photo's shared copy with its blur regions blurred (a JPEG made from the copy without
    metadata), sealed under the photo's data key like its other files. Packets embed it instead
    of the photo when it exists; the original stays sealed and untouched."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="blurred_copy")
    source_sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of the photo's original it was made from."))
    regions = models.PositiveIntegerField(help_text=_("How many regions it blurs."))
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=blurred_path, max_length=200)

    def __str__(self) -> str:
        return f"Blurred copy {self.public_id}"

    @property
    def crypto_context(self) -> str:
        return f"claims.blurredcopy:{self.evidence.public_id}:{self.public_id}"


class FaceProposals(models.Model):
    """The faces the detector proposed on a photo, stored once (detection takes up to a second on
    a large photo): relative rectangles like `BlurRegion`'s, no image data. Valid for the photo's
    bytes (`source_sha256`) and the detector's settings (`detector`) it was made with; either
    changing makes it again."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="face_proposals")
    source_sha256 = models.CharField(max_length=64)
    detector = models.CharField(max_length=80)
    regions = models.JSONField(default=list)
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "face proposals"

    def __str__(self) -> str:
        return f"Face proposals {self.pk}"
