"""Models of the custody app (see the package docstring).

Privacy: what identifies a person (a caller's name and number, a description of someone not yet
identified) is encrypted like the core record (`cases.fields`); nothing here records or infers
immigration status, a hold or a detainer (docs/custody.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.fields import EncryptedCharField, EncryptedTextField
from cases.models import FREE_TEXT_WARNING


class JailSupportAssignment(models.Model):
    """A jail-support account assigned to an event: it sees that event's custody board and
    hotline log (custody/access.py), and nothing else."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jail_support_events")
    event = models.ForeignKey("cases.Event", on_delete=models.CASCADE, related_name="jail_support_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "user"]
        verbose_name = _("jail-support assignment")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="jail_support_once_per_event")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}"


class PlaceKind(models.TextChoices):
    DISTRICT = "district", _("Police district")
    CENTRAL = "central", _("Central booking or headquarters")
    JAIL = "jail", _("Jail or detention centre")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class CustodyPlace(models.Model):
    """A place where arrestees are taken, held or processed (a police district, central booking):
    data a coordinator keeps, not code. Places are public buildings, not personal data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=PlaceKind.choices, default=PlaceKind.DISTRICT)
    address = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]
        # Two coordinators adding "9th District" and "9TH DISTRICT" at once: both pass the
        # service's check, the database keeps one (custody.services.places).
        constraints = [models.UniqueConstraint(Lower("name"), name="place_name_ignoring_case")]

    def __str__(self) -> str:
        return self.name


class CustodyPlacement(models.Model):
    """Where an arrestee is now and since when. The stage itself is `cases.Arrest.custody_status`
    (one home); this row adds the place, which lives in this app, and when the stage last moved."""

    arrest = models.OneToOneField("cases.Arrest", on_delete=models.CASCADE, related_name="placement")
    place = models.ForeignKey(CustodyPlace, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage_since = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"placement of arrest {self.arrest_id}"


class HotlineKind(models.TextChoices):
    CALL = "call", _("Hotline call")
    OUTSIDE = "outside", _("Jail support outside a district")
    RELEASE = "release", _("Release seen")


class HotlineEntry(models.Model):
    """One hotline call or jail-support note about someone in custody, entered in seconds.

    It may be about someone not yet identified ("red jacket, about 20, taken at 8th and Arch"):
    `about` holds whatever the caller gave (a name or a description, encrypted) until a
    coordinator links the entry to an arrest. The caller's contact is kept only with their
    consent. Sent from a phone's offline queue under a client UUID: a retry never makes a second
    entry (custody/services/hotline.py)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_uuid = models.UUIDField(unique=True)
    event = models.ForeignKey("cases.Event", on_delete=models.PROTECT, related_name="hotline_entries")
    kind = models.CharField(max_length=10, choices=HotlineKind.choices, default=HotlineKind.CALL)
    received_at = models.DateTimeField()
    about = EncryptedTextField(help_text=_("Who it is about: a name, or a description if not yet identified."))
    caller_name = EncryptedCharField(max_length=200, help_text=_("Who called (optional)."))
    caller_contact = EncryptedCharField(max_length=200, help_text=_("How to reach the caller, with their consent."))
    contact_consent = models.BooleanField(default=False)
    seen = EncryptedTextField(help_text=FREE_TEXT_WARNING)
    place = models.ForeignKey(CustodyPlace, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    medical_needs = EncryptedTextField(help_text=_("Medication, disability, injury."))
    hurt_by_force = models.BooleanField(
        default=False, help_text=_("Hurt by police force (puts the person on the event's plaintiff roster).")
    )
    injuries = EncryptedTextField(help_text=_("How they were hurt and the injury, as the caller said it."))
    belongings = EncryptedTextField(help_text=_("Property taken or left behind."))
    waiting_outside = EncryptedTextField(help_text=_("Who is waiting outside for them."))
    arrest = models.ForeignKey(
        "cases.Arrest", null=True, blank=True, on_delete=models.SET_NULL, related_name="hotline_entries"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = _("hotline entries")
        indexes = [
            models.Index(fields=["event", "-received_at"], name="hotline_event_received_idx"),
        ]

    def __str__(self) -> str:
        return f"Hotline entry {self.public_id}"


class PersonMerge(models.Model):
    """One person's record (`source`) merged into another's (`target`): which rows moved, by id
    only, so the merge can be undone until `undo_until`. The source row stays, emptied of its
    cases, and drops out of suggestions and the queue while the merge stands.

    `moved` holds ids and non-personal case facts (number, dates, status), never a name; the
    lawyer notes of a folded case, which the target's notes absorb, are kept sealed in
    `sealed_notes` for the undo."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey("cases.Demonstrator", on_delete=models.PROTECT, related_name="merged_away")
    target = models.ForeignKey("cases.Demonstrator", on_delete=models.PROTECT, related_name="merged_in")
    moved = models.JSONField(default=dict, blank=True)
    sealed_notes = EncryptedTextField(help_text=_("Case notes as they were before the merge (JSON), sealed."))
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    undo_until = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("person merge")
        indexes = [models.Index(fields=["source", "undone_at"], name="person_merge_source_idx")]

    def __str__(self) -> str:
        return f"Person merge {self.public_id}"


class DuplicateDismissal(models.Model):
    """A coordinator's word that two records the merge queue pairs are different people: the pair
    (by id only, lower id first) leaves the queue for good, unless the dismissal is undone. No
    name, no reason text: who said so and when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first = models.ForeignKey("cases.Demonstrator", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("cases.Demonstrator", on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dismissed_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-dismissed_at", "-id"]
        verbose_name = _("duplicate dismissal")
        constraints = [
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="dismissal_first_lower"),
            models.UniqueConstraint(
                fields=["first", "second"], condition=models.Q(undone_at__isnull=True), name="dismissal_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"Duplicate dismissal {self.public_id}"
