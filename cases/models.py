"""The core record: events, demonstrators, cases, arrests, officers, incidents, complaints,
witness statements, evidence, and the audit trail.

Privacy rules that hold for every model here (tests/cases/test_privacy_model.py walks them):
- never a field for any category the privacy model forbids (README, "Privacy model", lists them;
  tests/cases/test_privacy_model.py enforces it);
- a person's identifying and contact data, and injury and medical text, are encrypted
  (`cases.fields.Encrypted*`), found only through keyed blind indexes;
- every row the API exposes has a UUID `public_id`; integer keys never leave the server.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.plugins.otp_totp.models import default_key as totp_default_key

from cases.fields import BlindIndexField, EncryptedCharField, EncryptedDateField, EncryptedTextField

if TYPE_CHECKING:
    from cases.roles import Role


def local_date(moment: datetime.datetime, time_zone: str) -> datetime.date:
    """The calendar date of an aware moment in a time zone (the event's), falling back to the site's."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return moment.astimezone(zone).date()


class MoneyOptions(TypedDict):
    max_digits: int
    decimal_places: int
    validators: list[MinValueValidator]


MONEY: MoneyOptions = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0.00"))]}
WORK_PRODUCT_LABEL = _("Privileged and confidential: potential attorney work product")
FREE_TEXT_WARNING = _("Do not write anything that could incriminate you or anyone else.")


# django-otp ships no types, so the plugin cannot see Authenticator.user's reverse manager (below).
class User(AbstractUser):  # type: ignore[django-manager-missing]  # see the comment above
    """A volunteer account. The role comes from its group (see cases.roles)."""

    session_epoch = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Raised to end every session of this account at once.")
    )
    language = models.CharField(
        _("language of the e-mails"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the alerts and digests this account receives (blank: the site's language)."),
    )
    # The role cases.roles.role_of found, kept on this object for the request (not a column).
    _tracker_role: Role | None
    # What a lawyer may see of rows hanging off cases (cases.access), built once per object.
    _tracker_attachment_scope: Q

    class Meta:
        db_table = "auth_user_account"

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Bind sessions to the password *and* the session epoch: raising the epoch (log out
        everywhere, lockdown) invalidates every session of the account, whatever the backend."""
        return salted_hmac(
            "cases.User.session_auth_hash",
            f"{self.password}\x1f{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class PublicModel(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Jurisdiction(models.TextChoices):
    PENNSYLVANIA = "PA", _("Pennsylvania (statewide)")
    PHILADELPHIA = "PA-PHL", _("Philadelphia, Pennsylvania")
    OTHER = "OTHER", _("Other")


class Event(PublicModel):
    name = models.CharField(max_length=200, unique=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    jurisdiction = models.CharField(max_length=10, choices=Jurisdiction.choices, default=Jurisdiction.PHILADELPHIA)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": _("Unknown time zone.")}) from None


class Demonstrator(PublicModel):
    """A person the legal-support team helps. Everything identifying is encrypted."""

    legal_name = EncryptedCharField(max_length=200, blank=False)
    preferred_name = EncryptedCharField(max_length=200)
    conceal_legal_name = models.BooleanField(
        default=False, help_text=_("Use the preferred name everywhere except where legally necessary.")
    )
    date_of_birth = EncryptedDateField()
    phone = EncryptedCharField(max_length=40)
    email = EncryptedCharField(max_length=254)
    postal_address = EncryptedTextField()
    preferred_language = EncryptedCharField(max_length=40)
    pronouns = EncryptedCharField(max_length=40)
    support_contact = EncryptedTextField(help_text=_("Emergency or support contact."))
    special_needs = EncryptedTextField(help_text=_("Special or medical needs."))
    support_notes = EncryptedTextField(help_text=FREE_TEXT_WARNING)
    consent_share_with_lawyers = models.BooleanField(default=True)
    consent_contact_sms = models.BooleanField(default=False)
    consent_contact_phone = models.BooleanField(default=False)
    purged_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("Personal data removed (the row stays for the counts).")
    )

    # Indexed with `purged_at` (Meta.indexes): the merge queue groups each index over the records
    # not purged, from the index alone instead of a row read each (docs/performance.md).
    legal_name_index = BlindIndexField(source="legal_name", db_index=False)
    preferred_name_index = BlindIndexField(source="preferred_name", db_index=False)
    phone_index = BlindIndexField(source="phone", kind="phone", db_index=False)
    email_index = BlindIndexField(source="email", kind="email", db_index=False)
    name_dob_index = BlindIndexField(source=("legal_name", "date_of_birth"), db_index=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=[column, "purged_at"], name=f"person_{short}_idx")
            for column, short in [
                ("legal_name_index", "legal_name"),
                ("preferred_name_index", "preferred_name"),
                ("phone_index", "phone"),
                ("email_index", "email"),
                ("name_dob_index", "name_dob"),
            ]
        ]

    def __str__(self) -> str:
        return f"Demonstrator {self.public_id}"

    @property
    def display_name(self) -> str:
        return display_name_of(
            preferred_name=self.preferred_name, legal_name=self.legal_name, conceal_legal_name=self.conceal_legal_name
        )


def display_name_of(*, preferred_name: str, legal_name: str, conceal_legal_name: bool) -> str:
    """The name to show for a person: the preferred one when given or when the legal name is concealed."""
    if preferred_name:
        return preferred_name
    if conceal_legal_name:
        return str(_("(name withheld)"))
    return legal_name


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class CaseNumberSequence(models.Model):
    """One row a year; incremented under a row lock so concurrent intakes never share a number."""

    year = models.PositiveIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"

    @classmethod
    def reserve(cls, *, year: int, count: int) -> list[str]:
        """`count` case numbers of `year` ("2026-0042"), reserved under the year's row lock: two
        transactions asking at once wait for each other and never get the same number. Numbers
        already held by a case (typed in elsewhere, an older import) are skipped, not reused.

        Here rather than in cases.services because `Case.save()` allocates through it too: every
        path that saves a case (a service, an import, the admin's add form) gets a number."""
        numbers: list[str] = []
        with transaction.atomic():
            # get_or_create retries its get (still FOR UPDATE) when a concurrent first intake of
            # the year inserted the row first, so the second waits on the lock.
            seq, _ = cls.objects.select_for_update().get_or_create(year=year)
            last = seq.last_value
            while len(numbers) < count:
                wanted = [f"{year}-{n:04d}" for n in range(last + 1, last + 1 + count - len(numbers))]
                last += len(wanted)
                taken: set[str] = set()
                for start in range(0, len(wanted), 500):
                    taken.update(
                        Case.objects.filter(number__in=wanted[start : start + 500]).values_list("number", flat=True)
                    )
                numbers += [number for number in wanted if number not in taken]
            seq.last_value = last
            seq.save(update_fields=["last_value"])
        return numbers


class Case(PublicModel):
    """One demonstrator's legal matters arising from one event."""

    number = models.CharField(max_length=20, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="cases")
    demonstrator = models.ForeignKey(Demonstrator, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.INTAKE)
    lawyers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases")
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    retention_until = models.DateField(null=True, blank=True)
    purged_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("Personal data removed (the row stays for the counts).")
    )
    lawyer_notes = EncryptedTextField(help_text=WORK_PRODUCT_LABEL)
    close_note = EncryptedTextField(
        help_text=_("Why the case was closed while matters were pending (given when confirming the close).")
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["status", "event"], name="case_status_event_idx"),
            models.Index(fields=["retention_until"], name="case_retention_idx"),
            models.Index(fields=["opened_on", "id"], name="case_opened_id_idx"),  # the list's order
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "demonstrator"], name="case_one_per_person_per_event"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
            # A case without a number showed on the desk without a link and in a batch as
            # "case-.pdf"; save() allocates one, and this refuses any path that skips save().
            models.CheckConstraint(
                condition=~Q(number=""),
                name="case_has_number",
                violation_error_message=_("A case needs a case number."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.number:
            opened_on = self.opened_on or timezone.localdate()
            self.number = CaseNumberSequence.reserve(year=opened_on.year, count=1)[0]
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "number"}
        super().save(*args, **kwargs)


class CustodyStatus(models.TextChoices):
    """Where an arrestee is in custody, in the order of a night (the custody board's columns).
    The stored values of the earlier statuses are kept ("held", "released", "cited_released");
    "unknown" became "arrested" (migration 0024). Whether a person is held longer than expected
    is a flag of time alone (custody board), never a stage with a reason: no immigration hold or
    detainer is ever recorded or inferred."""

    ARRESTED = "arrested", _("Arrested")
    IN_TRANSPORT = "in_transport", _("In transport")
    HELD = "held", _("Held at a named place")
    PROCESSED = "processed", _("Processed")
    CITED_RELEASED = "cited_released", _("Released with citation")
    RELEASED = "released", _("Released without charge")
    HELD_FOR_ARRAIGNMENT = "held_arraignment", _("Held for arraignment")

    @classmethod
    def in_custody(cls) -> frozenset[str]:
        """The stages of someone still in custody (the board's time alert counts for these)."""
        return frozenset({cls.ARRESTED, cls.IN_TRANSPORT, cls.HELD, cls.PROCESSED, cls.HELD_FOR_ARRAIGNMENT})


class Payer(models.TextChoices):
    SELF = "self", _("Self")
    BAIL_FUND = "bail_fund", _("Bail fund")
    OTHER = "other", _("Other")


class Arrest(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="arrests")
    arrested_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    arresting_unit = models.CharField(max_length=120, blank=True)
    charges = EncryptedTextField(help_text=_("What the person is charged with (their own, so sealed)."))
    custody_status = models.CharField(max_length=20, choices=CustodyStatus.choices, default=CustodyStatus.ARRESTED)
    released_at = models.DateTimeField(null=True, blank=True)
    bail_amount = models.DecimalField(null=True, blank=True, **MONEY)
    bail_paid_by = models.CharField(max_length=10, choices=Payer.choices, blank=True)
    property_returned = models.BooleanField(default=False)
    injured = models.BooleanField(default=False)
    police_report_number = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["arrested_at"]
        indexes = [models.Index(fields=["arrested_at"], name="arrest_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_at__gte=models.F("arrested_at")),
                name="arrest_released_after_arrest",
            )
        ]

    def __str__(self) -> str:
        return f"Arrest {self.public_id}"


class BadgeStatus(models.TextChoices):
    FULL = "full", _("Full badge number")
    PARTIAL = "partial", _("Partial badge number")
    COVERED = "covered", _("Badge covered or taped over")
    NOT_SEEN = "not_seen", _("Badge not seen")


class Officer(PublicModel):
    """A police officer: a public employee acting in public. Unidentified officers keep their
    identifying features and can later be merged into a known officer."""

    agency = models.CharField(max_length=120, default="Philadelphia Police Department")
    name = models.CharField(max_length=200, blank=True)
    badge_number = models.CharField(max_length=20, blank=True)
    badge_status = models.CharField(max_length=10, choices=BadgeStatus.choices, default=BadgeStatus.FULL)
    payroll_number = models.CharField(max_length=20, blank=True)
    unit = models.CharField(max_length=120, blank=True)
    helmet_number = models.CharField(max_length=20, blank=True)
    vehicle_number = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True, help_text=_("Identifying features when no badge is seen."))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")

    class Meta:
        ordering = ["agency", "badge_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "badge_number"],
                condition=Q(badge_status="full") & ~Q(badge_number="") & Q(merged_into__isnull=True),
                name="officer_unique_full_badge_per_agency",
            ),
        ]
        indexes = [models.Index(fields=["badge_number"], name="officer_badge_idx")]

    def __str__(self) -> str:
        label = self.name or "Unidentified officer"
        if self.badge_number:
            label += f" #{self.badge_number}"
        return f"{label} ({self.agency})"

    @property
    def is_identified(self) -> bool:
        return self.badge_status == BadgeStatus.FULL and bool(self.badge_number)


