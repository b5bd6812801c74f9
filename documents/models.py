"""Stored (cached) packets and packet batches.

A stored packet is a rendered PDF kept, encrypted at rest, under the hash of every input it was
rendered from: asking again with unchanged data returns it without rendering. Files are sealed
under the case's data key (`cases.datakeys`; a docket spanning cases with `core.crypto.encrypt_bytes`),
the associated data naming the row, so a file copied onto
another row does not open. Purging a case deletes its packets (documents.receivers).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Event, Evidence


class PacketKind(models.TextChoices):
    CASE = "case", _("Case packet")
    COMPLAINT = "complaint", _("Excessive-force complaint packet")
    PLEA = "plea", _("Not-guilty plea letter")
    DOCKET = "docket", _("Hearing docket")


def packet_path(instance: StoredPacket, filename: str) -> str:
    return f"packets/{instance.public_id.hex[:2]}/{instance.public_id.hex}.pdf.sealed"


class StoredPacket(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=PacketKind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="stored_packets")
    cases = models.ManyToManyField(Case, blank=True, related_name="packets_holding")
    parameters = models.JSONField(default=dict, blank=True, help_text=_("Identifiers only, never personal values."))
    slot = models.CharField(
        max_length=64,
        db_index=True,
        help_text=_("Hash of kind, case and parameters: newer packets replace older ones."),
    )
    input_hash = models.CharField(max_length=64, help_text=_("SHA-256 over every input, template version included."))
    template_version = models.CharField(max_length=64)
    inputs_stamp = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text=_("SHA-256 over the raw rows the packet is built from (documents/fingerprint.py)."),
    )
    sha256 = models.CharField(max_length=64, help_text=_("Of the PDF as delivered."))
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField()
    file = models.FileField(upload_to=packet_path, max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "input_hash"], name="stored_packet_once_per_input")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def crypto_context(self) -> str:
        return f"documents.storedpacket.{self.public_id}"


class BatchKind(models.TextChoices):
    HEARING_DATE = "hearing_date", _("Every case with a hearing on a date")
    EVENT = "event", _("Every case of an event")


class BatchOutput(models.TextChoices):
    ZIP = "zip", _("One ZIP file, one PDF per case")
    PDF = "pdf", _("One merged PDF")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def batch_path(instance: PacketBatch, filename: str) -> str:
    return f"packet-batches/{instance.public_id.hex[:2]}/{instance.public_id.hex}.sealed"


class PacketBatch(models.Model):
    """Packets for many cases, built by a background task, case by case."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=BatchKind.choices)
    hearing_date = models.DateField(null=True, blank=True)
    courtroom = models.CharField(max_length=40, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="packet_batches")
    output = models.CharField(max_length=4, choices=BatchOutput.choices, default=BatchOutput.ZIP)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cases = models.ManyToManyField(Case, blank=True, related_name="packet_batches")
    packets = models.ManyToManyField(
        StoredPacket,
        blank=True,
        related_name="batches",
        help_text=_("The packets delivered; a newer render of the same document does not replace them."),
    )
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list,
        blank=True,
        help_text=_("One entry per failed case: case id, number, error code; no personal data."),
    )
    items = models.JSONField(
        default=dict, blank=True, help_text=_("Case public id -> stored packet public id, per delivered case.")
    )
    result = models.FileField(
        upload_to=batch_path, max_length=200, blank=True, help_text=_("The sealed merged PDF (output pdf) only.")
    )
    manifest = models.TextField(
        blank=True,
        help_text=_("ZIP output: one 'SHA-256  file name' line per delivered packet (case numbers, no names)."),
    )
    result_sha256 = models.CharField(
        max_length=64, blank=True, help_text=_("ZIP: SHA-256 of the manifest. PDF: SHA-256 of the merged PDF.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_progress_at = models.DateTimeField(
        default=timezone.now, help_text=_("Heartbeat: creation, a chunk starting, each case recorded.")
    )
    recoveries = models.PositiveSmallIntegerField(
        default=0, help_text=_("How often a stalled batch was taken up again (documents.batches).")
    )
    task_ids = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Result ids (tasks API) of the chunk tasks last enqueued: one still waiting is a queue, not a stall."
        ),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "packet batches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) & models.Q(failed__lte=models.F("done")),
                name="packet_batch_progress_bounded",
            )
        ]

    def __str__(self) -> str:
        return f"Packet batch {self.public_id}"

    @property
    def crypto_context(self) -> str:
        return f"documents.packetbatch.{self.public_id}"

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)


def derivative_path(instance: PhotoDerivative, filename: str) -> str:
    return f"packet-photos/{instance.public_id.hex[:2]}/{instance.public_id.hex}.jpg.sealed"


class PhotoDerivative(models.Model):
    """The JPEG a packet embeds for one photo (`documents.photos.jpeg_derivative`), made once
    per photo, when it is uploaded (a task) or by the first packet that needs it, and reused by
    every packet and every worker after that.

    The file is sealed under the photo's data key exactly like the evidence files
    (`cases.datakeys`, scope `scope_of_evidence`), the associated data naming the photo and this
    row; it goes with its photo (cascade), with the case's packets on purge and with every stored
    packet on lockdown (documents.receivers), and after a purge its key is destroyed anyway."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="photo_derivatives")
    source_sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of the photo's original it was made from."))
    recipe = models.CharField(max_length=40, help_text=_("Size and quality settings it was made with."))
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=derivative_path, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "source_sha256", "recipe"], name="photo_derivative_once_per_recipe"
            )
        ]

    def __str__(self) -> str:
        return f"Photo derivative {self.public_id}"

    @property
    def crypto_context(self) -> str:
        return f"documents.photoderivative:{self.evidence.public_id}:{self.public_id}"
