"""Citations, their lifecycle actions, payments and deadlines (assigned lawyers and coordinators).

Lifecycle fields are never written directly: each action body goes to one service of
citations.services, which checks the move against the citation's track."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import (
    BoundedDateField,
    BoundedDateTimeField,
    InputSerializer,
    OutputSerializer,
    PlainInputSerializer,
    ScopedRelatedField,
)
from cases.access import case_list_visible_to, officer_list_visible_to
from cases.models import Case, ExcessiveForceComplaint, Officer, Payer
from citations.deadlines import (
    ClerkHours,
    ClerkHoursTable,
    clerk_hours_table,
    court_for,
    due_wording,
    filing_hours,
    rule_basis,
    rule_basis_note,
)
from citations.lifecycle import track_for
from citations.models import DECISIONS, Citation, Deadline, Payment, PaymentKind, Response
from citations.selectors import balance_of, citation_balance


class MoneyKwargs(TypedDict):
    max_digits: int
    decimal_places: int
    min_value: Decimal


MONEY_KWARGS: MoneyKwargs = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.00")}
EDITABLE = [
    "number", "agency", "jurisdiction", "kind", "offense_code", "offense_subsection", "offense_description", "fine",
    "costs", "issued_at", "place", "issuing_officer", "officer_name_as_written", "officer_badge_as_written",
]  # fmt: skip
LIFECYCLE = [
    "status", "response", "responded_at", "hearing_at", "courtroom", "docket_number", "docketed", "disposition",
    "decided_on", "appealed_on", "closed_on", "status_changed_at",
]  # fmt: skip


class ClerkHoursOutput(serializers.Serializer):
    office = serializers.CharField()
    weekdays = serializers.CharField(help_text="Digits, Monday 0 to Sunday 6.")
    opens = serializers.CharField(help_text="HH:MM, local time.")
    closes = serializers.CharField(help_text="HH:MM, local time: file before this hour on the last day.")
    # A declared field named like Field.source: DRF's metaclass moves it out of the class attributes.
    source = serializers.CharField()  # type: ignore[assignment]  # the stubs see Field.source overridden
    confirmed = serializers.BooleanField(help_text="False: not confirmed by the court itself; check the hours.")


def clerk_hours_output(hours: ClerkHours | None) -> dict[str, Any] | None:
    """The API's `clerk_hours` of a filing deadline (None for a payment, a hearing, or no entry)."""
    if hours is None:
        return None
    return {
        "office": hours.office, "weekdays": hours.weekdays, "opens": f"{hours.opens:%H:%M}",
        "closes": f"{hours.closes:%H:%M}", "source": hours.source, "confirmed": not hours.uncertain,
    }  # fmt: skip


def _clerk_hours_for(serializer: serializers.Serializer, deadline: Deadline) -> dict[str, Any] | None:
    """A deadline's clerk's hours through `due_wording`, the desk's function; the table is read
    once per response (kept in the serializer's context)."""
    context = cast(dict[str, Any], serializer.context)  # the root's dict (DRF), shared by nested fields
    if "clerk_hours_table" not in context:
        context["clerk_hours_table"] = clerk_hours_table()
    return clerk_hours_output(due_wording(deadline, clerk_hours=context["clerk_hours_table"]).hours)


def row_clerk_hours(row: dict[str, Any], table: ClerkHoursTable) -> dict[str, Any] | None:
    """`clerk_hours` of a deadline read as a `.values()` row (the list pages), as `due_wording`
    gives it for the object: the court of the citation's jurisdiction and its event's place."""
    jurisdiction = row["citation__jurisdiction"]  # None for a complaint's deadline: no clerk's office
    court = court_for(jurisdiction, row["case__event__jurisdiction"]) if jurisdiction is not None else ""
    hours = filing_hours(kind=row["kind"], due_on=row["due_on"], court=court, table=table)
    return clerk_hours_output(hours)


ROW_CLERK_HOURS_NEEDS = ["kind", "due_on", "citation__jurisdiction", "case__event__jurisdiction"]