# The seeded force types' labels (cases/migrations/0002), marked for the catalogue: a label is
# stored in English and translated when shown (`force_type_label`), so a coordinator's own type
# shows as typed.
SEEDED_FORCE_TYPE_LABELS = (
    gettext_noop("Baton"),
    gettext_noop("OC / pepper spray"),
    gettext_noop("Tear gas"),
    gettext_noop("Bicycle used as a weapon"),
    gettext_noop("Tackle or takedown"),
    gettext_noop("Kettling"),
    gettext_noop("Less-lethal projectile"),
    gettext_noop("Vehicle"),
    gettext_noop("Other"),
)


def force_type_label(label: str) -> str:
    """A force type's stored (English) label in the active language: the one place pages, the
    observer form and the dashboard translate it. Court filings render under English."""
    return gettext(label) if label else label


class ForceType(models.Model):
    """Kinds of force observed (seeded by a data migration; coordinators may add more)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return force_type_label(self.label)

    @property
    def display_label(self) -> str:
        return force_type_label(self.label)


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Incident(PublicModel):
    """A legal observer's report. Potential attorney work product."""

    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, help_text=_("Set by the phone; retries reuse it."))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incidents")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField()
    occurred_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The local date of occurred_at in the event's time zone (kept by save(); dashboards group on it)."),
    )
    place = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    agencies_present = models.CharField(max_length=300, blank=True)
    commander_present = models.CharField(max_length=200, blank=True)
    dispersal_warning = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    dispersal_warning_by = models.CharField(max_length=200, blank=True)
    dispersal_warning_words = EncryptedTextField(help_text=_("Free text: it may name people, so it is sealed."))
    dispersal_warning_audible = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    narrative = EncryptedTextField(help_text=FREE_TEXT_WARNING)
    force_types = models.ManyToManyField(ForceType, blank=True, related_name="incidents")
    officers = models.ManyToManyField(
        Officer, through="IncidentOfficer", through_fields=("incident", "officer"), blank=True, related_name="incidents"
    )
    people_affected = models.ManyToManyField(Case, blank=True, related_name="incidents")
    people_affected_count = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("How many people the observer saw affected.")
    )
    injuries = EncryptedTextField()
    witnesses = EncryptedTextField(help_text=_("Who saw it, and how to reach them."))
    video_holders = EncryptedTextField(help_text=_("Who has video."))
    media_present = EncryptedTextField(help_text=_("Free text naming journalists: sealed."))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # An event's incidents by time, with their ids: the plaintiff roster reads which of
            # them concern its people, and when, from this index alone (on PostgreSQL).
            models.Index(fields=["event", "occurred_at", "id"], name="incident_event_at_id_idx"),
            models.Index(fields=["reporter", "-created_at"], name="incident_reporter_idx"),
            models.Index(fields=["occurred_on"], name="incident_occurred_on_idx"),
            models.Index(fields=["occurred_at", "id"], name="incident_occurred_id_idx"),  # the list's order
            # The dashboard's force types per day: joins incidents by id for their local day,
            # reading this index alone (on PostgreSQL, in id order, merged with the force types).
            models.Index(fields=["id", "occurred_on"], name="incident_id_occurred_on_idx"),
        ]

    def __str__(self) -> str:
        return f"Incident {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.occurred_on = local_date(self.occurred_at, self.event.time_zone) if self.occurred_at else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "occurred_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "occurred_on"}
        super().save(*args, **kwargs)


