"""The dashboard's response shape, for the schema (citations.dashboard builds the data)."""

from __future__ import annotations

from rest_framework import serializers


class CountCell(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    display = serializers.CharField(help_text='e.g. "12" or "fewer than 5"')
    suppressed = serializers.BooleanField()


class MoneyCell(serializers.Serializer):
    value = serializers.CharField(allow_null=True, help_text='Exact cents as a string ("125.00"); null when suppressed')
    display = serializers.CharField()
    suppressed = serializers.BooleanField()


class ScopeEvent(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()


class Scope(serializers.Serializer):
    event = ScopeEvent(allow_null=True)
    today = serializers.DateField()
    threshold = serializers.IntegerField()


class People(serializers.Serializer):
    people = CountCell()
    cited = CountCell(allow_null=True, help_text="null for an event with fewer people than the threshold")
    arrested = CountCell(allow_null=True, help_text="null for an event with fewer people than the threshold")


class Citations(serializers.Serializer):
    total = CountCell()
    by_status = serializers.DictField(child=CountCell(), allow_null=True, help_text="null: too few to break down")
    by_kind = serializers.DictField(child=CountCell(), allow_null=True, help_text="null: too few to break down")


class DeadlineWindow(serializers.Serializer):
    total = CountCell()
    answer = CountCell(allow_null=True, help_text="null: too few to break down")
    hearing = CountCell(allow_null=True)
    appeal = CountCell(allow_null=True)
    claim = CountCell(allow_null=True)


class Deadlines(serializers.Serializer):
    as_of = serializers.DateField()
    next_7_days = DeadlineWindow()
    next_30_days = DeadlineWindow()
    missed_answers = CountCell()
    past_hearings_without_outcome = CountCell()


class Money(serializers.Serializer):
    fines_owed = MoneyCell()
    paid = MoneyCell()
    paid_by_bail_fund = MoneyCell()
    refunded = MoneyCell()
    refunds_owed = MoneyCell()


class ForceDay(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    force_type = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label (DRF's metaclass moves it off the class)
    incidents = CountCell()


class OfficerRow(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField(allow_blank=True)
    badge_number = serializers.CharField(allow_blank=True)
    badge_status = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    agency = serializers.CharField()
    incidents = CountCell()


class UnitRow(serializers.Serializer):
    agency = serializers.CharField()
    unit = serializers.CharField()
    incidents = CountCell()


class EventRow(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    people = CountCell()
    cited = CountCell(allow_null=True, help_text="null for an event with fewer people than the threshold")
    arrested = CountCell(allow_null=True, help_text="null for an event with fewer people than the threshold")


class Labels(serializers.Serializer):
    status = serializers.DictField(child=serializers.CharField())
    kind = serializers.DictField(child=serializers.CharField())
    disposition = serializers.DictField(child=serializers.CharField())


class Findings(serializers.Serializer):
    allegations = CountCell(help_text="Allegations in complaints (the claims app's section)")
    by_finding = serializers.DictField(
        child=CountCell(allow_null=True), allow_null=True, help_text="null: too few to break down"
    )
    labels = serializers.DictField(child=serializers.CharField())


class DashboardOutput(serializers.Serializer):
    scope = Scope()
    small_group = serializers.BooleanField(
        help_text="The event has fewer people than the threshold: only its head count is given."
    )
    people = People()
    citations = Citations(allow_null=True)
    outcomes = serializers.DictField(child=CountCell(), allow_null=True)
    deadlines = Deadlines(allow_null=True)
    money = Money(allow_null=True)
    force_over_time = ForceDay(many=True)
    officers = OfficerRow(many=True)
    units = UnitRow(many=True)
    events = EventRow(many=True)
    labels = Labels()
    findings = Findings(
        allow_null=True, required=False, help_text="null for an event with fewer people than the threshold"
    )


class DashboardQuery(serializers.Serializer):
    event = serializers.UUIDField(required=False, help_text="One event; overall when absent.")