class DeadlineBrief(serializers.ModelSerializer):
    """A citation's deadline, with where it comes from and whether a lawyer has checked the rule,
    and for a filing the clerk's office hours of its court (with their source)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_source = serializers.CharField(source="rule.source", read_only=True)
    rule_verified = serializers.BooleanField(source="rule.verified", read_only=True)
    rule_verified_at = serializers.DateTimeField(source="rule.verified_at", read_only=True, allow_null=True)
    clerk_hours = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id", "kind", "due_on", "due_at", "status", "warrant_risk", "uncertain_closure_on", "rule_code",
            "rule_source", "rule_verified", "rule_verified_at", "clerk_hours",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ClerkHoursOutput(allow_null=True))
    def get_clerk_hours(self, deadline: Deadline) -> dict[str, Any] | None:
        return _clerk_hours_for(self, deadline)


class BalanceOutput(serializers.Serializer):
    owed = serializers.DecimalField(**MONEY_KWARGS)
    paid = serializers.DecimalField(**MONEY_KWARGS)
    refunded = serializers.DecimalField(**MONEY_KWARGS)
    balance_due = serializers.DecimalField(**MONEY_KWARGS)
    refund_due = serializers.DecimalField(**MONEY_KWARGS)


class AppealOutput(serializers.Serializer):
    modelled = serializers.BooleanField(
        help_text="False for a civil notice: its review decision's appeal is not modelled."
    )
    note = serializers.CharField(allow_blank=True)


APPEAL_NOT_MODELLED = _(
    "Appealing the hearing decision on a civil notice is not modelled here: check the deadline and the way to "
    "appeal with the clerk (Office of Administrative Review)."
)


class RulesAppliedOutput(serializers.Serializer):
    track = serializers.CharField(
        help_text="The track whose deadline rules apply (a citation kind): a statewide-track summary citation in "
        "Philadelphia follows Pa.R.Crim.P. 1002, the notice-to-appear track."
    )
    rule_1002 = serializers.BooleanField(help_text="Rule 1002 applied instead of the track it was recorded on.")
    note = serializers.CharField(allow_blank=True, help_text="Which rule applied and why.")


def rules_applied(*, kind: str, jurisdiction: str, place: str) -> dict[str, Any]:
    """Which rules a citation's deadlines follow, and why (the API's `rules_applied` field)."""
    basis = rule_basis(kind=kind, jurisdiction=jurisdiction, place=place)
    return {"track": basis.kind, "rule_1002": basis.rule_1002, "note": rule_basis_note(basis)}


def appeal_of_kind(kind: str) -> dict[str, Any]:
    """The citation's appeal path as far as its kind tells (the API's `appeal` field)."""
    modelled = track_for(kind).appealable
    return {"modelled": modelled, "note": "" if modelled else str(APPEAL_NOT_MODELLED)}


class CitationOutput(OutputSerializer):
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    issuing_officer: serializers.SlugRelatedField[Officer] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    deadlines = DeadlineBrief(many=True, read_only=True)
    balance = serializers.SerializerMethodField()
    appeal = serializers.SerializerMethodField()
    rules_applied = serializers.SerializerMethodField()

    class Meta:
        model = Citation
        fields = [
            "id",
            "case",
            "case_number",
            *EDITABLE,
            *LIFECYCLE,
            "deadlines",
            "balance",
            "appeal",
            "rules_applied",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        personal_fields = ["case", "hearing_at", "courtroom", "docket_number", "responded_at"]

    @extend_schema_field(BalanceOutput)
    def get_balance(self, citation: Citation) -> dict[str, Any]:
        if not hasattr(citation, "paid_total"):
            balance = citation_balance(citation=citation)
        else:
            balance = balance_of(citation)
        return BalanceOutput(balance).data

    @extend_schema_field(AppealOutput)
    def get_appeal(self, citation: Citation) -> dict[str, Any]:
        return appeal_of_kind(citation.kind)

    @extend_schema_field(RulesAppliedOutput)
    def get_rules_applied(self, citation: Citation) -> dict[str, Any]:
        return rules_applied(
            kind=citation.kind, jurisdiction=citation.jurisdiction, place=citation.case.event.jurisdiction
        )


# What a client may send back from a citation it read, ignored on input: the server's fields.
SERVER_FIELDS = frozenset(CitationOutput.Meta.fields) - {"case", *EDITABLE}


class CitationInput(InputSerializer):
    ignored_fields = SERVER_FIELDS - {"hearing_at", "courtroom", "docket_number"}
    case = ScopedRelatedField(model=Case, scope=case_list_visible_to)
    issuing_officer = ScopedRelatedField(model=Officer, scope=officer_list_visible_to, required=False, allow_null=True)
    hearing_at = BoundedDateTimeField(required=False, help_text=_("A notice to appear's date and time."))
    courtroom = serializers.CharField(required=False, allow_blank=True, max_length=40)
    docket_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    confirm_closed_day = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Record a hearing on a weekend or a day the court is (or may be) closed."),
    )

    class Meta:
        model = Citation
        fields = ["case", *EDITABLE, "hearing_at", "courtroom", "docket_number", "confirm_closed_day"]
        validators: list[Any] = []  # (agency, number) uniqueness is checked by the service


class CitationUpdate(InputSerializer):
    ignored_fields = SERVER_FIELDS | {"case"}
    issuing_officer = ScopedRelatedField(model=Officer, scope=officer_list_visible_to, required=False, allow_null=True)

    class Meta:
        model = Citation
        fields = EDITABLE
        validators: list[Any] = []


class ResponseInput(PlainInputSerializer):
    response = serializers.ChoiceField(
        choices=[c for c in Response.choices if c[0]], help_text=_("A plea, or for a civil notice: paid or disputed.")
    )
    at = BoundedDateTimeField(required=False, help_text=_("When it was sent; default now."))


class HearingInput(PlainInputSerializer):
    hearing_at = BoundedDateTimeField()
    courtroom = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    confirm_closed_day = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Record a hearing on a weekend or a day the court is (or may be) closed."),
    )


class DocketInput(PlainInputSerializer):
    docket_number = serializers.CharField(max_length=60)


class DispositionInput(PlainInputSerializer):
    disposition = serializers.ChoiceField(choices=DECISIONS)
    decided_on = BoundedDateField()


class AppealInput(PlainInputSerializer):
    filed_on = BoundedDateField()


class CloseInput(PlainInputSerializer):
    closed_on = BoundedDateField(required=False)
    appeal_waived = serializers.BooleanField(
        required=False, default=False, help_text=_("The client decided not to appeal while the window is open.")
    )


class EmptyInput(PlainInputSerializer):
    pass


class PaymentOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    citation = serializers.UUIDField(source="citation.public_id", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True, default=None)
    amount = serializers.DecimalField(**MONEY_KWARGS, read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "citation", "kind", "amount", "payer", "paid_on", "reference", "recorded_by", "created_at"]
        read_only_fields = fields


class PaymentInput(PlainInputSerializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    payer = serializers.ChoiceField(choices=Payer.choices)
    paid_on = BoundedDateField()
    kind = serializers.ChoiceField(choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")


class RuleBrief(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    # A declared field named like Field.source: DRF's metaclass moves it out of the class attributes.
    source = serializers.CharField()  # type: ignore[assignment]  # the stubs see Field.source overridden
    verified = serializers.BooleanField(
        help_text="True only once a lawyer or coordinator recorded a review of the rule."
    )
    verified_at = serializers.DateTimeField(allow_null=True)


class DeadlineOutput(OutputSerializer):
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    citation: serializers.SlugRelatedField[Citation] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    complaint: serializers.SlugRelatedField[ExcessiveForceComplaint] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    rule = RuleBrief(read_only=True)
    clerk_hours = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id", "case", "case_number", "citation", "complaint", "kind", "due_on", "due_at", "status", "warrant_risk",
            "uncertain_closure_on", "clerk_hours", "resolved_at", "rule", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
        personal_fields = ["case", "due_on", "due_at"]

    @extend_schema_field(ClerkHoursOutput(allow_null=True))
    def get_clerk_hours(self, deadline: Deadline) -> dict[str, Any] | None:
        return _clerk_hours_for(self, deadline)