class IncidentOfficer(models.Model):
    """An officer as seen in one incident: what the observer actually saw, kept verbatim.

    A merge (`cases.services.officer_merge`) moves a sighting to the known officer and keeps it,
    even when that officer is already on the incident: two observers may have seen one officer
    with a taped badge and with a full one, and both accounts matter to a claim. `recorded_as`
    then names the record the sighting was first made under (empty until a merge). An officer
    is still recorded once per incident as first reported, and once per record merged into it,
    so counts of incidents per officer count distinct incidents."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="officer_sightings")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="sightings")
    recorded_as = models.ForeignKey(
        Officer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The officer record this sighting was first made under, when since merged."),
    )
    badge_as_seen = models.CharField(max_length=20, blank=True)
    features_as_seen = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "officer"], condition=Q(recorded_as__isnull=True), name="incident_officer_once"
            ),
            models.UniqueConstraint(
                fields=["incident", "recorded_as"],
                condition=Q(recorded_as__isnull=False),
                name="incident_officer_recorded_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} in {self.incident_id}"


class Conduct(models.TextChoices):
    WALKED = "walked", _("Walked")
    PASSIVE = "passive", _("Passive (carried)")
    RESISTED = "resisted", _("Resisted")
    UNKNOWN = "unknown", _("Unknown")


class ArrestSeen(models.Model):
    """An arrest an observer saw during an incident, with the person's conduct."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="arrests_seen")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="arrests_seen")
    person_description = EncryptedTextField()
    conduct = models.CharField(max_length=10, choices=Conduct.choices, default=Conduct.UNKNOWN)

    def __str__(self) -> str:
        return f"Arrest seen in incident {self.incident_id}"


