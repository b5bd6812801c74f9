"""Bulk actions: input for a mass disposition, a bulk assignment and a courtroom list's outcomes
(each a preview unless `confirm` is true); output is the report (decided, skipped with the
reason, refunds owed), by case and citation numbers and ids, never names."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from citations.models import DECISIONS, MASS_DECISIONS, BulkAction, CitationKind, RunStatus

CONFIRM_HELP = "false (the default): a preview, nothing is written; true: do it."


class MassDispositionInput(serializers.Serializer):
    event = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=CitationKind.choices)
    issued_from = serializers.DateField(help_text="First day of issue (the event's calendar), included.")
    issued_to = serializers.DateField(help_text="Last day of issue, included.")
    disposition = serializers.ChoiceField(choices=MASS_DECISIONS)
    decided_on = serializers.DateField()
    confirm = serializers.BooleanField(default=False, help_text=CONFIRM_HELP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["issued_to"] < attrs["issued_from"]:
            raise serializers.ValidationError({"issued_to": [_("The last day comes after the first.")]})
        return attrs


class BulkAssignInput(serializers.Serializer):
    lawyer = serializers.CharField(max_length=150, help_text="The lawyer's username.")
    cases = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=1000)
    confirm = serializers.BooleanField(default=False, help_text=CONFIRM_HELP)


class OutcomeInput(serializers.Serializer):
    citation = serializers.UUIDField()
    disposition = serializers.ChoiceField(choices=DECISIONS)


class HearingOutcomesInput(serializers.Serializer):
    date = serializers.DateField(help_text="The hearing day; the outcomes are decided on it.")
    courtroom = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    outcomes = serializers.ListField(child=OutcomeInput(), max_length=1000)
    confirm = serializers.BooleanField(default=False, help_text=CONFIRM_HELP)


class CitationRow(serializers.Serializer):
    citation = serializers.UUIDField()
    number = serializers.CharField()
    case = serializers.CharField(help_text="The case number.")
    disposition = serializers.CharField(required=False)
    reason = serializers.CharField(required=False, help_text="Why it was left alone.")


class RefundRow(serializers.Serializer):
    citation = serializers.UUIDField()
    number = serializers.CharField()
    case = serializers.CharField()
    payer = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class MassDispositionOutput(serializers.Serializer):
    preview = serializers.BooleanField()
    batch = serializers.CharField(help_text="Ties the audit entries of this run together (empty for a preview).")
    decided = CitationRow(many=True)
    skipped = CitationRow(many=True)
    refunds = RefundRow(many=True)
    refund_total = serializers.DecimalField(max_digits=12, decimal_places=2)


class RunProgress(serializers.Serializer):
    """A confirmed bulk action running in the background: its progress (the same fields for every
    action), then its report."""

    id = serializers.UUIDField()
    action = serializers.ChoiceField(choices=BulkAction.choices)
    status = serializers.ChoiceField(
        choices=RunStatus.choices, help_text="gave_up: the worker was lost too often; what it did not reach is skipped."
    )
    stalled = serializers.BooleanField(
        help_text="No progress for a while and its task is not waiting in the queue: it will be taken up again."
    )
    recoveries = serializers.IntegerField(help_text="How often the run was taken up again after a stall.")
    last_progress_at = serializers.DateTimeField()
    status_url = serializers.CharField()
    done = serializers.IntegerField(help_text="Items handled so far (case by case).")
    total = serializers.IntegerField()
    decided_count = serializers.IntegerField()
    skipped_count = serializers.IntegerField()
    batch = serializers.CharField(help_text="Ties the audit entries of this run together.")
    finished_at = serializers.DateTimeField(allow_null=True)


class DispositionRunOutput(RunProgress):
    """A confirmed mass disposition running in the background: counts while it runs, the
    report (decided, skipped with the reason, refunds owed) once it is done."""

    decided = CitationRow(many=True, required=False)
    skipped = CitationRow(many=True, required=False)
    refunds = RefundRow(many=True, required=False)
    refund_total = serializers.DecimalField(max_digits=12, decimal_places=2)


class CaseRow(serializers.Serializer):
    case = serializers.UUIDField()
    number = serializers.CharField()
    reason = serializers.CharField(required=False)


class BulkAssignOutput(serializers.Serializer):
    preview = serializers.BooleanField()
    batch = serializers.CharField()
    assigned = CaseRow(many=True)
    skipped = CaseRow(many=True)


class HearingOutcomesOutput(serializers.Serializer):
    preview = serializers.BooleanField()
    batch = serializers.CharField()
    decided = CitationRow(many=True)
    skipped = CitationRow(many=True)


class AssignRunOutput(RunProgress):
    assigned = CaseRow(many=True, required=False)
    skipped = CaseRow(many=True, required=False)


class OutcomesRunOutput(RunProgress):
    decided = CitationRow(many=True, required=False)
    skipped = CitationRow(many=True, required=False)