class ComplaintForum(models.TextChoices):
    OVERSIGHT = "oversight", _("Civilian oversight commission")
    INTERNAL_AFFAIRS = "internal_affairs", _("Police internal affairs")
    CIVIL_SUIT = "civil_suit", _("Civil suit (42 U.S.C. § 1983)")


class ComplaintStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Closed")


class ComplaintOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    UNFOUNDED = "unfounded", _("Unfounded")
    EXONERATED = "exonerated", _("Exonerated")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    SUSTAINED = "sustained", _("Sustained")
    SETTLED = "settled", _("Settled")
    DISMISSED = "dismissed", _("Dismissed")
    JUDGMENT = "judgment", _("Judgment for the complainant")


class ExcessiveForceComplaint(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="complaints")
    incidents = models.ManyToManyField(Incident, blank=True, related_name="complaints")
    officers = models.ManyToManyField(Officer, blank=True, related_name="complaints")
    force_types = models.ManyToManyField(ForceType, blank=True, related_name="complaints")
    narrative = EncryptedTextField(help_text=FREE_TEXT_WARNING)
    injuries = EncryptedTextField()
    treatment = EncryptedTextField()
    forum = models.CharField(max_length=20, choices=ComplaintForum.choices, default=ComplaintForum.OVERSIGHT)
    filed_on = models.DateField(null=True, blank=True)
    reference_number = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.DRAFT)
    outcome = models.CharField(max_length=20, choices=ComplaintOutcome.choices, default=ComplaintOutcome.PENDING)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Complaint {self.public_id}"


class WitnessStatement(PublicModel):
    anonymous = models.BooleanField(default=False)
    witness_name = EncryptedCharField(max_length=200)
    witness_contact = EncryptedTextField()
    statement = EncryptedTextField(blank=False, help_text=FREE_TEXT_WARNING)
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="statements")
    complaint = models.ForeignKey(
        ExcessiveForceComplaint, null=True, blank=True, on_delete=models.CASCADE, related_name="statements"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="statements")

    class Meta:
        ordering = ["-taken_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(complaint__isnull=False) | Q(case__isnull=False),
                name="statement_linked_to_something",
            )
        ]

    def __str__(self) -> str:
        return f"Witness statement {self.public_id}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


def evidence_path(instance: Evidence, filename: str) -> str:
    """Generated names only: the uploaded name never reaches the filesystem."""
    return f"evidence/{instance.public_id.hex[:2]}/{instance.public_id.hex}"


def evidence_served_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.public_id.hex[:2]}/{instance.public_id.hex}.served"


class Evidence(PublicModel):
    """An evidence file. `file` is the original exactly as uploaded (its SHA-256 in `sha256`),
    sealed under its case's (or incident's) data key; `served_file`, for images, is a re-encoded
    copy without metadata (EXIF, GPS), sealed the same way, and is what people download."""

    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(upload_to=evidence_path, max_length=200)
    served_file = models.FileField(upload_to=evidence_served_path, max_length=200, blank=True)
    served_content_type = models.CharField(max_length=100, blank=True)
    metadata_stripped = models.BooleanField(
        default=False, help_text=_("The served copy was re-encoded without EXIF/GPS metadata.")
    )
    content_type = models.CharField(max_length=100, help_text=_("As sniffed from the content, never as declared."))
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, help_text=_("Of the original as uploaded."))
    client_sha256 = models.CharField(
        max_length=64, blank=True, help_text=_("The SHA-256 the uploading phone computed before sending (Web Crypto).")
    )
    client_hash_matched = models.BooleanField(
        null=True,
        blank=True,
        help_text=_("Whether the phone's SHA-256 matched the file on arrival (empty: none sent)."),
    )
    captured_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    description = EncryptedTextField()
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    complaint = models.ForeignKey(
        ExcessiveForceComplaint, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(complaint__isnull=False) | Q(case__isnull=False),
                name="evidence_linked_to_something",
            )
        ]

    def __str__(self) -> str:
        return f"Evidence {self.public_id}"


class CustodyAction(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VIEWED = "viewed", _("Viewed")
    DOWNLOADED = "downloaded", _("Downloaded")
    EXPORTED = "exported", _("Exported")


# The note on the export event each filing packet adds per embedded photo. Packets leave these out
# of the custody log they print (and of their inputs stamp): a packet's own render does not change it.
PACKET_EXPORT_NOTE = "embedded in a filing packet"


class CustodyEvent(models.Model):
    """Chain of custody for one evidence file: who did what, when."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="custody_log")
    action = models.CharField(max_length=12, choices=CustodyAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # A file's log without the packets' export events: what a packet prints and stamps
            # reads this, however many packets have embedded the photo.
            models.Index(fields=["evidence", "at"], condition=~Q(note=PACKET_EXPORT_NOTE), name="custody_shown_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


class AuditEntry(models.Model):
    """Append-only, hash-chained record of reads and changes. Never holds personal plaintext:
    only who, what action, which object (by public id), which field names."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    ip_hash = models.CharField(max_length=24, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditChainHead(models.Model):
    """Single row locked while appending, so the chain has no forks."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    entries = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.entries} entries"


class LockdownState(models.Model):
    """Single row: whether an emergency lockdown is in force (see cases.lockdown)."""

    active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    keys_destroyed_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    suspended_user_ids = models.JSONField(
        default=list, blank=True, help_text=_("Accounts the lockdown suspended (reactivated when it is lifted).")
    )

    def __str__(self) -> str:
        return "lockdown active" if self.active else "normal operation"


class DataKey(models.Model):
    """A data key for one case's (or one incident's) files: evidence originals and copies, stored
    packets. The key itself is sealed by the field keyring. Deleting the row at purge makes every
    copy of those files unreadable, also in file backups; back this table up apart from the rest,
    on a short rotation (docs/retention.md)."""

    scope = models.CharField(max_length=80, unique=True, help_text=_('"case:<uuid>" or "incident:<uuid>".'))
    key = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.scope


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator app (a phone's): django-otp's TOTPDevice, with its seed sealed under the
    field keys like any personal field (django-otp stores it as clear hex, and with the seed anyone
    holding a dump can make codes). `manage.py rotate_keys` re-seals it with the newest key.

    Verification, throttling and the otpauth:// URL are django-otp's own (the same functions, so a
    fix there is a fix here); only where the seed lives differs."""

    key = EncryptedTextField(default=totp_default_key, help_text=_("The hex secret, sealed."))
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        verbose_name = _("authenticator")

    def __str__(self) -> str:
        return f"Authenticator {self.pk}"
